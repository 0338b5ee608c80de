import type { CallContext } from '@sluice/grpc';

/**
 * The caller every request acts as until authentication lands: one fixed local tenant.
 * Authentication replaces this with the tenant and user of the presented token or API key.
 */
export const LOCAL_CALLER: CallContext = { tenantId: '00000000-0000-4000-8000-000000000001', role: 'admin' };
