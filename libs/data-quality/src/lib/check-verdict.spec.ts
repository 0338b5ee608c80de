import { Check } from '@sluice/pipeline-spec';
import { judge, withinThresholds } from './check-verdict';

const check = (value: Record<string, unknown>) => Check.parse(value);

describe('withinThresholds', () => {
  it('tolerates nothing without a threshold', () => {
    expect(withinThresholds(0, 100, {})).toBe(true);
    expect(withinThresholds(1, 100, {})).toBe(false);
  });

  it('tolerates up to maxFailing rows', () => {
    expect(withinThresholds(3, 100, { maxFailing: 3 })).toBe(true);
    expect(withinThresholds(4, 100, { maxFailing: 3 })).toBe(false);
  });

  it('tolerates up to maxFailingPercent of the rows checked, inclusive', () => {
    expect(withinThresholds(5, 200, { maxFailingPercent: 2.5 })).toBe(true);
    expect(withinThresholds(6, 200, { maxFailingPercent: 2.5 })).toBe(false);
    expect(withinThresholds(1, 3, { maxFailingPercent: 33.4 })).toBe(true);
    expect(withinThresholds(1, 3, { maxFailingPercent: 33.3 })).toBe(false);
  });

  it('needs every threshold given to hold', () => {
    expect(withinThresholds(10, 1000, { maxFailing: 5, maxFailingPercent: 50 })).toBe(false);
    expect(withinThresholds(10, 20, { maxFailing: 50, maxFailingPercent: 10 })).toBe(false);
    expect(withinThresholds(10, 1000, { maxFailing: 10, maxFailingPercent: 1 })).toBe(true);
  });

  it('counts nothing checked as 0 %', () => {
    expect(withinThresholds(0, 0, { maxFailingPercent: 0 })).toBe(true);
  });
});

describe('judge', () => {
  it('keeps a row-level check\'s failing count also when a threshold lets it pass', () => {
    expect(judge(check({ type: 'not_null', column: 'a', maxFailing: 5 }), { failing: 4, checked: 10, observed: null })).toEqual({ passed: true, failingCount: 4 });
    expect(judge(check({ type: 'not_null', column: 'a' }), { failing: 4, checked: 10, observed: null })).toEqual({ passed: false, failingCount: 4 });
  });

  it('compares row_count with its bounds, inclusive', () => {
    const between = check({ type: 'row_count', min: 2, max: 3 });
    expect(judge(between, { failing: null, checked: 2, observed: 2 })).toEqual({ passed: true, failingCount: 0, observed: 2 });
    expect(judge(between, { failing: null, checked: 4, observed: 4 })).toEqual({ passed: false, failingCount: 1, observed: 4 });
    expect(judge(check({ type: 'row_count', min: 1 }), { failing: null, checked: 0, observed: 0 })).toEqual({ passed: false, failingCount: 1, observed: 0 });
  });

  it('compares the newest row\'s age with maxAge, and fails when no row has a value', () => {
    const day = check({ type: 'freshness', column: 'updated_at', maxAge: '1d' });
    expect(judge(day, { failing: null, checked: 5, observed: 86_400 })).toMatchObject({ passed: true, failingCount: 0 });
    expect(judge(day, { failing: null, checked: 5, observed: 86_401 })).toMatchObject({ passed: false, failingCount: 1 });
    expect(judge(day, { failing: null, checked: 0, observed: null })).toEqual({ passed: false, failingCount: 1 });
  });

  it('passes a sql check only when its result equals mustBe', () => {
    const sql = check({ type: 'sql', name: 'q', query: 'select count(*) from {{ input }}', mustBe: 0 });
    expect(judge(sql, { failing: null, checked: 9, observed: 0 })).toEqual({ passed: true, failingCount: 0, observed: 0 });
    expect(judge(sql, { failing: null, checked: 9, observed: 2 })).toEqual({ passed: false, failingCount: 1, observed: 2 });
    expect(judge(sql, { failing: null, checked: 9, observed: null })).toEqual({ passed: false, failingCount: 1 });
  });
});
