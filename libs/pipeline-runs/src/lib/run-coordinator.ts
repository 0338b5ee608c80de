import { setTimeout as delay } from 'node:timers/promises';
import { NotFoundError, UnavailableError, type StepEventMessage } from '@sluice/contracts';
import type { LockHandle, LockOptions } from '@sluice/lock';
import { PipelineSchema, type Pipeline } from '@sluice/pipeline-spec';
import { RunAlreadyActiveError, RunIdTakenError } from './run-errors';
import { runEvent, stepJob, type RunIdentity, type RunMessagePublisher } from './run-messages';
import { planRun, type PlanAction } from './run-planner';
import type { RunPolicy } from './run-policy';
import type { PipelineRepository } from './pipeline.repository';
import type { AdvanceResult, RunRecord, RunRepository } from './run.repository';
import { Wakeup } from './wakeup';

export interface CoordinatorLogger {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

export interface RunLock {
  tryAcquire(name: string, options?: Omit<LockOptions, 'acquireTimeoutMs' | 'retry'>): Promise<LockHandle | undefined>;
}

export interface RunCoordinatorDeps {
  readonly runs: RunRepository;
  readonly pipelines: PipelineRepository;
  readonly lock: RunLock;
  readonly publisher: RunMessagePublisher;
  readonly logger: CoordinatorLogger;
  readonly policy: RunPolicy;
  /** who this replica is, stored as the owner of the runs it drives */
  readonly owner: string;
  readonly clock?: () => Date;
}

export interface RunCaller {
  readonly tenantId: string;
  readonly userId?: string;
}

/** The lock one run of a pipeline holds for its whole life. */
export const runLockName = (tenantId: string, pipeline: string) => `pipeline-run:${tenantId}:${pipeline}`;

/** How long StartRun waits for a run whose lock is held to show up (its owner is creating it). */
const START_WAIT_MS = 5_000;
const START_POLL_MS = 50;
const RESUME_BATCH = 20;

interface DrivenRun {
  readonly lease: LockHandle;
  readonly wakeup: Wakeup;
  done?: Promise<void>;
}

type DriveOutcome = 'ended' | 'fenced' | 'lost' | 'stopping';

/**
 * Runs pipelines on one orchestrator replica. A run is driven by the replica holding its lock
 * `pipeline-run:<tenant>:<pipeline>` for the run's whole life: it dispatches ready steps, times out
 * silent attempts, skips what can never run and finishes the run, every write under the lock's
 * fence. Step events are recorded by whichever replica receives them (state lives in PostgreSQL);
 * the owner notices at once when the event reached it, otherwise at its next tick. On stop it
 * marks its runs INTERRUPTED and hands their locks back; every replica periodically takes over
 * runs that are interrupted or whose owner's lock is gone, and resumes them.
 */
export class RunCoordinator {
  private readonly driven = new Map<string, DrivenRun>();
  private readonly stopping = new AbortController();
  private scanTimer: NodeJS.Timeout | undefined;
  private scanning: Promise<void> | undefined;
  private readonly now: () => Date;

  constructor(private readonly deps: RunCoordinatorDeps) {
    this.now = deps.clock ?? (() => new Date());
  }

  /** Starts looking for runs to resume: now, then every `resumeScanMs`. */
  start(): void {
    this.scanning = this.scanOnce();
  }

  /** Stops dispatching, marks the runs it drives INTERRUPTED and releases their locks. */
  async stop(): Promise<void> {
    this.stopping.abort();
    clearTimeout(this.scanTimer);
    await this.scanning;
    await Promise.all([...this.driven.values()].map((run) => run.done));
  }

  /** Ids of the runs this replica drives right now. */
  drivenRuns(): string[] {
    return [...this.driven.keys()];
  }

  /**
   * Starts a run of the pipeline's latest version. If a run is active, throws RunAlreadyActiveError
   * with its id; if that run had lost its owner, it is resumed here first. With `runId`, a start
   * whose run exists (for this tenant and pipeline) is the same request again: that run is
   * returned, whatever its state, and nothing starts; an id of another tenant's or pipeline's run
   * is RunIdTakenError.
   */
  async startRun(caller: RunCaller, name: string, params: Record<string, unknown> | null, runId?: string): Promise<RunRecord> {
    const stored = await this.deps.pipelines.find(caller.tenantId, name);
    if (!stored) throw new NotFoundError(`pipeline "${name}"`);
    const pipeline = PipelineSchema.parse(stored.definition);
    const deadline = Date.now() + START_WAIT_MS;
    for (;;) {
      if (this.stopping.signal.aborted) throw new UnavailableError('the orchestrator is shutting down');
      const earlier = runId ? await this.sameRequest(caller, name, runId) : undefined;
      if (earlier) return earlier;
      const lease = await this.deps.lock.tryAcquire(runLockName(caller.tenantId, name), { ttlMs: this.deps.policy.lockTtlMs });
      if (lease) return this.startUnderLease(lease, caller, pipeline, stored.version, params, runId);
      const active = await this.deps.runs.findActive(caller.tenantId, name);
      if (active && active.id === runId) return this.existing(active.id);
      if (active) throw new RunAlreadyActiveError(name, active.id);
      if (Date.now() >= deadline) throw new UnavailableError(`a run of pipeline "${name}" is starting or ending; try again`);
      await delay(START_POLL_MS);
    }
  }

