const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

export function encodePayload(payload: object): Uint8Array {
  return encoder.encode(JSON.stringify(payload));
}

export type DecodedPayload = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly reason: string };

/** Parses a message body as UTF-8 JSON without throwing: a bad body is data, not a crash. */
export function decodePayload(data: Uint8Array): DecodedPayload {
  try {
    return { ok: true, value: JSON.parse(decoder.decode(data)) as unknown };
  } catch (error) {
    return { ok: false, reason: `body is not UTF-8 JSON: ${error instanceof Error ? error.message : String(error)}` };
  }
}
