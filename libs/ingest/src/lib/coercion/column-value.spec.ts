import type { ColumnType, IngestColumn } from '@sluice/pipeline-spec';
import { coerceColumnValue } from './column-value';
import { RowCoercer } from './row-coercion';

const column = (type: ColumnType, nullable = false): IngestColumn => ({ name: 'c', type, nullable });
const value = (type: ColumnType, raw: unknown, nullable = false) => coerceColumnValue(column(type, nullable), raw);
const stored = (type: ColumnType, raw: unknown, nullable = false) => {
  const result = value(type, raw, nullable);
  if (!result.ok) throw new Error(`expected ${JSON.stringify(raw)} to fit ${type}: ${result.reason}`);
  return result.value;
};
const reason = (type: ColumnType, raw: unknown, nullable = false) => {
  const result = value(type, raw, nullable);
  if (result.ok) throw new Error(`expected ${JSON.stringify(raw)} not to fit ${type}, got ${JSON.stringify(result.value)}`);
  return result.reason;
};

describe('coerceColumnValue', () => {
  it('turns empty strings into NULL only in nullable columns', () => {
    expect(stored('integer', '', true)).toBeNull();
    expect(stored('text', '', true)).toBeNull();
    expect(stored('text', '')).toBe('');
    expect(reason('integer', '')).toBe('is empty (the column is not nullable)');
    expect(reason('date', '')).toBe('is empty (the column is not nullable)');
  });

  it('refuses missing and null values in non-nullable columns, and stores NULL in nullable ones', () => {
    expect(reason('text', undefined)).toMatch(/missing/);
    expect(reason('text', null)).toMatch(/missing/);
    expect(stored('jsonb', null, true)).toBeNull();
    expect(stored('boolean', undefined, true)).toBeNull();
  });

  it.each([
    ['integer', '42', '42'],
    ['integer', ' -7 ', '-7'],
    ['integer', '+0012', '+0012'],
    ['integer', '-1234567890', '-1234567890'],
    ['integer', 2147483647, '2147483647'],
    ['integer', '-2147483648', '-2147483648'],
    ['bigint', '9223372036854775807', '9223372036854775807'],
    ['bigint', '-9223372036854775808', '-9223372036854775808'],
    ['bigint', 9007199254740991, '9007199254740991'],
    ['bigint', '999999999999999', '999999999999999'],
    ['bigint', '-0000000000000000000042', '-42'],
    ['integer', '00000000000000000000007', '7'],
    ['integer', '0000000007', '7'],
    ['numeric', '3.14', '3.14'],
    ['numeric', '-.5', '-.5'],
    ['numeric', '1e10', '1e10'],
    ['numeric', '2.5E-3', '2.5E-3'],
    ['numeric', 0.1, '0.1'],
    ['numeric', 1e21, '1e+21'],
    ['boolean', 'TRUE', 't'],
    ['boolean', 'no', 'f'],
    ['boolean', '1', 't'],
    ['boolean', false, 'f'],
    ['boolean', 0, 'f'],
    ['date', '2024-02-29', '2024-02-29'],
    ['date', '2000-02-29', '2000-02-29'],
    ['date', ' 2024-12-31 ', '2024-12-31'],
    ['numeric', '1E+1000', '1E+1000'],
    ['timestamptz', '2024-03-01T12:30:00Z', '2024-03-01 12:30:00+00:00'],
    ['timestamptz', '2024-03-01 12:30:00.123456+05:30', '2024-03-01 12:30:00.123456+05:30'],
    ['timestamptz', '2024-03-01T12:30-0800', '2024-03-01 12:30:00-08:00'],
    ['timestamptz', '2024-03-01T12:30:00', '2024-03-01 12:30:00+00:00'],
    ['timestamptz', '2024-03-01', '2024-03-01 00:00:00+00:00'],
    ['text', 'tab\there "quoted"\nnext line', 'tab\there "quoted"\nnext line'],
    ['text', 12.5, '12.5'],
    ['text', '日本語 😀', '日本語 😀'],
    ['jsonb', '{"a": [1, 2]}', '{"a":[1,2]}'],
    ['jsonb', { nested: { ok: true } }, '{"nested":{"ok":true}}'],
    ['jsonb', 'null', 'null'],
    ['jsonb', [1, 'two'], '[1,"two"]'],
  ] as [ColumnType, unknown, string][])('stores %s %j as %j', (type, raw, expected) => {
    expect(stored(type, raw)).toBe(expected);
  });

  it.each([
    ['integer', '2147483648', /out of range for integer/],
    ['integer', '-2147483649', /out of range for integer/],
    ['integer', '1.5', /not a whole number/],
    ['integer', '1e3', /not a whole number/],
    ['integer', 'twelve', /not a whole number/],
    ['integer', 1.5, /not a whole number/],
    ['integer', true, /not a whole number/],
    ['bigint', '9223372036854775808', /out of range for bigint/],
    ['integer', '999999999999999', /out of range for integer/],
    ['bigint', 2 ** 60, /JSON can carry exactly/],
    ['numeric', 'abc', /not a number/],
    ['numeric', '1e1001', /out of range for numeric/],
    ['numeric', 'NaN', /not a number/],
    ['numeric', 'Infinity', /not a number/],
    ['numeric', '1,5', /not a number/],
    ['numeric', '1'.repeat(1001), /not a number/],
    ['boolean', 'maybe', /not a boolean/],
    ['boolean', 2, /not a boolean/],
    ['date', '2023-02-29', /not a date/],
    ['date', '2024-13-01', /not a date/],
    ['date', '2024-04-31', /not a date/],
    ['date', '1900-02-29', /not a date/],
    ['date', '0000-01-01', /not a date/],
    ['date', '01/02/2024', /not a date/],
    ['date', '2024/01/01', /not a date/],
    ['date', '2024-1-01', /not a date/],
    ['date', '2024-01-0a', /not a date/],
    ['date', '+024-01-01', /not a date/],
    ['date', '２０２４-01-01', /not a date/],
    ['date', '2024-01-011', /not a date/],
    ['numeric', '-2.5e-1001', /out of range for numeric/],
    ['numeric', '1e', /not a number/],
    ['date', 20240101, /not a date/],
    ['timestamptz', '2024-03-01T24:00:00Z', /not a timestamp/],
    ['timestamptz', '2024-03-01T12:60:00Z', /not a timestamp/],
    ['timestamptz', '2023-02-29T00:00:00Z', /not a timestamp/],
    ['timestamptz', '2024-03-01T12:00:00+16:00', /not a timestamp/],
    ['timestamptz', 'yesterday', /not a timestamp/],
    ['timestamptz', 1709296200, /not a timestamp/],
    ['text', 'nul\u0000byte', /NUL/],
    ['text', 'lone \ud800 surrogate', /Unicode/],
    ['text', { a: 1 }, /is not text/],
    ['jsonb', '{not json', /not valid JSON/],
    ['jsonb', { text: 'nul\u0000' }, /NUL character or lone surrogate/],
    ['jsonb', '"\\u0000"', /NUL character or lone surrogate/],
    ['jsonb', '{"\\ud800": 1}', /NUL character or lone surrogate/],
  ] as [ColumnType, unknown, RegExp][])('refuses %s %j', (type, raw, expected) => {
    expect(reason(type, raw)).toMatch(expected);
  });

  it('parses CSV text as JSON for a jsonb column, but stores a JSON string from a JSON source as a string', () => {
    expect(coerceColumnValue(column('jsonb'), '{"a":1}', true)).toEqual({ ok: true, value: '{"a":1}' });
    expect(coerceColumnValue(column('jsonb'), '{"a":1}', false)).toEqual({ ok: true, value: '"{\\"a\\":1}"' });
    expect(coerceColumnValue(column('jsonb'), 'plain', false)).toEqual({ ok: true, value: '"plain"' });
  });

  it('quotes a long value shortened in the reason', () => {
    expect(reason('integer', 'x'.repeat(500))).toBe(`"${'x'.repeat(56)}... is not a whole number`);
  });
});

