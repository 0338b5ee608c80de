/**
 * One loader configuration for servers and clients, matching how ts-proto generated the types:
 * camelCase fields, enums as strings, 64-bit integers as strings, defaults filled in.
 */
export const GRPC_LOADER_OPTIONS = {
  keepCase: false,
  longs: String,
  enums: String,
  defaults: true,
  arrays: true,
  objects: true,
  oneofs: true,
} as const;

export const GRPC_MAX_MESSAGE_BYTES = 8 * 1024 * 1024;
