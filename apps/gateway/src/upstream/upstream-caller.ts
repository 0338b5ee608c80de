import type { Metadata } from '@grpc/grpc-js';
import { Inject, Injectable } from '@nestjs/common';
import type { Principal } from '@sluice/auth';
import type { GrpcServiceName, ServiceConfig } from '@sluice/config';
import { cacheV1, orchestratorV1, schedulerV1, scraperV1, transformV1 } from '@sluice/contracts';
import { callMetadata, callUpstream } from '@sluice/grpc';
import type { Breaker, BreakerRegistry } from '@sluice/resilience';
import { BREAKERS, SERVICE_CONFIG } from '@sluice/runtime';
import type { Observable } from 'rxjs';
import { callerOf } from './caller-context';
import type { Upstreams } from './upstream.module';
import { UPSTREAMS } from './upstream.tokens';

const UPSTREAM_TIMEOUT_MS = 10_000;

/** The typed API client of each service the gateway calls on a user's behalf. */
interface UpstreamClients {
  scheduler: schedulerV1.SchedulerServiceClient;
  cache: cacheV1.CacheServiceClient;
  scraper: scraperV1.ScraperServiceClient;
  orchestrator: orchestratorV1.PipelineServiceClient;
  transform: transformV1.TransformServiceClient;
}

const SERVICE_NAMES: { [S in keyof UpstreamClients]: string } = {
  scheduler: 'SchedulerService',
  cache: 'CacheService',
  scraper: 'ScraperService',
  orchestrator: 'PipelineService',
  transform: 'TransformService',
};

/**
 * Every call from the gateway to a service, on behalf of the authenticated caller: the service's
 * typed client, metadata carrying the internal credential and the caller's tenant, user and role,
 * and that service's circuit breaker — when a service keeps failing, requests get 503 at once
 * instead of piling up, and it is probed again after the reset time. Caller errors
 * (INVALID_ARGUMENT, NOT_FOUND...) never open a breaker.
 */
@Injectable()
export class UpstreamCaller {
  private readonly byService = new Map<GrpcServiceName, Breaker>();
  private readonly clients: Partial<UpstreamClients> = {};

  constructor(
    @Inject(BREAKERS) private readonly breakers: BreakerRegistry,
    @Inject(UPSTREAMS) private readonly upstreams: Upstreams,
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
  ) {}

  call<S extends keyof UpstreamClients, T>(
    service: S,
    principal: Principal,
    makeCall: (client: UpstreamClients[S], metadata: Metadata) => Observable<T>,
  ): Promise<T> {
    const metadata = callMetadata(this.config.internalToken, callerOf(principal));
    return this.breaker(service).execute((signal) => callUpstream(makeCall(this.client(service), metadata), signal));
  }

  private client<S extends keyof UpstreamClients>(service: S): UpstreamClients[S] {
    this.clients[service] ??= this.upstreams.api[service].getService<UpstreamClients[S]>(SERVICE_NAMES[service]);
    return this.clients[service] as UpstreamClients[S];
  }

  private breaker(service: GrpcServiceName): Breaker {
    let breaker = this.byService.get(service);
    if (!breaker) {
      breaker = this.breakers.create(`upstream.${service}`, { timeoutMs: UPSTREAM_TIMEOUT_MS });
      this.byService.set(service, breaker);
    }
    return breaker;
  }
}
