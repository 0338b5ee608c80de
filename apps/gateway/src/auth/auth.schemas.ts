import { Password } from '@sluice/auth';
import { z } from 'zod';

// Control characters are refused in every free-text field: they have no business in names and
// make logs and audit trails lie.
const text = (max: number) =>
  z
    .string()
    .trim()
    .min(1, { error: 'must not be empty' })
    .max(max, { error: `must be at most ${max} characters` })
    .regex(/^[^\p{Cc}]*$/u, { error: 'must not contain control characters' });

const email = z.email({ error: 'must be an email address' }).max(320, { error: 'must be at most 320 characters' });
const role = z.enum(['admin', 'member'], { error: 'must be admin or member' });
const refreshToken = z.string().min(1).max(512);

export const SignupRequest = z.strictObject({ email, password: Password, organization: text(200) });
export const LoginRequest = z.strictObject({ email, password: z.string().min(1).max(256) });
export const RefreshRequest = z.strictObject({ refreshToken });
export const LogoutRequest = z.strictObject({ refreshToken });
export const CreateUserRequest = z.strictObject({ email, password: Password, role });
export const CreateApiKeyRequest = z.strictObject({ name: text(100), role: role.optional() });
export const RotateApiKeyRequest = z.strictObject({
  gracePeriodSeconds: z.int({ error: 'must be a whole number of seconds' }).min(0).max(90 * 86_400).optional(),
});
export const Id = z.uuid({ error: 'must be a UUID' });
