import { copyTextLine } from './copy-text';

describe('copyTextLine', () => {
  it('separates values with tabs, ends the row with a newline and writes NULL as \\N', () => {
    expect(copyTextLine(['a', null, '', '42'])).toBe('a\t\\N\t\t42\n');
  });

  it('skips the search only in columns marked plain', () => {
    expect(copyTextLine(['a\tb', '12', null], [false, true, true])).toBe('a\\tb\t12\t\\N\n');
  });

  it('escapes backslashes, newlines, carriage returns and tabs so no value can end a row or the data early', () => {
    expect(copyTextLine(['a\tb', 'line1\nline2\r', 'C:\\temp', '\\.', '\\N'])).toBe('a\\tb\tline1\\nline2\\r\tC:\\\\temp\t\\\\.\t\\\\N\n');
  });
});
