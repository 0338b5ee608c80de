import { z } from 'zod';

/** A login with e-mail and password: the refresh token, and the last access token while it lasts. */
export const StoredSession = z.strictObject({
  email: z.string().min(1),
  refreshToken: z.string().min(1),
  accessToken: z.string().min(1).optional(),
  /** RFC 3339 */
  accessTokenExpiresAt: z.iso.datetime().optional(),
});
export type StoredSession = z.infer<typeof StoredSession>;

/** `credentials.json`: one API URL and the credentials that belong to it (an API key or a session). */
export const StoredCredentials = z
  .strictObject({
    apiUrl: z.url({ protocol: /^https?$/ }),
    apiKey: z.string().min(1).optional(),
    session: StoredSession.optional(),
  })
  .refine((c) => (c.apiKey === undefined) !== (c.session === undefined), { message: 'holds either an API key or a session' });
export type StoredCredentials = z.infer<typeof StoredCredentials>;
