import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { GrpcServiceName } from '@sluice/config';
import { callUpstream } from '@sluice/grpc';
import { BreakerRegistry, type Breaker } from '@sluice/resilience';
import { LOGGER } from '@sluice/runtime';
import { METRICS_REGISTRY, type Logger } from '@sluice/telemetry';
import type { Registry } from 'prom-client';
import type { Observable } from 'rxjs';

const UPSTREAM_TIMEOUT_MS = 10_000;

/**
 * Every call from the gateway to a service goes through that service's circuit breaker: when a
 * service keeps failing, requests get 503 at once instead of piling up, and it is probed again
 * after the reset time. Caller errors (INVALID_ARGUMENT, NOT_FOUND...) never open a breaker.
 */
@Injectable()
export class UpstreamCaller implements OnApplicationShutdown {
  private readonly breakers: BreakerRegistry;
  private readonly byService = new Map<GrpcServiceName, Breaker>();

  constructor(@Inject(METRICS_REGISTRY) metricsRegistry: Registry, @Inject(LOGGER) logger: Logger) {
    this.breakers = new BreakerRegistry({ metricsRegistry, logger, defaults: { timeoutMs: UPSTREAM_TIMEOUT_MS } });
  }

  call<T>(service: GrpcServiceName, makeCall: () => Observable<T>): Promise<T> {
    return this.breaker(service).execute((signal) => callUpstream(makeCall(), signal));
  }

  onApplicationShutdown(): void {
    this.breakers.shutdown();
  }

  private breaker(service: GrpcServiceName): Breaker {
    let breaker = this.byService.get(service);
    if (!breaker) {
      breaker = this.breakers.create(`upstream.${service}`);
      this.byService.set(service, breaker);
    }
    return breaker;
  }
}
