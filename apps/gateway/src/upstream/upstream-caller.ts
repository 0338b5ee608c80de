import { Inject, Injectable } from '@nestjs/common';
import type { GrpcServiceName } from '@sluice/config';
import { callUpstream } from '@sluice/grpc';
import type { Breaker, BreakerRegistry } from '@sluice/resilience';
import { BREAKERS } from '@sluice/runtime';
import type { Observable } from 'rxjs';

const UPSTREAM_TIMEOUT_MS = 10_000;

/**
 * Every call from the gateway to a service goes through that service's circuit breaker: when a
 * service keeps failing, requests get 503 at once instead of piling up, and it is probed again
 * after the reset time. Caller errors (INVALID_ARGUMENT, NOT_FOUND...) never open a breaker.
 */
@Injectable()
export class UpstreamCaller {
  private readonly byService = new Map<GrpcServiceName, Breaker>();

  constructor(@Inject(BREAKERS) private readonly breakers: BreakerRegistry) {}

  call<T>(service: GrpcServiceName, makeCall: () => Observable<T>): Promise<T> {
    return this.breaker(service).execute((signal) => callUpstream(makeCall(), signal));
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
