import { Metadata } from '@grpc/grpc-js';
import { UnauthenticatedError } from '@sluice/contracts';

/** Who a call is made for. Set by the gateway, carried in gRPC metadata, trusted only with the internal token. */
export interface CallContext {
  readonly tenantId: string;
  readonly userId?: string;
  readonly role?: 'admin' | 'member';
}

const TENANT = 'x-sluice-tenant';
const USER = 'x-sluice-user';
const ROLE = 'x-sluice-role';
export const AUTHORIZATION = 'authorization';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function single(metadata: Metadata, key: string): string | undefined {
  const values = metadata.get(key);
  return values.length === 1 && typeof values[0] === 'string' ? values[0] : undefined;
}

/** The tenant named in call metadata when it is a UUID, else undefined. */
export function tenantOf(metadata: Metadata): string | undefined {
  const tenantId = single(metadata, TENANT);
  return tenantId && UUID.test(tenantId) ? tenantId : undefined;
}

/** The caller's tenant (required) and identity from call metadata. */
export function readCallContext(metadata: Metadata | undefined): CallContext {
  if (!metadata) throw new UnauthenticatedError('call metadata missing');
  const tenantId = tenantOf(metadata);
  if (!tenantId) throw new UnauthenticatedError(`metadata ${TENANT} missing or not a UUID`);
  const role = single(metadata, ROLE);
  return {
    tenantId,
    userId: single(metadata, USER),
    role: role === 'admin' || role === 'member' ? role : undefined,
  };
}

/** Metadata for an internal call made on behalf of the given caller. */
export function callMetadata(internalToken: string, context?: CallContext): Metadata {
  const metadata = new Metadata();
  metadata.set(AUTHORIZATION, `Bearer ${internalToken}`);
  if (context) {
    metadata.set(TENANT, context.tenantId);
    if (context.userId) metadata.set(USER, context.userId);
    if (context.role) metadata.set(ROLE, context.role);
  }
  return metadata;
}
