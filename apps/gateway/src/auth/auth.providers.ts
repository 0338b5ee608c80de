import type { Provider } from '@nestjs/common';
import { AccessTokens, Accounts, ApiKeys, AuditLog, RefreshTokens, Sessions } from '@sluice/auth';
import type { ServiceConfig } from '@sluice/config';
import type { PrismaClient } from '@sluice/database';
import { PRISMA, SERVICE_CONFIG } from '@sluice/runtime';

const authConfig = (config: ServiceConfig) => {
  if (!config.auth) throw new Error('the gateway needs its auth configuration');
  return config.auth;
};

/** The auth library's pieces, built once from the configuration and the database. */
export const AUTH_PROVIDERS: Provider[] = [
  { provide: Accounts, inject: [PRISMA], useFactory: (prisma: PrismaClient) => new Accounts(prisma) },
  { provide: AuditLog, inject: [PRISMA], useFactory: (prisma: PrismaClient) => new AuditLog(prisma) },
  {
    provide: AccessTokens,
    inject: [SERVICE_CONFIG],
    useFactory: (config: ServiceConfig) => new AccessTokens(authConfig(config).signingKeys, authConfig(config).accessTokenTtlSeconds),
  },
  {
    provide: RefreshTokens,
    inject: [PRISMA, SERVICE_CONFIG],
    useFactory: (prisma: PrismaClient, config: ServiceConfig) => new RefreshTokens(prisma, authConfig(config).refreshTokenTtlSeconds),
  },
  {
    provide: ApiKeys,
    inject: [PRISMA, SERVICE_CONFIG],
    useFactory: (prisma: PrismaClient, config: ServiceConfig) => new ApiKeys(prisma, authConfig(config).apiKeyPepper),
  },
  {
    provide: Sessions,
    inject: [Accounts, AccessTokens, RefreshTokens, AuditLog, SERVICE_CONFIG],
    useFactory: (accounts: Accounts, access: AccessTokens, refresh: RefreshTokens, audit: AuditLog, config: ServiceConfig) =>
      new Sessions(accounts, access, refresh, audit, authConfig(config).signupEnabled),
  },
];
