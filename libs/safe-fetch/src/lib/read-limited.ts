import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { pipeline, Transform, type Readable } from 'node:stream';
import { SafeFetchError } from './safe-fetch-errors';

function decoderFor(encoding: string | undefined): Transform | undefined {
  switch ((encoding ?? 'identity').trim().toLowerCase()) {
    case 'identity':
    case '':
      return undefined;
    case 'gzip':
    case 'x-gzip':
      return createGunzip();
    case 'deflate':
      return createInflate();
    case 'br':
      return createBrotliDecompress();
    default:
      throw new SafeFetchError('network', `unsupported content-encoding "${encoding}"`);
  }
}

/**
 * Reads a body with two limits: bytes on the wire and bytes after decompression, so a small
 * compression bomb is stopped as soon as it expands past the limit, not after.
 */
export async function readLimited(body: Readable, encoding: string | undefined, maxBytes: number, maxDecodedBytes: number): Promise<Buffer> {
  const decoder = decoderFor(encoding);
  let wire = 0;
  const countWire = (chunk: Buffer) => {
    wire += chunk.length;
    if (wire > maxBytes) throw new SafeFetchError('body_too_large', `body larger than ${maxBytes} bytes`);
  };
  const chunks: Buffer[] = [];
  let decoded = 0;
  const source: AsyncIterable<Buffer> = decoder ? body.pipe(decoder) : body;
  if (decoder) body.on('data', (chunk: Buffer) => {
    try {
      countWire(chunk);
    } catch (error) {
      decoder.destroy(error as Error);
    }
  });
  try {
    for await (const chunk of source) {
      if (!decoder) countWire(chunk);
      decoded += chunk.length;
      if (decoded > maxDecodedBytes) throw new SafeFetchError('decompressed_too_large', `body expands past ${maxDecodedBytes} bytes`);
      chunks.push(chunk);
    }
  } finally {
    body.destroy();
    decoder?.destroy();
  }
  return Buffer.concat(chunks);
}

/** Passes chunks through until more than `max` bytes went by, then fails the stream with `error()`. */
function byteLimit(max: number, error: () => SafeFetchError): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      seen += chunk.length;
      if (seen > max) callback(error());
      else callback(null, chunk);
    },
  });
}

/**
 * The body as a stream with both limits of readLimited enforced as it flows. Destroying the
 * returned stream (or any limit failing) destroys the response body too.
 */
export function limitedBody(body: Readable, encoding: string | undefined, maxBytes: number, maxDecodedBytes: number): Readable {
  const decoder = decoderFor(encoding);
  const wire = byteLimit(maxBytes, () => new SafeFetchError('body_too_large', `body larger than ${maxBytes} bytes`));
  if (!decoder) return pipeline(body, wire, () => undefined);
  const decoded = byteLimit(maxDecodedBytes, () => new SafeFetchError('decompressed_too_large', `body expands past ${maxDecodedBytes} bytes`));
  return pipeline(body, wire, decoder, decoded, () => undefined);
}
