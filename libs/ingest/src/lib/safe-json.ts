// Without the u flag a regex sees UTF-16 code units, so this finds surrogates without their pair.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const LONE_SURROGATES = new RegExp(LONE_SURROGATE.source, 'g');

/** False for text with a lone surrogate (which cannot be encoded as UTF-8). */
export const isWellFormedText = (text: string): boolean => !LONE_SURROGATE.test(text);

const isStorableString = (text: string) => !text.includes('\0') && isWellFormedText(text);

/** True when every string in the value (keys included) can be stored in PostgreSQL jsonb: no NUL, no lone surrogate. */
export function isSafeJsonValue(value: unknown): boolean {
  if (typeof value === 'string') return isStorableString(value);
  if (Array.isArray(value)) return value.every(isSafeJsonValue);
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).every(([key, item]) => isStorableString(key) && isSafeJsonValue(item));
  }
  return true;
}

/** The text with what PostgreSQL cannot store (NUL, lone surrogates) replaced by U+FFFD. */
export const storableText = (text: string): string => (isStorableString(text) ? text : text.replace(LONE_SURROGATES, '\uFFFD').replaceAll('\0', '\uFFFD'));

/**
 * JSON text PostgreSQL jsonb accepts for any value: unstorable characters become U+FFFD. Used for
 * the raw copy of a rejected row, which may have been rejected for exactly such a character.
 */
export function toStorableJson(value: unknown): string {
  return JSON.stringify(value, function replacer(this: unknown, _key, item: unknown) {
    if (typeof item === 'string') return storableText(item);
    if (item !== null && typeof item === 'object' && !Array.isArray(item)) {
      const entries = Object.entries(item);
      if (entries.every(([key]) => isStorableString(key))) return item;
      return Object.fromEntries(entries.map(([key, inner]) => [storableText(key), inner]));
    }
    return item;
  });
}
