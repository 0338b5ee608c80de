import { isIP } from 'node:net';
import { z } from 'zod';

export const port = (fallback: number) => z.coerce.number().int().min(1).max(65535).default(fallback);

export const url = (protocols: readonly string[]) =>
  z.string({ error: 'is required' }).refine(
    (value) => {
      try {
        return protocols.includes(new URL(value).protocol);
      } catch {
        return false;
      }
    },
    { message: `must be a URL with scheme ${protocols.join(' or ')}` },
  );

/** host:port of a gRPC server. */
export const grpcAddress = (fallback: string) =>
  z
    .string()
    .regex(/^[A-Za-z0-9.\-[\]:]+:\d{1,5}$/, { message: 'must be host:port' })
    .default(fallback);

export const logLevel = () => z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info');

export const booleanFlag = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0'])
    .default(fallback ? 'true' : 'false')
    .transform((v) => v === 'true' || v === '1');

/** Comma-separated CIDRs (`127.0.0.1/32,10.0.0.0/8`, IPv6 too); empty means none. */
export const cidrList = () =>
  z
    .string()
    .default('')
    .transform((value) => value.split(',').map((item) => item.trim()).filter(Boolean))
    .pipe(z.array(z.string().refine(isCidr, { message: 'must list CIDRs such as 127.0.0.1/32, comma separated' })));

function isCidr(value: string): boolean {
  const [address, prefix, ...rest] = value.split('/');
  const family = isIP(address ?? '');
  if (rest.length > 0 || family === 0 || prefix === undefined || !/^\d{1,3}$/.test(prefix)) return false;
  return Number(prefix) <= (family === 4 ? 32 : 128);
}
