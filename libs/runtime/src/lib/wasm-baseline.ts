import { setFlagsFromString } from 'node:v8';

/** The V8 flags that keep WebAssembly on its baseline compiler (Liftoff); both are needed. */
export const WASM_BASELINE_FLAGS = ['--no-wasm-dynamic-tiering', '--no-wasm-tier-up'] as const;

/**
 * Keeps every WebAssembly module compiled from now on at V8's baseline tier. For a service that
 * runs the PostgreSQL parser (libpg-query): once its grammar function gets hot, the optimizing
 * compiler needs about 550 MB for a few seconds to compile it, while the baseline code checks a
 * statement in well under a millisecond. Call at start-up, before any module is compiled.
 */
export function keepWebAssemblyOnBaselineCompiler(): void {
  for (const flag of WASM_BASELINE_FLAGS) setFlagsFromString(flag);
}
