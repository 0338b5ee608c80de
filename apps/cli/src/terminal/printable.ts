/**
 * Text from the server (titles, step errors, ids) is printed to a terminal: control characters
 * are replaced so a response cannot move the cursor, change colours or retitle the window.
 */
export function printable(text: string, maxChars = 500): string {
  // eslint-disable-next-line no-control-regex
  const safe = text.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ');
  return safe.length > maxChars ? `${safe.slice(0, maxChars)}…` : safe;
}
