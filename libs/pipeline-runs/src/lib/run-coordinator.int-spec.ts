import { randomUUID } from 'node:crypto';
import { StepEventMessage, SUBJECTS, type PipelineStepJobMessage } from '@sluice/contracts';
import { createPrismaClient, type PrismaClient } from '@sluice/database';
import { createMigratedTestDatabase, type TestDatabase } from '@sluice/database/testing';
import { RedisLock } from '@sluice/lock';
import { closeNats, connectNats, ensureStreams, JetStreamPublisher, startConsumer, type NatsConnection, type RunningConsumer, type Topology } from '@sluice/messaging';
import { isolatedTopology, removeTopology } from '@sluice/messaging/testing';
import { deleteKeysWithPrefix, eventually, uniquePrefix } from '@sluice/testing';
import { PipelineSchema } from '@sluice/pipeline-spec';
import { Redis } from 'ioredis';
import { Client } from 'pg';
import { heldOpen, loadCheckCleanPipeline, passedTitleCheck, startScriptedStepWorker, type ScriptedOutcome, type ScriptedStepWorker } from '../testing';
import { PipelineCatalog } from './pipeline-catalog';
import { PipelineRepository } from './pipeline.repository';
import { RunAlreadyActiveError, RunIdTakenError } from './run-errors';
import { RunCoordinator } from './run-coordinator';
import { DEFAULT_RUN_POLICY, type RunPolicy } from './run-policy';
import { RunRepository, type RunRecord } from './run.repository';

jest.setTimeout(60_000);

const TENANT = '33333333-3333-4333-8333-333333333333';
const OTHER_TENANT = '44444444-4444-4444-8444-444444444444';
const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };
const policy: RunPolicy = { ...DEFAULT_RUN_POLICY, retries: 1, retryBackoffMs: 100, stepTimeoutMs: 30_000, tickMs: 200, resumeScanMs: 300, lockTtlMs: 3_000 };

const passedCheck = passedTitleCheck(10);
const succeed: ScriptedOutcome = { type: 'succeeded', rowsIn: 10, rowsOut: 10 };