  /** Cancels the tenant's run; its owner stops dispatching at its next look. */
  async cancelRun(tenantId: string, id: string): Promise<RunRecord> {
    const result = await this.deps.runs.cancel(tenantId, id, this.now());
    if (!result) throw new NotFoundError(`run ${id}`);
    if (result.changed) {
      await this.publish(runEvent(result.run, 'cancelled', 'CANCELLED', { error: 'cancelled', at: this.now() }));
      this.driven.get(id)?.wakeup.wake();
    }
    return result.run;
  }

  /** Records a worker's step event (whoever owns the run) and wakes the owner if it is this replica. */
  async onStepEvent(event: StepEventMessage): Promise<void> {
    const change = await this.deps.runs.applyStepEvent(event, this.deps.policy);
    if (!change) return;
    await this.publish(runEvent(change.run, 'step', change.run.status, { step: change.step, at: this.now() }));
    this.driven.get(event.runId)?.wakeup.wake();
  }

  /** Takes over active runs that no live replica drives (their lock is free) and resumes them. */
  async resumeOrphans(): Promise<number> {
    let resumed = 0;
    for (const candidate of await this.deps.runs.findUnowned(this.drivenRuns(), RESUME_BATCH)) {
      if (this.stopping.signal.aborted) break;
      if (this.driven.has(candidate.id)) continue;
      const lease = await this.deps.lock.tryAcquire(runLockName(candidate.tenantId, candidate.pipeline), { ttlMs: this.deps.policy.lockTtlMs });
      if (!lease) continue;
      if (await this.resumeUnderLease(candidate.id, lease)) resumed++;
    }
    return resumed;
  }

  private async scanOnce(): Promise<void> {
    try {
      const resumed = await this.resumeOrphans();
      if (resumed > 0) this.deps.logger.info({ resumed }, 'resumed pipeline runs without a live owner');
    } catch (error) {
      this.deps.logger.warn({ err: error }, 'looking for runs to resume failed; trying again later');
    }
    if (this.stopping.signal.aborted) return;
    this.scanTimer = setTimeout(() => {
      this.scanning = this.scanOnce();
    }, this.deps.policy.resumeScanMs);
  }

  /** The run a start with `runId` made before, if there is one; RunIdTakenError if that id is someone else's run. */
  private async sameRequest(caller: RunCaller, name: string, runId: string): Promise<RunRecord | undefined> {
    const run = await this.deps.runs.findById(runId);
    if (!run) return undefined;
    if (run.tenantId !== caller.tenantId || run.pipeline !== name) throw new RunIdTakenError(runId);
    return run;
  }

  private async existing(runId: string): Promise<RunRecord> {
    const run = await this.deps.runs.findById(runId);
    // runs are never deleted; a run that vanished would be a bug somewhere else
    if (!run) throw new UnavailableError(`run ${runId} could not be read back; try again`);
    return run;
  }

  private async startUnderLease(
    lease: LockHandle,
    caller: RunCaller,
    pipeline: Pipeline,
    version: number,
    params: Record<string, unknown> | null,
    runId: string | undefined,
  ): Promise<RunRecord> {
    let handedOver = false;
    try {
      const created = await this.deps.runs.create({
        id: runId,
        tenantId: caller.tenantId,
        pipeline,
        version,
        params,
        createdBy: caller.userId,
        owner: this.deps.owner,
        fence: lease.fence,
      });
      if (created.outcome === 'ended') return await this.existing(created.runId);
      if (created.outcome === 'active') {
        // The lock was free, yet a run is active: its owner is gone. Resume it, and say it is active
        // (or, when it is the run this start asked for, answer with it).
        handedOver = await this.resumeUnderLease(created.activeRunId, lease);
        if (created.activeRunId === runId) return await this.existing(runId);
        throw new RunAlreadyActiveError(pipeline.name, created.activeRunId);
      }
      await this.publish(runEvent(created.run, 'queued', 'QUEUED', { at: this.now() }));
      this.drive(created.run, pipeline, lease);
      handedOver = true;
      return created.run;
    } finally {
      if (!handedOver) await this.release(lease);
    }
  }

