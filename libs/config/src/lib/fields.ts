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
