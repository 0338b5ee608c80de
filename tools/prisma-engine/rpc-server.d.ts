// Types for the unit tests in libs/database; the program itself is plain CommonJS.
import type { Readable, Writable } from 'node:stream';

export interface Rpc {
  request(method: string, params: unknown): Promise<unknown>;
}
export type Handler = (params: Record<string, unknown>, rpc: Rpc) => unknown;
export interface RpcError {
  code: number;
  message: string;
  data?: { is_panic: boolean; message: string; error_code?: string; meta?: unknown };
}
export declare class EnginePanic extends Error {}
export declare function toRpcError(error: unknown): RpcError;
export declare function serveJsonRpc(options: {
  input: Readable;
  output: Writable;
  engine: object;
  handlers?: Record<string, Handler>;
}): { done: Promise<void>; failInFlight(error: unknown): void };
