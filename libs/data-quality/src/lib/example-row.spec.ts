import { Check } from '@sluice/pipeline-spec';
import { checkName } from './check-name';
import { toExampleRow } from './example-row';

describe('toExampleRow', () => {
  it('keeps small values, writes dates as RFC 3339 and bytes as hex', () => {
    const row = toExampleRow({ a: 1, b: 'x', c: null, d: true, e: new Date('2024-01-02T03:04:05Z'), f: Buffer.from([1, 255]), g: { k: [1] } });
    expect(row).toEqual({ a: 1, b: 'x', c: null, d: true, e: '2024-01-02T03:04:05.000Z', f: '\\x01ff', g: { k: [1] } });
  });

  it('shortens long text and large JSON, and keeps at most 50 columns', () => {
    const wide = Object.fromEntries(Array.from({ length: 80 }, (_, i) => [`c${i}`, i]));
    expect(Object.keys(toExampleRow(wide))).toHaveLength(50);
    const row = toExampleRow({ t: 'y'.repeat(1000), j: { big: 'z'.repeat(1000) } });
    expect(row.t).toBe(`${'y'.repeat(200)}…`);
    expect(typeof row.j).toBe('string');
    expect((row.j as string).length).toBe(201);
  });
});

describe('checkName', () => {
  it('names a check by its own name, its type and column, or its type', () => {
    expect(checkName(Check.parse({ type: 'sql', name: 'no_future', query: 'select 1 from {{ input }}', mustBe: 0 }))).toBe('no_future');
    expect(checkName(Check.parse({ type: 'unique', column: 'title' }))).toBe('unique:title');
    expect(checkName(Check.parse({ type: 'row_count', min: 1 }))).toBe('row_count');
  });
});