  /** Claims the run under `lease` and drives it; false (lease released) if it ended or is fenced. */
  private async resumeUnderLease(runId: string, lease: LockHandle): Promise<boolean> {
    try {
      const run = await this.deps.runs.claim(runId, this.deps.owner, lease.fence);
      const stored = run && (await this.deps.pipelines.find(run.tenantId, run.pipeline, run.version));
      if (!run || !stored) {
        await this.release(lease);
        return false;
      }
      this.deps.logger.info({ runId, pipeline: run.pipeline, fence: lease.fence }, 'resuming pipeline run');
      await this.publish(runEvent(run, 'resumed', run.status, { at: this.now() }));
      this.drive(run, PipelineSchema.parse(stored.definition), lease);
      return true;
    } catch (error) {
      await this.release(lease);
      throw error;
    }
  }

  private drive(run: RunRecord, pipeline: Pipeline, lease: LockHandle): void {
    const driven: DrivenRun = { lease, wakeup: new Wakeup() };
    this.driven.set(run.id, driven);
    driven.done = this.loop(run, pipeline, driven)
      .then((outcome) => this.handBack(run, lease, outcome))
      .catch((error: unknown) => this.deps.logger.error({ err: error, runId: run.id }, 'pipeline run driver failed'))
      .finally(async () => {
        this.driven.delete(run.id);
        await this.release(lease);
      });
  }

  private async loop(run: RunRecord, pipeline: Pipeline, driven: DrivenRun): Promise<DriveOutcome> {
    const signal = AbortSignal.any([driven.lease.signal, this.stopping.signal]);
    while (!signal.aborted) {
      let result: AdvanceResult | undefined;
      try {
        const now = this.now();
        result = await this.deps.runs.advance(run.id, driven.lease.fence, (state) => planRun(pipeline, state, now, this.deps.policy), now);
      } catch (error) {
        this.deps.logger.warn({ err: error, runId: run.id }, 'could not advance pipeline run; trying again');
      }
      if (result && result.outcome !== 'applied') return result.outcome;
      if (result) {
        await this.publishEffects(run, pipeline, result.run, result.applied);
        if (result.applied.some((action) => action.type === 'finish')) return 'ended';
      }
      await driven.wakeup.wait(this.deps.policy.tickMs, signal);
    }
    return this.stopping.signal.aborted ? 'stopping' : 'lost';
  }

  private async handBack(run: RunRecord, lease: LockHandle, outcome: DriveOutcome): Promise<void> {
    if (outcome === 'lost') this.deps.logger.warn({ runId: run.id, fence: lease.fence }, 'lost the lock of a pipeline run; another replica will resume it');
    if (outcome === 'fenced') this.deps.logger.warn({ runId: run.id, fence: lease.fence }, 'a newer owner drives this pipeline run; stepping back');
    if (outcome !== 'stopping') return;
    const interrupted = await this.deps.runs.interrupt(run.id, lease.fence);
    if (interrupted) await this.publish(runEvent(interrupted, 'interrupted', 'INTERRUPTED', { at: this.now() }));
  }

  /** Jobs for dispatched steps (after the commit that made them QUEUED), then one run event per change. */
  private async publishEffects(identity: RunIdentity, pipeline: Pipeline, after: RunRecord, applied: readonly PlanAction[]): Promise<void> {
    const at = this.now();
    for (const action of applied) {
      switch (action.type) {
        case 'start':
          await this.publish(runEvent(after, 'started', after.status, { at }));
          break;
        case 'finish':
          await this.publish(runEvent(after, action.status === 'SUCCEEDED' ? 'succeeded' : 'failed', action.status, { error: action.error, at }));
          break;
        case 'dispatch': {
          const { subject, msgId, job } = stepJob(identity, pipeline, action.stepId, action.attempt);
          try {
            await this.deps.publisher.publish(subject, job, { msgId });
          } catch (error) {
            // The step stays QUEUED; its timeout retries it.
            this.deps.logger.error({ err: error, runId: identity.id, stepId: action.stepId }, 'could not publish a step job');
          }
          await this.publishStep(after, action.stepId, at);
          break;
        }
        case 'timeout':
        case 'skip':
          await this.publishStep(after, action.stepId, at);
          break;
      }
    }
  }

  private publishStep(run: RunRecord, stepId: string, at: Date): Promise<void> {
    const step = run.steps.find((s) => s.stepId === stepId);
    return step ? this.publish(runEvent(run, 'step', run.status, { step, at })) : Promise.resolve();
  }

  /** Run events are progress reports: a failure to publish one is logged, never fails the run. */
  private async publish({ subject, event }: ReturnType<typeof runEvent>): Promise<void> {
    try {
      await this.deps.publisher.publish(subject, event);
    } catch (error) {
      this.deps.logger.warn({ err: error, runId: event.runId, type: event.type }, 'could not publish a run event');
    }
  }

  private async release(lease: LockHandle): Promise<void> {
    try {
      await lease.release();
    } catch (error) {
      this.deps.logger.warn({ err: error, lock: lease.name }, 'run lock release failed; it ends with its lease');
    }
  }
}