describe('pipeline runs on PostgreSQL, Redis and NATS', () => {
  let database: TestDatabase;
  let prisma: PrismaClient;
  let redis: Redis;
  let nc: NatsConnection;
  let topology: Topology;
  let runs: RunRepository;
  let catalog: PipelineCatalog;
  let worker: ScriptedStepWorker;
  let stepEvents: RunningConsumer;
  const prefix = uniquePrefix('runs');
  const coordinators: RunCoordinator[] = [];
  /** per step id: what the scripted worker answers (default: success) */
  let script: (job: PipelineStepJobMessage, signal: AbortSignal) => ScriptedOutcome | Promise<ScriptedOutcome> = () => succeed;
  /** Every step from now on is held open until its release (in `holds`, in start order) is called, then succeeds. */
  const holdEverySucceedingStep = (): (() => void)[] => {
    const holds: (() => void)[] = [];
    script = async (_job, signal) => {
      const hold = heldOpen(signal);
      holds.push(hold.release);
      await hold.done;
      return succeed;
    };
    return holds;
  };

  const coordinator = (owner: string, overrides: Partial<RunPolicy> = {}) => {
    const c = new RunCoordinator({
      runs,
      pipelines: new PipelineRepository(prisma),
      lock: new RedisLock({ redis, prefix, owner }),
      publisher: { publish: (subject, payload, options) => new JetStreamPublisher(nc).publish(topology.subject(subject), payload, options) },
      logger: silent,
      policy: { ...policy, ...overrides },
      owner,
    });
    coordinators.push(c);
    return c;
  };

  const runOf = async (id: string) => (await runs.findById(id)) as RunRecord;
  const stepOf = (run: RunRecord, id: string) => run.steps.find((s) => s.stepId === id);
  const settled = (id: string) => eventually(() => runOf(id), (r) => ['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(r.status), 30_000, 100);

  beforeAll(async () => {
    database = await createMigratedTestDatabase();
    prisma = createPrismaClient(database.url);
    redis = new Redis(process.env.REDIS_URL!, { maxRetriesPerRequest: 1 });
    nc = await connectNats({ url: process.env.NATS_URL!, name: 'pipeline-runs-int' });
    topology = isolatedTopology();
    await ensureStreams(nc, topology);
    runs = new RunRepository(prisma);
    catalog = new PipelineCatalog(new PipelineRepository(prisma));
    worker = await startScriptedStepWorker(nc, topology, (job, signal) => script(job, signal));
    // What the orchestrator's step-event worker does: any replica records the event.
    stepEvents = await startConsumer<StepEventMessage>(nc, {
      topology,
      stream: topology.events.name,
      durable: 'orchestrator-step-events',
      filterSubject: topology.subject(SUBJECTS.allStepEvents),
      schema: StepEventMessage,
      handler: (event) => (coordinators[0] as RunCoordinator).onStepEvent(event),
    });
  }, 120_000);

  afterEach(async () => {
    await Promise.all(coordinators.splice(0).map((c) => c.stop()));
    script = () => succeed;
  });

  afterAll(async () => {
    await stepEvents?.stop();
    await worker?.stop();
    if (nc) {
      await removeTopology(nc, topology);
      await closeNats(nc);
    }
    if (redis) {
      await deleteKeysWithPrefix(redis, prefix);
      redis.disconnect();
    }
    await prisma?.$disconnect();
    await database?.dispose();
  });

  it('ten concurrent starts make exactly one run; the nine others are told its id', async () => {
    await catalog.put(TENANT, 'race', loadCheckCleanPipeline('race'), 'yaml', 'user-1');
    script = (_job, signal) => heldOpen(signal).done.then(() => ({ type: 'silent' }) as const);
    const replicas = Array.from({ length: 10 }, (_, i) => coordinator(`replica-${i}`));
    const results = await Promise.allSettled(replicas.map((c) => c.startRun({ tenantId: TENANT, userId: 'user-1' }, 'race', null)));
    const started = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    const refused = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
    expect(started).toHaveLength(1);
    expect(refused).toHaveLength(9);
    for (const error of refused) {
      expect(error).toBeInstanceOf(RunAlreadyActiveError);
      expect((error as RunAlreadyActiveError).runId).toBe(started[0]?.id);
    }
    expect(await prisma.pipelineRun.count({ where: { tenantId: TENANT, pipeline: 'race' } })).toBe(1);
    await replicas[0]?.cancelRun(TENANT, started[0]!.id);
  });

  it('runs the steps in dependency order to SUCCEEDED, sending each worker the tables it reads', async () => {
    await catalog.put(TENANT, 'happy', loadCheckCleanPipeline('happy'), 'yaml', 'user-1');
    script = (job) => (job.stepId === 'check' ? { type: 'succeeded', rowsIn: 10, checks: [passedCheck] } : succeed);
    const run = await coordinator('a').startRun({ tenantId: TENANT }, 'happy', { day: '2026-03-01' });
    expect(run.status).toBe('QUEUED');
    const done = await settled(run.id);
    expect(done.status).toBe('SUCCEEDED');
    expect(done.steps.map((s) => [s.stepId, s.status, s.attempt, s.rowsIn])).toEqual([
      ['load', 'SUCCEEDED', 1, 10],
      ['check', 'SUCCEEDED', 1, 10],
      ['clean', 'SUCCEEDED', 1, 10],
    ]);
    expect(stepOf(done, 'check')?.checks).toEqual([passedCheck]);
    const jobs = worker.jobs.filter((j) => j.runId === run.id);
    expect(jobs.map((j) => j.stepId)).toEqual(['load', 'check', 'clean']);
    expect(jobs[2]?.tables).toEqual({ load: { schema: 't_33333333333343338333333333333333', table: 'stg__happy__load' } });
    expect(jobs[0]?.params).toEqual({ day: '2026-03-01' });
    // the lock was handed back: a second run can start
    const again = await coordinator('b').startRun({ tenantId: TENANT }, 'happy', null);
    expect((await settled(again.id)).status).toBe('SUCCEEDED');
  });

  it('fails a step whose error-severity check failed, without a retry, and skips what depends on it', async () => {
    await catalog.put(TENANT, 'dirty', loadCheckCleanPipeline('dirty'), 'yaml', 'user-1');
    const failing = { ...passedCheck, passed: false, failingCount: 3 };
    script = (job) => (job.stepId === 'check' ? { type: 'succeeded', rowsIn: 10, checks: [failing] } : succeed);
    const run = await coordinator('a').startRun({ tenantId: TENANT }, 'dirty', null);
    const done = await settled(run.id);
    expect(done).toMatchObject({ status: 'FAILED', error: 'step failed: check' });
    expect(done.steps.map((s) => [s.stepId, s.status])).toEqual([['load', 'SUCCEEDED'], ['check', 'FAILED'], ['clean', 'SKIPPED']]);
    expect(stepOf(done, 'check')?.error).toBe('1 error-severity check failed: not_null:title');
    expect(stepOf(done, 'clean')?.error).toBe('skipped: a check of step check failed');
    expect(worker.jobs.filter((j) => j.runId === run.id).map((j) => j.stepId)).toEqual(['load', 'check']);
  });

  it('retries a failed attempt with the next attempt number, and fails the run when no retry is left', async () => {
    await catalog.put(TENANT, 'flaky', loadCheckCleanPipeline('flaky'), 'yaml', 'user-1');
    script = (job) => (job.stepId === 'load' && job.attempt === 1 ? { type: 'failed', error: 'connection reset' } : succeed);
    const recovered = await settled((await coordinator('a').startRun({ tenantId: TENANT }, 'flaky', null)).id);
    expect(recovered.status).toBe('SUCCEEDED');
    expect(stepOf(recovered, 'load')).toMatchObject({ status: 'SUCCEEDED', attempt: 2, error: null });

    script = (job) => (job.stepId === 'load' ? { type: 'failed', error: 'no such file' } : succeed);
    const failed = await settled((await coordinator('b').startRun({ tenantId: TENANT }, 'flaky', null)).id);
    expect(failed.status).toBe('FAILED');
    expect(stepOf(failed, 'load')).toMatchObject({ status: 'FAILED', attempt: 2, error: 'no such file' });
    expect(failed.steps.filter((s) => s.status === 'SKIPPED').map((s) => s.stepId)).toEqual(['check', 'clean']);
  });

  it('retries an attempt that sent no result within the step timeout', async () => {
    await catalog.put(TENANT, 'quiet', loadCheckCleanPipeline('quiet'), 'yaml', 'user-1');
    script = (job) => (job.stepId === 'load' && job.attempt === 1 ? { type: 'silent' } : succeed);
    // generous retries: on a loaded machine a later attempt may also outlive the short timeout
    const run = await coordinator('a', { stepTimeoutMs: 2_000, retries: 4 }).startRun({ tenantId: TENANT }, 'quiet', null);
    const done = await settled(run.id);
    expect(done.status).toBe('SUCCEEDED');
    expect(stepOf(done, 'load')?.attempt).toBeGreaterThanOrEqual(2);
    expect(worker.jobs.filter((j) => j.runId === run.id && j.stepId === 'load').map((j) => j.attempt).slice(0, 2)).toEqual([1, 2]);
  });

  it('cancels a run: its unfinished steps are CANCELLED, a late event changes nothing, and nothing more is dispatched', async () => {
    await catalog.put(TENANT, 'stop', loadCheckCleanPipeline('stop'), 'yaml', 'user-1');
    const holds = holdEverySucceedingStep();
    const a = coordinator('a');
    const run = await a.startRun({ tenantId: TENANT }, 'stop', null);
    await eventually(() => runOf(run.id), (r) => stepOf(r, 'load')?.status === 'RUNNING', 20_000);
    const cancelled = await a.cancelRun(TENANT, run.id);
    expect(cancelled.steps.map((s) => s.status)).toEqual(['CANCELLED', 'CANCELLED', 'CANCELLED']);
    await expect(a.cancelRun('44444444-4444-4444-8444-444444444444', run.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    holds.forEach((release) => release());
    await eventually(() => worker.jobs.filter((j) => j.runId === run.id).length, (n) => n === 1, 5_000);
    await eventually(() => a.drivenRuns(), (ids) => !ids.includes(run.id), 10_000);
    expect((await runOf(run.id)).steps.map((s) => s.status)).toEqual(['CANCELLED', 'CANCELLED', 'CANCELLED']);
    expect(worker.jobs.filter((j) => j.runId === run.id)).toHaveLength(1);
  });

  it('a stopped replica marks its run INTERRUPTED and hands the lock back; another resumes it with the next attempt to SUCCEEDED', async () => {
    await catalog.put(TENANT, 'handover', loadCheckCleanPipeline('handover'), 'yaml', 'user-1');
    const held: (() => void)[] = [];
    script = async (job, signal) => {
      if (job.stepId !== 'load' || job.attempt !== 1) return job.stepId === 'check' ? { type: 'succeeded', checks: [passedCheck] } : succeed;
      const hold = heldOpen(signal);
      held.push(hold.release);
      await hold.done;
      return succeed; // attempt 1's late success: ignored once attempt 2 is out
    };
    const first = coordinator('first');
    const run = await first.startRun({ tenantId: TENANT }, 'handover', null);
    await eventually(() => runOf(run.id), (r) => stepOf(r, 'load')?.status === 'RUNNING', 20_000);
    await first.stop();
    const interrupted = await runOf(run.id);
    expect(interrupted).toMatchObject({ status: 'INTERRUPTED', owner: null });

    const second = coordinator('second');
    second.start();
    const done = await settled(run.id);
    held.forEach((release) => release());
    expect(done.status).toBe('SUCCEEDED');
    expect(stepOf(done, 'load')?.attempt).toBe(2);
    expect(done.fence).toBeGreaterThan(interrupted.fence ?? 0);
  });

  it('takes over a run whose owner lost its lock, and the deposed owner can no longer write it', async () => {
    await catalog.put(TENANT, 'orphan', loadCheckCleanPipeline('orphan'), 'yaml', 'user-1');
    script = (_job, signal) => heldOpen(signal).done.then(() => ({ type: 'silent' }) as const);
    const owner = coordinator('owner');
    const run = await owner.startRun({ tenantId: TENANT }, 'orphan', null);
    await eventually(() => runOf(run.id), (r) => stepOf(r, 'load')?.status === 'RUNNING', 20_000);
    const oldFence = (await runOf(run.id)).fence as number;
    // The owner vanishes as far as Redis can tell: an admin removed its lock.
    await new RedisLock({ redis, prefix }).forceRelease(`pipeline-run:${TENANT}:orphan`);
    script = () => succeed;
    coordinator('heir').start();
    const done = await settled(run.id);
    expect(done.status).toBe('SUCCEEDED');
    expect(done.fence).toBeGreaterThan(oldFence);

    const late = await runs.advance(run.id, oldFence, () => [{ type: 'finish', status: 'FAILED', error: 'late' }]);
    expect(late.outcome).toBe('fenced');
    expect(await runs.interrupt(run.id, oldFence)).toBeUndefined();
    expect(await runOf(run.id)).toMatchObject({ status: 'SUCCEEDED', error: null });
  });

  describe('a start that names its run id', () => {
    it('makes one run for any number of starts with that id, from any replica, and answers each with it, also after it ended', async () => {
      await catalog.put(TENANT, 'again', loadCheckCleanPipeline('again'), 'yaml', 'user-1');
      const holds = holdEverySucceedingStep();
      const runId = randomUUID();
      const replicas = Array.from({ length: 5 }, (_, i) => coordinator(`again-${i}`));
      const answers = await Promise.all(replicas.map((c) => c.startRun({ tenantId: TENANT, userId: 'schedule:s' }, 'again', { day: '2026-03-01' }, runId)));
      expect(answers.map((run) => run.id)).toEqual(Array(5).fill(runId));
      expect(await prisma.pipelineRun.count({ where: { tenantId: TENANT, pipeline: 'again' } })).toBe(1);
      expect(await runOf(runId)).toMatchObject({ pipeline: 'again', createdBy: 'schedule:s', params: { day: '2026-03-01' } });

      // another id while it runs: the ordinary answer, naming the active run
      await expect(replicas[1]!.startRun({ tenantId: TENANT }, 'again', null, randomUUID())).rejects.toMatchObject({ runId });

      script = () => succeed;
      holds.forEach((release) => release());
      expect((await settled(runId)).status).toBe('SUCCEEDED');
      const late = await replicas[2]!.startRun({ tenantId: TENANT }, 'again', null, runId);
      expect(late).toMatchObject({ id: runId, status: 'SUCCEEDED' });
      expect(await prisma.pipelineRun.count({ where: { tenantId: TENANT, pipeline: 'again' } })).toBe(1);
    });

    it('refuses an id that is another tenant\'s or another pipeline\'s run, and creates nothing', async () => {
      await catalog.put(TENANT, 'mine', loadCheckCleanPipeline('mine'), 'yaml', 'user-1');
      await catalog.put(TENANT, 'yours', loadCheckCleanPipeline('yours'), 'yaml', 'user-1');
      await catalog.put(OTHER_TENANT, 'mine', loadCheckCleanPipeline('mine'), 'yaml', 'user-2');
      const c = coordinator('ids');
      const run = await c.startRun({ tenantId: TENANT }, 'mine', null, randomUUID());
      await expect(c.startRun({ tenantId: OTHER_TENANT }, 'mine', null, run.id)).rejects.toBeInstanceOf(RunIdTakenError);
      await expect(c.startRun({ tenantId: TENANT }, 'yours', null, run.id)).rejects.toBeInstanceOf(RunIdTakenError);
      expect(await prisma.pipelineRun.count({ where: { OR: [{ tenantId: OTHER_TENANT }, { pipeline: 'yours' }] } })).toBe(0);
      expect((await settled(run.id)).status).toBe('SUCCEEDED');
    });
  });

  describe('the database backstop: one active run per (tenant, pipeline)', () => {
    const activeRow = (id: string, pipeline: string, status: 'QUEUED' | 'RUNNING' | 'INTERRUPTED') => ({ id, tenantId: TENANT, pipeline, version: 1, status });

    it('refuses a second active run written around both locks, for every active status', async () => {
      for (const [first, second] of [['RUNNING', 'QUEUED'], ['INTERRUPTED', 'RUNNING'], ['QUEUED', 'INTERRUPTED']] as const) {
        const pipeline = `raw-${first.toLowerCase()}`;
        await prisma.pipelineRun.create({ data: activeRow(randomUUID(), pipeline, first) });
        await expect(prisma.pipelineRun.create({ data: activeRow(randomUUID(), pipeline, second) })).rejects.toMatchObject({ code: 'P2002' });
        // ended runs are not counted
        await expect(prisma.pipelineRun.create({ data: { ...activeRow(randomUUID(), pipeline, 'RUNNING'), status: 'SUCCEEDED' } })).resolves.toBeDefined();
      }
    });

    it('answers a create that loses to a concurrent insert like the lock does: already active, with that run\'s id', async () => {
      await catalog.put(TENANT, 'backstop', loadCheckCleanPipeline('backstop'), 'yaml', 'user-1');
      const stored = await new PipelineRepository(prisma).find(TENANT, 'backstop');
      const pipeline = PipelineSchema.parse(stored!.definition);
      const rogue = new Client({ connectionString: database.url });
      await rogue.connect();
      try {
        // Another writer that took neither the run lock nor the advisory lock, its insert not yet committed.
        const rogueId = randomUUID();
        await rogue.query('BEGIN');
        await rogue.query(`INSERT INTO pipeline.runs (id, tenant_id, pipeline, version, status, updated_at) VALUES ($1, $2, 'backstop', 1, 'RUNNING', now())`, [rogueId, TENANT]);
        const create = runs.create({ tenantId: TENANT, pipeline, version: 1, params: null, createdBy: 'user-1', owner: 'backstop-test', fence: 1 });
        const refusal = create.catch((error: unknown) => error);
        // the create saw no active run and now waits on the index for the rogue transaction
        await eventually(
          async () => (await prisma.$queryRaw<{ waiting: bigint }[]>`SELECT count(*) AS waiting FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`)[0]?.waiting,
          (waiting) => Number(waiting) >= 1,
          10_000,
          20,
        );
        await rogue.query('COMMIT');
        const error = await refusal;
        expect(error).toBeInstanceOf(RunAlreadyActiveError);
        expect(error).toMatchObject({ code: 'ALREADY_EXISTS', runId: rogueId });
        expect(await prisma.pipelineRun.findMany({ where: { tenantId: TENANT, pipeline: 'backstop' }, select: { id: true } })).toEqual([{ id: rogueId }]);
      } finally {
        await rogue.end();
      }
    });
  });
});
