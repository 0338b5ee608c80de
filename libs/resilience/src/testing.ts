// Fixtures for tests only; never imported by production code.
import type { Registry } from 'prom-client';

/** The value of one series of a `sluice_circuit_breaker_*` metric (0 when the series does not exist). */
export async function readBreakerMetric(registry: Registry, metric: string, labels: Record<string, string>): Promise<number> {
  const found = registry.getSingleMetric(metric);
  if (!found) throw new Error(`metric ${metric} is not registered`);
  const { values } = await found.get();
  const series = values.find((value) => Object.entries(labels).every(([key, wanted]) => value.labels[key] === wanted));
  return series?.value ?? 0;
}

export interface TimerTracker {
  /** Timers set since `trackTimers()` that have neither fired nor been cleared. */
  readonly pending: number;
  /** Puts the real `setTimeout` / `clearTimeout` back. */
  restore(): void;
}

/**
 * Watches `setTimeout` / `clearTimeout` from now on, so a test can prove that code leaves no timer
 * behind (the kind that keeps a process alive after its work is done). Call `restore()` in `finally`.
 */
export function trackTimers(): TimerTracker {
  const realSet = globalThis.setTimeout;
  const realClear = globalThis.clearTimeout;
  const live = new Set<unknown>();
  const tracked = (callback: (...args: unknown[]) => void, ms?: number, ...args: unknown[]) => {
    const timer = realSet(() => {
      live.delete(timer);
      callback(...args);
    }, ms);
    live.add(timer);
    return timer;
  };
  globalThis.setTimeout = tracked as unknown as typeof setTimeout;
  globalThis.clearTimeout = ((timer: Parameters<typeof clearTimeout>[0]) => {
    live.delete(timer);
    realClear(timer);
  }) as typeof clearTimeout;
  return {
    get pending() {
      return live.size;
    },
    restore() {
      globalThis.setTimeout = realSet;
      globalThis.clearTimeout = realClear;
    },
  };
}
