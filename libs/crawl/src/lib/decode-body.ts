import { getEncoding } from 'encoding-sniffer';
import iconv from 'iconv-lite';

const FALLBACK_ENCODING = 'windows-1252';

/**
 * Decodes an HTML (or text) body the way a browser would (WHATWG encoding sniffing): a byte-order
 * mark wins, then the `charset` of the Content-Type header, then a `<meta charset>` or
 * `<meta http-equiv=Content-Type>` in the first 1024 bytes, else windows-1252. Labels the WHATWG
 * Encoding Standard does not know are ignored at each step. `encoding` is the WHATWG name used.
 */
export function decodeBody(body: Uint8Array, contentType: string | undefined): { text: string; encoding: string } {
  const buffer = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  const sniffed = getEncoding(buffer, { transportLayerEncodingLabel: charsetOf(contentType), defaultEncoding: FALLBACK_ENCODING });
  // "replacement" and "x-user-defined" are WHATWG names iconv-lite cannot decode with.
  const encoding = iconv.encodingExists(sniffed) ? sniffed : FALLBACK_ENCODING;
  return { text: iconv.decode(buffer, encoding), encoding };
}

/** The `charset` parameter of a Content-Type header value, unquoted; `undefined` when absent. */
export function charsetOf(contentType: string | undefined): string | undefined {
  if (!contentType) return undefined;
  for (const parameter of contentType.split(';').slice(1)) {
    const eq = parameter.indexOf('=');
    if (eq === -1 || parameter.slice(0, eq).trim().toLowerCase() !== 'charset') continue;
    const value = parameter.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1').trim();
    return value === '' ? undefined : value;
  }
  return undefined;
}
