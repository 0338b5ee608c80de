import { isAbsolute } from 'node:path';
import { z } from 'zod';
import { booleanFlag, cidrList, grpcAddress, logLevel, port, url } from './fields';
import { loadConfig, type Env } from './load-config';
import { secret, secretWeakness } from './secret';

export type Dependency = 'postgres' | 'redis' | 'nats';

export interface ServiceSpec {
  readonly httpPort: number;
  /** undefined for the gateway, which serves REST only */
  readonly grpcPort?: number;
  readonly dependencies: readonly Dependency[];
}

/** Every service, its default ports and the servers it cannot work without. */
export const SERVICES = {
  gateway: { httpPort: 8080, dependencies: ['postgres', 'redis', 'nats'] },
  scheduler: { httpPort: 8081, grpcPort: 50051, dependencies: ['postgres', 'redis', 'nats'] },
  scraper: { httpPort: 8082, grpcPort: 50052, dependencies: ['postgres', 'redis', 'nats'] },
  cache: { httpPort: 8083, grpcPort: 50053, dependencies: ['redis', 'nats'] },
  orchestrator: { httpPort: 8084, grpcPort: 50054, dependencies: ['postgres', 'redis', 'nats'] },
  ingest: { httpPort: 8085, grpcPort: 50055, dependencies: ['postgres', 'nats'] },
  'data-quality': { httpPort: 8086, grpcPort: 50056, dependencies: ['postgres', 'nats'] },
  transform: { httpPort: 8087, grpcPort: 50057, dependencies: ['postgres', 'nats'] },
} as const satisfies Record<string, ServiceSpec>;

export type ServiceName = keyof typeof SERVICES;
export type GrpcServiceName = Exclude<ServiceName, 'gateway'>;
export const SERVICE_NAMES = Object.keys(SERVICES) as ServiceName[];
export const GRPC_SERVICE_NAMES = SERVICE_NAMES.filter((n): n is GrpcServiceName => n !== 'gateway');

/** `data-quality` → `DATA_QUALITY` */
export const envPrefix = (name: ServiceName) => name.toUpperCase().replace(/-/g, '_');

const baseSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('production'),
  LOG_LEVEL: logLevel(),
  HTTP_HOST: z.string().min(1).default('127.0.0.1'),
  SLUICE_INTERNAL_TOKEN: secret(),
  SLUICE_NATS_NAMESPACE: z
    .string()
    .regex(/^[a-z][a-z0-9]{0,15}$/, { message: 'must be 1-16 lowercase letters or digits, starting with a letter' })
    .optional(),
  SLUICE_REDIS_PREFIX: z.string().regex(/^[a-z][a-z0-9:_-]{0,31}$/).default('sluice'),
  TRUST_PROXY: booleanFlag(false),
  SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).max(600_000).default(10_000),
  READINESS_TIMEOUT_MS: z.coerce.number().int().min(50).max(30_000).default(1_500),
  OTEL_EXPORTER_OTLP_ENDPOINT: url(['http:', 'https:']).optional(),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: url(['http:', 'https:']).optional(),
  OTEL_SDK_DISABLED: booleanFlag(false),
});

const dependencySchemas = {
  postgres: z.object({ DATABASE_URL: url(['postgres:', 'postgresql:']) }),
  redis: z.object({ REDIS_URL: url(['redis:', 'rediss:']) }),
  nats: z.object({ NATS_URL: url(['nats:', 'tls:']) }),
};

/** `kid:secret` pairs, comma separated; the first signs, all verify (so keys rotate without logouts). */
const signingKeys = () =>
  z
    .string({ error: 'is required' })
    .transform((value, ctx) => {
      const keys = value.split(',').map((pair) => pair.trim()).filter(Boolean).map((pair) => {
        const at = pair.indexOf(':');
        return { kid: at > 0 ? pair.slice(0, at) : '', secret: at > 0 ? pair.slice(at + 1) : '' };
      });
      if (keys.length === 0) ctx.addIssue({ code: 'custom', message: 'must list at least one kid:secret pair' });
      for (const key of keys) {
        if (!/^[A-Za-z0-9_-]{1,32}$/.test(key.kid)) ctx.addIssue({ code: 'custom', message: 'each entry must be kid:secret with a kid of 1-32 letters, digits, _ or -' });
        const weakness = secretWeakness(key.secret);
        if (weakness) ctx.addIssue({ code: 'custom', message: `secret of key "${key.kid}" ${weakness}` });
      }
      if (new Set(keys.map((k) => k.kid)).size !== keys.length) ctx.addIssue({ code: 'custom', message: 'kids must be unique' });
      return keys;
    });

