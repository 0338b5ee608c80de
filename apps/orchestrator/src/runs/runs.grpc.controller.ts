import type { Metadata } from '@grpc/grpc-js';
import { Controller, Inject } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import { createdAtCursor, NotFoundError, orchestratorV1, parseOrThrow } from '@sluice/contracts';
import { readCallContext } from '@sluice/grpc';
import { RUN_STATUSES, RunCoordinator, RunRepository } from '@sluice/pipeline-runs';
import { PipelineName } from '@sluice/pipeline-spec';
import { z } from 'zod';
import { toRunMessage } from './run-message';

const RunId = z.uuid({ error: 'must be a UUID' });
const RequestedRunId = z.union([z.literal(''), RunId]);
const Limit = z.int().min(0).max(500).transform((n) => n || 50);
const Params = z.record(z.string(), z.unknown()).refine((p) => JSON.stringify(p).length <= 64 * 1024, 'must be at most 64 KiB as JSON');
const ListFilter = z.object({
  pipeline: z.union([z.literal(''), PipelineName]),
  status: z.union([z.literal(''), z.enum(RUN_STATUSES, { error: `must be one of ${RUN_STATUSES.join(', ')}` })]),
});

/** The run RPCs of PipelineService. */
@Controller()
export class RunsGrpcController implements Pick<orchestratorV1.PipelineServiceController, 'startRun' | 'getRun' | 'listRuns' | 'cancelRun'> {
  constructor(
    @Inject(RunCoordinator) private readonly coordinator: RunCoordinator,
    @Inject(RunRepository) private readonly runs: RunRepository,
  ) {}

  @GrpcMethod('PipelineService')
  async startRun(request: orchestratorV1.StartRunRequest, metadata: Metadata): Promise<orchestratorV1.StartRunResponse> {
    const caller = readCallContext(metadata);
    const name = parseOrThrow(PipelineName, request.pipeline, 'pipeline');
    // an absent Struct arrives as null or undefined, depending on the client
    const params = request.params == null ? null : parseOrThrow(Params, request.params, 'params');
    const runId = parseOrThrow(RequestedRunId, request.runId ?? '', 'runId');
    const run = await this.coordinator.startRun({ tenantId: caller.tenantId, userId: caller.userId }, name, params, runId || undefined);
    return { run: toRunMessage(run) };
  }

  @GrpcMethod('PipelineService')
  async getRun(request: orchestratorV1.GetRunRequest, metadata: Metadata): Promise<orchestratorV1.GetRunResponse> {
    const { tenantId } = readCallContext(metadata);
    const id = parseOrThrow(RunId, request.id, 'id');
    const run = await this.runs.find(tenantId, id);
    if (!run) throw new NotFoundError(`run ${id}`);
    return { run: toRunMessage(run) };
  }

  @GrpcMethod('PipelineService')
  async listRuns(request: orchestratorV1.ListRunsRequest, metadata: Metadata): Promise<orchestratorV1.ListRunsResponse> {
    const { tenantId } = readCallContext(metadata);
    const filter = parseOrThrow(ListFilter, { pipeline: request.pipeline, status: request.status });
    const limit = parseOrThrow(Limit, request.limit, 'limit');
    const runs = await this.runs.list(tenantId, { pipeline: filter.pipeline || undefined, status: filter.status || undefined }, limit, createdAtCursor.decode(request.cursor));
    return { runs: runs.map((run) => toRunMessage(run, false)), nextCursor: createdAtCursor.next(runs, limit) ?? '' };
  }

  @GrpcMethod('PipelineService')
  async cancelRun(request: orchestratorV1.CancelRunRequest, metadata: Metadata): Promise<orchestratorV1.CancelRunResponse> {
    const { tenantId } = readCallContext(metadata);
    const id = parseOrThrow(RunId, request.id, 'id');
    return { run: toRunMessage(await this.coordinator.cancelRun(tenantId, id)) };
  }
}
