/** What one algorithm step decides, in whole milliseconds (waits rounded up, so waiting them is enough). */
export interface RateLimitDecision {
  readonly allowed: boolean;
  /** Units that could still be consumed right now. */
  readonly remaining: number;
  /**
   * Refused: how long until this same request would be admitted. Allowed: 0, except for a GCRA
   * reservation (`waitFor`), which is admitted for a time that far ahead: act only then.
   */
  readonly retryAfterMs: number;
  /** How long until the key is back to its full quota. */
  readonly resetAfterMs: number;
}
