import { finished } from 'node:stream/promises';
import type { Writable } from 'node:stream';

/**
 * Writes text lines to a COPY stream in batches of about `batchChars`, waiting for the stream to
 * drain whenever it asks to, so a fast source never queues more than one batch ahead of
 * PostgreSQL.
 */
export class CopyWriter {
  /** the batch so far, built by concatenation: V8 keeps it as a rope and encodes it in one pass when it is sent */
  private pending = '';

  constructor(
    private readonly stream: Writable,
    private readonly batchChars: number,
  ) {}

  /** Queues a line; when that fills a batch, sends it and returns a promise to await before the next write. */
  write(line: string): Promise<void> | undefined {
    this.pending += line;
    return this.pending.length >= this.batchChars ? this.flush() : undefined;
  }

  /** Sends what is left, ends the COPY, and waits until PostgreSQL has confirmed it. */
  async end(): Promise<void> {
    await this.flush();
    this.stream.end();
    await finished(this.stream);
  }

  private async flush(): Promise<void> {
    if (this.pending === '') return;
    const batch = this.pending;
    this.pending = '';
    if (this.stream.errored) throw this.stream.errored;
    if (!this.stream.write(batch)) await drained(this.stream);
  }
}

/** Resolves on 'drain'; rejects if the stream fails or closes first (instead of waiting forever). */
function drained(stream: Writable): Promise<void> {
  return new Promise((resolve, reject) => {
    const settle = (error?: Error) => {
      stream.off('drain', onDrain);
      stream.off('error', onError);
      stream.off('close', onClose);
      if (error) reject(error);
      else resolve();
    };
    const onDrain = () => settle();
    const onError = (error: Error) => settle(error);
    const onClose = () => settle(stream.errored ?? new Error('the COPY stream closed before it drained'));
    stream.on('drain', onDrain);
    stream.on('error', onError);
    stream.on('close', onClose);
  });
}
