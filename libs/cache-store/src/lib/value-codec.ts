import { promisify } from 'node:util';
import { brotliCompress, brotliDecompress, constants } from 'node:zlib';
import { CacheCodecError } from './cache-errors';

/** First byte of every stored value: how the rest is encoded. */
export const CODEC_RAW = 0x00;
export const CODEC_BROTLI = 0x01;

export interface ValueCodecOptions {
  /** Values longer than this are compressed (when that makes them smaller). */
  readonly compressAboveBytes: number;
  /** Bound on a decompressed value, so a corrupt or hostile entry cannot exhaust memory. */
  readonly maxValueBytes: number;
}

const compress = promisify(brotliCompress);
const decompress = promisify(brotliDecompress);

// Quality 4 compresses text-like values well at a small fraction of the default (11)'s CPU cost.
const BROTLI_QUALITY = 4;

/** The bytes stored in Redis for a value: a codec marker, then the value raw or brotli-compressed. */
export async function encodeValue(value: Uint8Array, options: ValueCodecOptions): Promise<Buffer> {
  if (value.length > options.compressAboveBytes) {
    const compressed = await compress(value, {
      params: { [constants.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY, [constants.BROTLI_PARAM_SIZE_HINT]: value.length },
    });
    if (compressed.length < value.length) return Buffer.concat([Buffer.of(CODEC_BROTLI), compressed]);
  }
  return Buffer.concat([Buffer.of(CODEC_RAW), value]);
}

/** The value a stored entry holds; throws CacheCodecError for anything it did not write. */
export async function decodeValue(stored: Buffer, options: ValueCodecOptions): Promise<Buffer> {
  if (stored.length === 0) throw new CacheCodecError('stored value is empty (no codec marker)');
  const body = stored.subarray(1);
  switch (stored[0]) {
    case CODEC_RAW:
      return body;
    case CODEC_BROTLI:
      try {
        return await decompress(body, { maxOutputLength: options.maxValueBytes });
      } catch (error) {
        throw new CacheCodecError(`compressed value cannot be decompressed within ${options.maxValueBytes} bytes: ${(error as Error).message}`, {
          cause: error,
        });
      }
    default:
      throw new CacheCodecError(`unknown codec marker 0x${stored[0].toString(16).padStart(2, '0')}`);
  }
}
