import { randomBytes } from 'node:crypto';
import { brotliCompressSync } from 'node:zlib';
import { CacheCodecError } from './cache-errors';
import { CODEC_BROTLI, CODEC_RAW, decodeValue, encodeValue } from './value-codec';

const options = { compressAboveBytes: 64, maxValueBytes: 64 * 1024 };

describe('value codec', () => {
  it('stores a small value raw behind the raw marker', async () => {
    const value = Buffer.from('small');
    const stored = await encodeValue(value, options);
    expect(stored[0]).toBe(CODEC_RAW);
    expect(await decodeValue(stored, options)).toEqual(value);
  });

  it('compresses a large compressible value behind the brotli marker and reads it back equal', async () => {
    const value = Buffer.from('abc'.repeat(5000));
    const stored = await encodeValue(value, options);
    expect(stored[0]).toBe(CODEC_BROTLI);
    expect(stored.length).toBeLessThan(value.length / 10);
    expect(await decodeValue(stored, options)).toEqual(value);
  });

  it('keeps an incompressible large value raw', async () => {
    const value = randomBytes(1000);
    const stored = await encodeValue(value, options);
    expect(stored[0]).toBe(CODEC_RAW);
    expect(await decodeValue(stored, options)).toEqual(value);
  });

  it('refuses a compressed value that would decompress beyond the limit (a decompression bomb)', async () => {
    const bomb = Buffer.concat([Buffer.of(CODEC_BROTLI), brotliCompressSync(Buffer.alloc(10 * 1024 * 1024))]);
    await expect(decodeValue(bomb, options)).rejects.toThrow(CacheCodecError);
  });

  it('refuses an unknown marker and an empty value instead of returning garbage', async () => {
    await expect(decodeValue(Buffer.of(0x7f, 1, 2), options)).rejects.toThrow(/unknown codec marker 0x7f/);
    await expect(decodeValue(Buffer.alloc(0), options)).rejects.toThrow(CacheCodecError);
  });
});
