import { z } from 'zod';
import { CliError } from '../errors/cli-errors';

/** The answer of `POST /v1/auth/login` and `POST /v1/auth/refresh`. */
export const TokenPair = z.looseObject({
  accessToken: z.string().min(1),
  refreshToken: z.string().min(1),
  /** seconds */
  expiresIn: z.number().positive(),
});
export type TokenPair = z.infer<typeof TokenPair>;

export function parseTokenPair(body: unknown): TokenPair {
  const parsed = TokenPair.safeParse(body);
  if (!parsed.success) throw new CliError('the server answered without a token pair');
  return parsed.data;
}
