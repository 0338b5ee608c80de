import type { Principal } from '@sluice/auth';
import type { CallContext } from '@sluice/grpc';

/** The authenticated caller as internal services see it (gRPC metadata). */
export const callerOf = (principal: Principal): CallContext => ({
  tenantId: principal.tenantId,
  userId: principal.kind === 'user' ? principal.id : `api-key:${principal.id}`,
  role: principal.role,
});
