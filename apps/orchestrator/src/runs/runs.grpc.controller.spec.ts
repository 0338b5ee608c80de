import { callMetadata } from '@sluice/grpc';
import type { RunCoordinator, RunRecord, RunRepository } from '@sluice/pipeline-runs';
import { RunsGrpcController } from './runs.grpc.controller';

const TENANT = '11111111-1111-4111-8111-111111111111';
const RUN_ID = '5d3c2b1a-0f9e-4d8c-b7a6-9f8e7d6c5b4a';
const metadata = callMetadata('an-internal-token-only-for-this-test', { tenantId: TENANT, userId: 'schedule:s' });

function controller() {
  const starts: unknown[][] = [];
  const run: RunRecord = {
    id: RUN_ID,
    tenantId: TENANT,
    pipeline: 'movies',
    version: 1,
    params: null,
    status: 'QUEUED',
    steps: [],
    createdBy: 'schedule:s',
    owner: 'o',
    fence: 1,
    error: null,
    createdAt: new Date('2026-03-01T12:00:00Z'),
    startedAt: null,
    finishedAt: null,
  };
  const coordinator = {
    startRun: async (...args: unknown[]) => {
      starts.push(args);
      return run;
    },
  } as unknown as RunCoordinator;
  return { handler: new RunsGrpcController(coordinator, {} as RunRepository), starts };
}

describe('RunsGrpcController.startRun', () => {
  it.each(['not-a-uuid', `${RUN_ID}x`, "'; drop table pipeline.runs; --"])('refuses the run id %j naming runId, and starts nothing', async (runId) => {
    const { handler, starts } = controller();
    await expect(handler.startRun({ pipeline: 'movies', params: undefined, runId }, metadata)).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      violations: [expect.objectContaining({ path: 'runId' })],
    });
    expect(starts).toEqual([]);
  });

  it('hands a UUID run id to the coordinator, and an empty one as none', async () => {
    const { handler, starts } = controller();
    expect((await handler.startRun({ pipeline: 'movies', params: undefined, runId: RUN_ID }, metadata)).run?.id).toBe(RUN_ID);
    await handler.startRun({ pipeline: 'movies', params: undefined, runId: '' }, metadata);
    expect(starts).toEqual([
      [{ tenantId: TENANT, userId: 'schedule:s' }, 'movies', null, RUN_ID],
      [{ tenantId: TENANT, userId: 'schedule:s' }, 'movies', null, undefined],
    ]);
  });
});