describe('RowCoercer, column by column', () => {
  const columns: IngestColumn[] = [
    { name: 'title', type: 'text', nullable: false },
    { name: 'rating', type: 'numeric', nullable: true },
    { name: 'year', type: 'integer', nullable: false },
  ];

  it('gives the values in column order', () => {
    const fields: Record<string, unknown> = { year: '1999', title: 'Matrix', extra: 'ignored' };
    const coercer = new RowCoercer(columns);
    expect(coercer.coerce({ textual: true, field: (name) => fields[name] })).toBeUndefined();
    expect(coercer.values).toEqual(['Matrix', null, '1999']);
  });

  it('names the first column that does not fit', () => {
    const fields: Record<string, unknown> = { title: 'Matrix', rating: 'great', year: 'soon' };
    expect(new RowCoercer(columns).coerce({ textual: true, field: (name) => fields[name] })).toBe('column rating: "great" is not a number');
  });
});

describe('RowCoercer', () => {
  const columns: IngestColumn[] = [
    { name: 'id', type: 'integer', nullable: false },
    { name: 'note', type: 'text', nullable: true },
  ];
  const row = (fields: Record<string, unknown>) => ({ textual: true, field: (name: string) => fields[name] });

  it('fills one reused array with each row that fits, and gives the reason for one that does not', () => {
    const coercer = new RowCoercer(columns);
    const values = coercer.values;
    expect(coercer.coerce(row({ id: '1', note: 'first' }))).toBeUndefined();
    expect(coercer.values).toEqual(['1', 'first']);
    expect(coercer.coerce(row({ id: 'two', note: 'second' }))).toBe('column id: "two" is not a whole number');
    expect(coercer.coerce(row({ id: '3', note: '' }))).toBeUndefined();
    expect(coercer.values).toEqual(['3', null]);
    expect(coercer.values).toBe(values);
  });
});