const gatewaySchema = z.object({
  SLUICE_JWT_KEYS: signingKeys(),
  SLUICE_API_KEY_PEPPER: secret(),
  ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(30).max(86_400).default(900),
  REFRESH_TOKEN_TTL_SECONDS: z.coerce.number().int().min(300).max(90 * 86_400).default(30 * 86_400),
  API_KEY_ROTATION_GRACE_SECONDS: z.coerce.number().int().min(0).max(90 * 86_400).default(7 * 86_400),
  SIGNUP_ENABLED: booleanFlag(true),
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(10_000_000).default(600),
  RATE_LIMIT_IP_PER_MINUTE: z.coerce.number().int().min(1).max(10_000_000).default(1_200),
  LOGIN_ATTEMPTS_PER_ACCOUNT: z.coerce.number().int().min(1).max(10_000).default(10),
  LOGIN_ATTEMPTS_PER_IP: z.coerce.number().int().min(1).max(10_000).default(50),
  CORS_ORIGINS: z
    .string()
    .default('')
    .transform((v) => v.split(',').map((o) => o.trim()).filter(Boolean))
    .pipe(z.array(z.url({ protocol: /^https?$/, error: 'must list http(s) origins' }))),
});

const ingestSchema = z.object({
  SLUICE_INGEST_FILE_ROOT: z.string().refine(isAbsolute, { message: 'must be an absolute path' }).optional(),
  SLUICE_INGEST_HTTP_MAX_BYTES: z.coerce.number().int().min(1024).max(2 ** 40).default(2 ** 30),
  SLUICE_INGEST_HTTP_TIMEOUT_MS: z.coerce.number().int().min(1_000).max(86_400_000).default(600_000),
  SLUICE_INGEST_HTTP_ALLOWLIST: cidrList(),
  SCRAPER_GRPC_ADDR: grpcAddress(`127.0.0.1:${SERVICES.scraper.grpcPort}`),
});

const schedulerSchema = z.object({
  ORCHESTRATOR_GRPC_ADDR: grpcAddress(`127.0.0.1:${SERVICES.orchestrator.grpcPort}`),
});

const orchestratorSchema = z.object({
  PIPELINE_STEP_CONCURRENCY: z.coerce.number().int().min(1).max(100).default(4),
  PIPELINE_STEP_RETRIES: z.coerce.number().int().min(0).max(10).default(2),
  PIPELINE_STEP_TIMEOUT_MS: z.coerce.number().int().min(1_000).max(86_400_000).default(600_000),
  PIPELINE_RETRY_BACKOFF_MS: z.coerce.number().int().min(0).max(600_000).default(2_000),
});

const scraperSchema = z.object({
  SCRAPER_FETCH_ALLOWLIST: cidrList(),
  SCRAPER_CONTACT_URL: url(['http:', 'https:']).optional(),
  SCRAPER_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(16),
  SCRAPER_JOBS_PER_REPLICA: z.coerce.number().int().min(1).max(64).default(2),
  SCRAPER_HOST_RPS: z.coerce.number().positive().max(1_000).default(2),
  SCRAPER_HOST_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(2),
});

const upstreamSchema = z.object(
  Object.fromEntries(
    GRPC_SERVICE_NAMES.map((n) => [`${envPrefix(n)}_GRPC_ADDR`, grpcAddress(`127.0.0.1:${SERVICES[n].grpcPort}`)]),
  ),
);

function schemaFor(name: ServiceName): z.ZodObject {
  const spec: ServiceSpec = SERVICES[name];
  const shape: z.ZodRawShape = { ...baseSchema.shape, HTTP_PORT: port(spec.httpPort) };
  if (spec.grpcPort) Object.assign(shape, { GRPC_HOST: z.string().min(1).default('127.0.0.1'), GRPC_PORT: port(spec.grpcPort) });
  for (const dep of spec.dependencies) Object.assign(shape, dependencySchemas[dep].shape);
  if (name === 'gateway') Object.assign(shape, upstreamSchema.shape, gatewaySchema.shape);
  // The gateway refuses scrape jobs aimed at private addresses unless the scraper may reach them.
  if (name === 'gateway') Object.assign(shape, { SCRAPER_FETCH_ALLOWLIST: scraperSchema.shape.SCRAPER_FETCH_ALLOWLIST });
  if (name === 'scraper') Object.assign(shape, scraperSchema.shape);
  if (name === 'scheduler') Object.assign(shape, schedulerSchema.shape);
  if (name === 'orchestrator') Object.assign(shape, orchestratorSchema.shape);
  if (name === 'ingest') Object.assign(shape, ingestSchema.shape);
  return z.object(shape);
}

