import type { Readable, Transform } from 'node:stream';

/**
 * `source.pipe(transform)`, plus what `pipe` leaves out: an error of the source fails the
 * transform (so a reader of the transform sees it), and the returned stop() destroys both.
 */
export function piped<T extends Transform>(source: Readable, transform: T): { readonly output: T; stop(): void } {
  source.once('error', (error) => transform.destroy(error));
  source.pipe(transform);
  return {
    output: transform,
    stop: () => {
      source.destroy();
      transform.destroy();
    },
  };
}
