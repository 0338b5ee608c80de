import type { DqCheck } from '@sluice/pipeline-spec';
import { isRowLevelCheck, maxAgeSeconds } from './check-query';

/** What a check's measure query found. */
export interface Measurement {
  /** offending rows (row-level checks) */
  readonly failing: number | null;
  readonly checked: number;
  /** the compared value (row_count, freshness age in seconds, sql result); null when there is none */
  readonly observed: number | null;
}

export interface Verdict {
  readonly passed: boolean;
  readonly failingCount: number;
  readonly observed?: number;
}

export interface Thresholds {
  readonly maxFailing?: number;
  readonly maxFailingPercent?: number;
}

/**
 * Whether `failing` of `checked` rows is tolerated: within every threshold given, and with none
 * given, only when nothing failed. Percentages are of the rows checked (the sample when sampling);
 * nothing checked means 0 %.
 */
export function withinThresholds(failing: number, checked: number, thresholds: Thresholds): boolean {
  const { maxFailing, maxFailingPercent } = thresholds;
  if (maxFailing === undefined && maxFailingPercent === undefined) return failing === 0;
  if (maxFailing !== undefined && failing > maxFailing) return false;
  if (maxFailingPercent !== undefined) {
    const percent = checked === 0 ? 0 : (failing * 100) / checked;
    if (percent > maxFailingPercent) return false;
  }
  return true;
}

const outcome = (passed: boolean, observed: number | null): Verdict => ({
  passed,
  failingCount: passed ? 0 : 1,
  ...(observed !== null ? { observed } : {}),
});

/** Pass or fail for one check from its measurement (aggregate checks fail as 1, pass as 0). */
export function judge(check: DqCheck, measurement: Measurement): Verdict {
  if (isRowLevelCheck(check)) {
    const failing = measurement.failing ?? 0;
    return { passed: withinThresholds(failing, measurement.checked, check), failingCount: failing };
  }
  const { observed } = measurement;
  switch (check.type) {
    case 'row_count': {
      const count = observed ?? 0;
      return outcome((check.min === undefined || count >= check.min) && (check.max === undefined || count <= check.max), count);
    }
    case 'freshness':
      // No row with a value: nothing is fresh.
      return outcome(observed !== null && observed <= maxAgeSeconds(check.maxAge), observed);
    case 'sql':
      return outcome(observed !== null && observed === check.mustBe, observed);
  }
}