export interface ServiceConfig {
  readonly service: ServiceName;
  readonly nodeEnv: 'development' | 'production' | 'test';
  readonly logLevel: string;
  readonly http: { readonly host: string; readonly port: number };
  readonly grpc?: { readonly host: string; readonly port: number };
  readonly internalToken: string;
  readonly natsNamespace?: string;
  readonly redisPrefix: string;
  readonly shutdownGraceMs: number;
  /** take the client address from X-Forwarded-For (only behind a trusted proxy / ingress) */
  readonly trustProxy: boolean;
  readonly readinessTimeoutMs: number;
  readonly telemetry: { readonly enabled: boolean; readonly exportTraces: boolean };
  readonly dependencies: readonly Dependency[];
  readonly databaseUrl?: string;
  readonly redisUrl?: string;
  readonly natsUrl?: string;
  /** gateway only: host:port of each service's gRPC server */
  readonly upstreams: Readonly<Partial<Record<GrpcServiceName, string>>>;
  /** gateway only */
  readonly auth?: AuthConfig;
  /** ingest only */
  readonly ingest?: IngestConfig;
  /** scheduler only */
  readonly scheduler?: SchedulerConfig;
  /** orchestrator only */
  readonly orchestrator?: OrchestratorConfig;
  /** scraper only */
  readonly scraper?: ScraperConfig;
  /** gateway and scraper: CIDRs crawls may reach although private (SCRAPER_FETCH_ALLOWLIST) */
  readonly scrapeTargetAllowlist?: readonly string[];
}

export interface ScraperConfig {
  /** CIDRs crawls may reach although private (local demos, tests) */
  readonly fetchAllowlist: readonly string[];
  /** where site owners learn about the crawler; part of its User-Agent */
  readonly contactUrl: string | undefined;
  /** page fetches in flight per crawl */
  readonly concurrency: number;
  /** crawls one replica runs at the same time */
  readonly jobsPerReplica: number;
  /** default requests per second to one host, over all replicas */
  readonly hostRequestsPerSecond: number;
  /** default requests in flight to one host, over all replicas */
  readonly hostConcurrency: number;
}

export interface IngestConfig {
  /** file sources read `<fileRoot>/<tenant id>/<path>`; undefined refuses every file source */
  readonly fileRoot: string | undefined;
  /** the most an http source may send, on the wire and after decompression */
  readonly httpMaxBytes: number;
  /** deadline for an http source, body included */
  readonly httpTimeoutMs: number;
  /** CIDRs http sources may reach although private (e.g. an internal data server) */
  readonly httpAllowlist: readonly string[];
  /** host:port of the scraper's gRPC server (scrape sources) */
  readonly scraperAddress: string;
}

export interface SchedulerConfig {
  /** host:port of the orchestrator's gRPC server (pipeline schedules start runs there) */
  readonly orchestratorAddress: string;
}

export interface OrchestratorConfig {
  /** steps of one run dispatched at the same time */
  readonly stepConcurrency: number;
  /** further attempts of a failed or timed-out step */
  readonly stepRetries: number;
  /** an attempt with no result this long after its dispatch is retried or failed */
  readonly stepTimeoutMs: number;
  /** pause before the first retry of a step, doubling with each further one */
  readonly retryBackoffMs: number;
}

export interface AuthConfig {
  readonly signingKeys: readonly { readonly kid: string; readonly secret: string }[];
  readonly apiKeyPepper: string;
  readonly accessTokenTtlSeconds: number;
  readonly refreshTokenTtlSeconds: number;
  readonly apiKeyRotationGraceSeconds: number;
  readonly signupEnabled: boolean;
  readonly corsOrigins: readonly string[];
  readonly rateLimits: {
    /** requests per minute per tenant (authenticated) */
    readonly perTenantPerMinute: number;
    /** requests per minute per client address, before authentication */
    readonly perIpPerMinute: number;
    /** login attempts per 15 minutes per account, and per client address */
    readonly loginPerAccount: number;
    readonly loginPerIp: number;
  };
}

