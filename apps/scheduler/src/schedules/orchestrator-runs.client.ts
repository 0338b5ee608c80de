import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { ClientProxyFactory, type ClientGrpcProxy } from '@nestjs/microservices';
import type { ServiceConfig } from '@sluice/config';
import { GRPC_SERVICES, orchestratorV1, SluiceError, UnavailableError } from '@sluice/contracts';
import { callMetadata, callUpstream, grpcClientOptions } from '@sluice/grpc';
import type { Breaker, BreakerRegistry } from '@sluice/resilience';
import { BREAKERS, SERVICE_CONFIG } from '@sluice/runtime';
import type { Caller } from '@sluice/tasks';
import { METRICS_REGISTRY } from '@sluice/telemetry';
import type { Registry } from 'prom-client';
import type { Observable } from 'rxjs';
import type { PipelineRunStarter, StartPipelineRun } from './pipeline-run-starter';

/** A call that gets no answer in this time counts as the orchestrator being unavailable. */
const CALL_TIMEOUT_MS = 10_000;

/**
 * The orchestrator's PipelineService, called as the schedule's tenant (internal credential and
 * tenant in the metadata, as the gateway does for a user), behind a circuit breaker: while the
 * orchestrator keeps failing, ticks get UNAVAILABLE at once instead of waiting on each schedule.
 */
@Injectable()
export class OrchestratorRunsClient implements PipelineRunStarter, OnModuleDestroy {
  private readonly proxy: ClientGrpcProxy;
  private readonly client: orchestratorV1.PipelineServiceClient;
  private readonly breaker: Breaker;

  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
    @Inject(BREAKERS) breakers: BreakerRegistry,
    @Inject(METRICS_REGISTRY) registry: Registry,
  ) {
    const address = config.scheduler?.orchestratorAddress;
    if (!address) throw new Error('the scheduler configuration has no orchestrator address');
    this.proxy = ClientProxyFactory.create(grpcClientOptions(GRPC_SERVICES.orchestrator, address, { registry })) as unknown as ClientGrpcProxy;
    this.client = this.proxy.getService<orchestratorV1.PipelineServiceClient>(orchestratorV1.PIPELINE_SERVICE_NAME);
    this.breaker = breakers.create('orchestrator', { timeoutMs: CALL_TIMEOUT_MS });
  }

  async startRun(caller: Caller, request: StartPipelineRun): Promise<{ runId: string; status: string }> {
    const { run } = await this.call((metadata) => this.client.startRun({ pipeline: request.pipeline, params: request.params, runId: request.runId }, metadata), caller);
    if (!run) throw new UnavailableError('the orchestrator answered without a run');
    return { runId: run.id, status: run.status.replace(/^RUN_STATUS_/, '') };
  }

  async hasPipeline(caller: Caller, name: string): Promise<boolean> {
    try {
      await this.call((metadata) => this.client.getPipeline({ name, version: 0 }, metadata), caller);
      return true;
    } catch (error) {
      if (error instanceof SluiceError && error.code === 'NOT_FOUND') return false;
      throw error;
    }
  }

  onModuleDestroy(): void {
    this.proxy.close();
  }

  private call<T>(makeCall: (metadata: ReturnType<typeof callMetadata>) => Observable<T>, caller: Caller): Promise<T> {
    const metadata = callMetadata(this.config.internalToken, { tenantId: caller.tenantId, userId: caller.userId });
    return this.breaker.execute((signal) => callUpstream(makeCall(metadata), signal));
  }
}
