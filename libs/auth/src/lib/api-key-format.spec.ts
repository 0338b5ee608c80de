import { generateApiKey, parseApiKey } from './api-key-format';
import { keyedHash, sameDigest } from './secret-tokens';

describe('API key format', () => {
  it('generates keys that parse back to their prefix', () => {
    const { prefix, key } = generateApiKey();
    expect(key).toMatch(/^slk_.{12}_.{43}$/);
    expect(parseApiKey(key)).toEqual({ prefix, key });
  });

  it('refuses anything else', () => {
    for (const bad of ['', 'slk_', 'Bearer x', `slk_${'a'.repeat(12)}_${'b'.repeat(42)}`, `sk_${'a'.repeat(12)}_${'b'.repeat(43)}`]) {
      expect(parseApiKey(bad)).toBeUndefined();
    }
  });

  it('hashes with the pepper so the same key under another pepper does not match', () => {
    const { key } = generateApiKey();
    expect(sameDigest(keyedHash('pepper-one-pepper-one-pepper-one!', key), keyedHash('pepper-one-pepper-one-pepper-one!', key))).toBe(true);
    expect(sameDigest(keyedHash('pepper-one-pepper-one-pepper-one!', key), keyedHash('pepper-two-pepper-two-pepper-two!', key))).toBe(false);
  });
});
