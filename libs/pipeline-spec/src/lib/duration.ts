const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;
type DurationUnit = keyof typeof UNIT_MS;

/** `30s`, `30m`, `12h`, `1d`, `2w`: a positive whole number and one unit. */
export const DURATION_PATTERN = /^([1-9][0-9]{0,6})(s|m|h|d|w)$/;

/** Longest duration accepted (ten years): a freshness limit beyond that is a mistake. */
export const MAX_DURATION_MS = 3_660 * UNIT_MS.d;

/** Why `text` is not an acceptable duration, or undefined when it is. */
export function durationProblem(text: string): string | undefined {
  const ms = durationMsOrUndefined(text);
  if (ms === undefined) return `"${text.slice(0, 40)}" is not a duration like 30m, 12h or 1d (units s, m, h, d, w)`;
  if (ms > MAX_DURATION_MS) return `"${text}" is longer than ${MAX_DURATION_MS / UNIT_MS.d} days`;
  return undefined;
}

/** Milliseconds in a duration such as `1d`; throws RangeError for text that `durationProblem` refuses. */
export function durationToMs(text: string): number {
  const problem = durationProblem(text);
  if (problem !== undefined) throw new RangeError(problem);
  return durationMsOrUndefined(text) as number;
}

function durationMsOrUndefined(text: string): number | undefined {
  const match = DURATION_PATTERN.exec(text);
  if (!match) return undefined;
  return Number(match[1]) * UNIT_MS[match[2] as DurationUnit];
}