/** Reads and validates one service's configuration; throws ConfigError naming every bad variable. */
export function loadServiceConfig(name: ServiceName, env: Env = process.env): ServiceConfig {
  const raw = loadConfig(schemaFor(name), env) as Record<string, unknown>;
  const str = (key: string) => raw[key] as string | undefined;
  const upstreams: Partial<Record<GrpcServiceName, string>> = {};
  if (name === 'gateway') for (const n of GRPC_SERVICE_NAMES) upstreams[n] = str(`${envPrefix(n)}_GRPC_ADDR`);
  return {
    service: name,
    nodeEnv: raw.NODE_ENV as ServiceConfig['nodeEnv'],
    logLevel: raw.LOG_LEVEL as string,
    http: { host: raw.HTTP_HOST as string, port: raw.HTTP_PORT as number },
    grpc: raw.GRPC_PORT ? { host: raw.GRPC_HOST as string, port: raw.GRPC_PORT as number } : undefined,
    internalToken: raw.SLUICE_INTERNAL_TOKEN as string,
    natsNamespace: str('SLUICE_NATS_NAMESPACE'),
    redisPrefix: raw.SLUICE_REDIS_PREFIX as string,
    shutdownGraceMs: raw.SHUTDOWN_GRACE_MS as number,
    trustProxy: raw.TRUST_PROXY as boolean,
    readinessTimeoutMs: raw.READINESS_TIMEOUT_MS as number,
    telemetry: {
      enabled: !(raw.OTEL_SDK_DISABLED as boolean),
      exportTraces: Boolean(str('OTEL_EXPORTER_OTLP_ENDPOINT') ?? str('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT')),
    },
    dependencies: SERVICES[name].dependencies,
    databaseUrl: str('DATABASE_URL'),
    redisUrl: str('REDIS_URL'),
    natsUrl: str('NATS_URL'),
    upstreams,
    auth:
      name === 'gateway'
        ? {
            signingKeys: raw.SLUICE_JWT_KEYS as AuthConfig['signingKeys'],
            apiKeyPepper: raw.SLUICE_API_KEY_PEPPER as string,
            accessTokenTtlSeconds: raw.ACCESS_TOKEN_TTL_SECONDS as number,
            refreshTokenTtlSeconds: raw.REFRESH_TOKEN_TTL_SECONDS as number,
            apiKeyRotationGraceSeconds: raw.API_KEY_ROTATION_GRACE_SECONDS as number,
            signupEnabled: raw.SIGNUP_ENABLED as boolean,
            corsOrigins: raw.CORS_ORIGINS as string[],
            rateLimits: {
              perTenantPerMinute: raw.RATE_LIMIT_PER_MINUTE as number,
              perIpPerMinute: raw.RATE_LIMIT_IP_PER_MINUTE as number,
              loginPerAccount: raw.LOGIN_ATTEMPTS_PER_ACCOUNT as number,
              loginPerIp: raw.LOGIN_ATTEMPTS_PER_IP as number,
            },
          }
        : undefined,
    ingest:
      name === 'ingest'
        ? {
            fileRoot: str('SLUICE_INGEST_FILE_ROOT'),
            httpMaxBytes: raw.SLUICE_INGEST_HTTP_MAX_BYTES as number,
            httpTimeoutMs: raw.SLUICE_INGEST_HTTP_TIMEOUT_MS as number,
            httpAllowlist: raw.SLUICE_INGEST_HTTP_ALLOWLIST as string[],
            scraperAddress: raw.SCRAPER_GRPC_ADDR as string,
          }
        : undefined,
    scheduler: name === 'scheduler' ? { orchestratorAddress: raw.ORCHESTRATOR_GRPC_ADDR as string } : undefined,
    scraper:
      name === 'scraper'
        ? {
            fetchAllowlist: raw.SCRAPER_FETCH_ALLOWLIST as string[],
            contactUrl: str('SCRAPER_CONTACT_URL'),
            concurrency: raw.SCRAPER_CONCURRENCY as number,
            jobsPerReplica: raw.SCRAPER_JOBS_PER_REPLICA as number,
            hostRequestsPerSecond: raw.SCRAPER_HOST_RPS as number,
            hostConcurrency: raw.SCRAPER_HOST_CONCURRENCY as number,
          }
        : undefined,
    scrapeTargetAllowlist: name === 'gateway' || name === 'scraper' ? (raw.SCRAPER_FETCH_ALLOWLIST as string[]) : undefined,
    orchestrator:
      name === 'orchestrator'
        ? {
            stepConcurrency: raw.PIPELINE_STEP_CONCURRENCY as number,
            stepRetries: raw.PIPELINE_STEP_RETRIES as number,
            stepTimeoutMs: raw.PIPELINE_STEP_TIMEOUT_MS as number,
            retryBackoffMs: raw.PIPELINE_RETRY_BACKOFF_MS as number,
          }
        : undefined,
  };
}
