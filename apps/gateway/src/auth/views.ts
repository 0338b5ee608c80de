import type { ApiKeyView, UserView } from '@sluice/auth';

export const userJson = (u: UserView) => ({ id: u.id, email: u.email, role: u.role, createdAt: u.createdAt.toISOString() });

export const apiKeyJson = (k: ApiKeyView) => ({
  id: k.id,
  name: k.name,
  prefix: k.prefix,
  role: k.role,
  createdAt: k.createdAt.toISOString(),
  lastUsedAt: k.lastUsedAt?.toISOString() ?? null,
  expiresAt: k.expiresAt?.toISOString() ?? null,
});
