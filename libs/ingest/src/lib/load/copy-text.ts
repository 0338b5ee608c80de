const SPECIAL = /[\\\n\r\t]/;
const SPECIALS = /[\\\n\r\t]/g;
const ESCAPES: Readonly<Record<string, string>> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * One row in PostgreSQL's COPY text format: tab-separated, `\N` for NULL, and backslash, newline,
 * carriage return and tab escaped (so no value can end a row early or forge the `\.` end marker).
 * `plain[i]` says column i holds only values that cannot contain those characters (numbers,
 * booleans, dates as coercion writes them), so they are not searched; undefined searches all.
 */
export function copyTextLine(values: readonly (string | null)[], plain?: readonly boolean[]): string {
  let line = '';
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (i > 0) line += '\t';
    if (value === null) line += '\\N';
    else if (plain?.[i] || !SPECIAL.test(value)) line += value;
    else line += value.replace(SPECIALS, (c) => ESCAPES[c]);
  }
  return line + '\n';
}
