/**
 * Route metadata shared by libraries and the gateway: a route marked public needs no credentials
 * (health probes, metrics scrapes, sign-up and login).
 */
export const PUBLIC_ROUTE = 'sluice:public';
