import type { CliConfig } from '@sluice/config';
import type { EventStreamTiming } from './events/event-stream';

/** Where text goes: process.stdout / process.stderr, or a buffer in tests. */
export interface OutputStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
  /** terminal width, when it is a terminal */
  readonly columns?: number;
}

/** process.stdin, or a stream in tests. */
export type InputStream = NodeJS.ReadableStream & {
  readonly isTTY?: boolean;
  setRawMode?: (raw: boolean) => unknown;
};

/** Everything a command may touch outside itself, so commands run the same in-process in tests. */
export interface CliContext {
  readonly stdout: OutputStream;
  readonly stderr: OutputStream;
  readonly stdin: InputStream;
  readonly version: string;
  /** the validated environment; read when a command first needs it, so offline commands ignore it */
  readonly config: () => CliConfig;
  readonly now: () => number;
  /** event stream timing (tests shorten it) */
  readonly streamTiming?: Partial<EventStreamTiming>;
  /** how often a terminal display redraws running durations */
  readonly tickMs?: number;
}
