/** Injection tokens for what every service may need. */
export const SERVICE_CONFIG = Symbol('SERVICE_CONFIG');
export const LOGGER = Symbol('LOGGER');
export const REDIS = Symbol('REDIS');
export const NATS = Symbol('NATS');
export const TOPOLOGY = Symbol('TOPOLOGY');
export const PUBLISHER = Symbol('PUBLISHER');
export const PRISMA = Symbol('PRISMA');
/** The service's BreakerRegistry: one circuit breaker per remote dependency, with metrics. */
export const BREAKERS = Symbol('BREAKERS');
