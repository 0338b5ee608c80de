import { UnavailableError, type CheckResult, type KeysetPosition, type StepEventMessage, type WarehouseTable } from '@sluice/contracts';
import { Prisma, type PrismaClient } from '@sluice/database';
import type { Pipeline } from '@sluice/pipeline-spec';
import { lockKeyInTransaction } from './pipeline.repository';
import type { RunIdentity } from './run-messages';
import type { PlanAction, RunSnapshot } from './run-planner';
import type { RunPolicy } from './run-policy';
import { ACTIVE_RUN_STATUSES, DRIVABLE_RUN_STATUSES, IN_FLIGHT_STEP_STATUSES, UNFINISHED_STEP_STATUSES, type RunStatus, type StepStatus } from './run-status';
import { RunAlreadyActiveError, RunIdTakenError, RunStateError } from './run-errors';
import { stepEventOutcome, type StepPatch, type StepState } from './step-state';

export interface RunRecord extends RunIdentity, RunSnapshot {
  readonly createdBy: string | null;
  readonly owner: string | null;
  readonly fence: number | null;
  readonly error: string | null;
  readonly createdAt: Date;
  readonly startedAt: Date | null;
  readonly finishedAt: Date | null;
}

export interface NewRun {
  /** the caller's id for the run (a retried start names the same one); a fresh UUID when absent */
  readonly id?: string;
  readonly tenantId: string;
  readonly pipeline: Pipeline;
  readonly version: number;
  readonly params: Record<string, unknown> | null;
  readonly createdBy: string | undefined;
  readonly owner: string;
  readonly fence: number;
}

/**
 * What a create did: made the run; found an active run of the pipeline (which may be the run of
 * this id: the same request again); or found the run of this id, already ended.
 */
export type CreateRunResult =
  | { readonly outcome: 'created'; readonly run: RunRecord }
  | { readonly outcome: 'active'; readonly activeRunId: string }
  | { readonly outcome: 'ended'; readonly runId: string };

export interface RunFilter {
  readonly pipeline?: string;
  readonly status?: RunStatus;
}

/** What an owner's write did: applied (with the actions that took effect), fenced out, or the run had ended. */
export type AdvanceResult =
  | { readonly outcome: 'applied'; readonly run: RunRecord; readonly applied: readonly PlanAction[] }
  | { readonly outcome: 'fenced' | 'ended'; readonly run: RunRecord | undefined };

type Tx = Prisma.TransactionClient;
type RunRow = Prisma.PipelineRunGetPayload<{ include: { steps: true } }>;
type StepRow = RunRow['steps'][number];

const toNumber = (value: bigint | null): number | null => (value === null ? null : Number(value));

function toStepState(row: StepRow): StepState {
  return {
    stepId: row.stepId,
    kind: row.kind,
    status: row.status as StepStatus,
    attempt: row.attempt,
    error: row.error,
    rowsIn: toNumber(row.rowsIn),
    rowsOut: toNumber(row.rowsOut),
    checks: (row.checks as CheckResult[] | null) ?? null,
    output: (row.output as (WarehouseTable & { version?: number }) | null) ?? null,
    dispatchedAt: row.dispatchedAt,
    startedAt: row.startedAt,
    finishedAt: row.finishedAt,
  };
}

function toRunRecord(row: RunRow, stepOrder?: readonly string[]): RunRecord {
  const position = (id: string) => {
    const index = stepOrder?.indexOf(id) ?? -1;
    return index === -1 ? Number.MAX_SAFE_INTEGER : index;
  };
  const steps = row.steps.map(toStepState).sort((a, b) => position(a.stepId) - position(b.stepId) || (a.stepId < b.stepId ? -1 : 1));
  return {
    id: row.id,
    tenantId: row.tenantId,
    pipeline: row.pipeline,
    version: row.version,
    params: (row.params as Record<string, unknown> | null) ?? null,
    status: row.status as RunStatus,
    createdBy: row.createdBy,
    owner: row.owner,
    fence: toNumber(row.fence),
    error: row.error,
    createdAt: row.createdAt,
    startedAt: row.startedAt,
    finishedAt: row.finishedAt,
    steps,
  };
}

const json = (value: unknown) => value as Prisma.InputJsonValue;

const isUniqueViolation = (error: unknown) => error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002';

/** A stored run that has the id a create asked for: the same request again, or an id taken by someone else's run. */
function sameIdOutcome(run: NewRun, stored: { id: string; tenantId: string; pipeline: string; status: string }): CreateRunResult {
  if (stored.tenantId !== run.tenantId || stored.pipeline !== run.pipeline.name) throw new RunIdTakenError(stored.id);
  return ACTIVE_RUN_STATUSES.includes(stored.status as RunStatus) ? { outcome: 'active', activeRunId: stored.id } : { outcome: 'ended', runId: stored.id };
}

/** A step patch as the columns it writes. */
function stepColumns(patch: StepPatch): Prisma.StepRunUpdateManyMutationInput {
  return {
    status: patch.status,
    ...(patch.error !== undefined ? { error: patch.error } : {}),
    ...(patch.rowsIn !== undefined ? { rowsIn: patch.rowsIn === null ? null : BigInt(patch.rowsIn) } : {}),
    ...(patch.rowsOut !== undefined ? { rowsOut: patch.rowsOut === null ? null : BigInt(patch.rowsOut) } : {}),
    ...(patch.checks !== undefined ? { checks: patch.checks === null ? undefined : json(patch.checks) } : {}),
    ...(patch.output !== undefined ? { output: patch.output === null ? undefined : json(patch.output) } : {}),
    ...(patch.startedAt !== undefined ? { startedAt: patch.startedAt } : {}),
    ...(patch.finishedAt !== undefined ? { finishedAt: patch.finishedAt } : {}),
  };
}

/**
 * Runs and step runs in `pipeline.runs` / `pipeline.step_runs`. Every write takes the run's row
 * lock first, so writes to one run are serialised; an owner's write is taken only while the stored
 * fence is not newer than the owner's (a deposed owner's late write changes nothing).
 */
export class RunRepository {
  constructor(private readonly prisma: PrismaClient) {}

  /**
   * Creates a QUEUED run with a PENDING row per step, unless the pipeline already has an active run
   * for the tenant (then its id) or a run with `run.id` exists (the same request again: its id; of
   * another tenant or pipeline: RunIdTakenError). Creators of one pipeline are serialised by an
   * advisory lock, so even two processes that both believe they hold the run lock cannot make two
   * active runs; behind that, the unique index `runs_one_active_per_pipeline` refuses a second
   * active run written around this method, answered as RunAlreadyActiveError with the other's id.
   */
  async create(run: NewRun): Promise<CreateRunResult> {
    try {
      return await this.insertUnlessActive(run);
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      return this.afterConflict(run);
    }
  }

  private insertUnlessActive(run: NewRun): Promise<CreateRunResult> {
    return this.prisma.$transaction(async (tx): Promise<CreateRunResult> => {
      await lockKeyInTransaction(tx, `pipeline-run:${run.tenantId}:${run.pipeline.name}`);
      const same = run.id ? await tx.pipelineRun.findUnique({ where: { id: run.id }, select: { id: true, tenantId: true, pipeline: true, status: true } }) : null;
      if (same) return sameIdOutcome(run, same);
      const active = await tx.pipelineRun.findFirst({ where: { tenantId: run.tenantId, pipeline: run.pipeline.name, status: { in: [...ACTIVE_RUN_STATUSES] } }, select: { id: true } });
      if (active) return { outcome: 'active', activeRunId: active.id };
      const row = await tx.pipelineRun.create({
        data: {
          ...(run.id ? { id: run.id } : {}),
          tenantId: run.tenantId,
          pipeline: run.pipeline.name,
          version: run.version,
          status: 'QUEUED',
          params: run.params ? json(run.params) : undefined,
          createdBy: run.createdBy ?? null,
          owner: run.owner,
          fence: BigInt(run.fence),
          steps: { create: run.pipeline.steps.map((step) => ({ stepId: step.id, kind: step.kind, status: 'PENDING' as const })) },
        },
        include: { steps: true },
      });
      return { outcome: 'created', run: toRunRecord(row, run.pipeline.steps.map((s) => s.id)) };
    });
  }

  /** The insert hit a unique index: another writer made the run of this id, or an active run of the pipeline, meanwhile. */
  private async afterConflict(run: NewRun): Promise<CreateRunResult> {
    const same = run.id ? await this.prisma.pipelineRun.findUnique({ where: { id: run.id }, select: { id: true, tenantId: true, pipeline: true, status: true } }) : null;
    if (same) return sameIdOutcome(run, same);
    const active = await this.findActive(run.tenantId, run.pipeline.name);
    if (active) throw new RunAlreadyActiveError(run.pipeline.name, active.id);
    // the other run ended between the conflict and this look: nothing to name, and trying again will do
    throw new UnavailableError(`a run of pipeline "${run.pipeline.name}" is starting or ending; try again`);
  }

  /** The tenant's run with its steps in definition order, or null (another tenant's run is not found). */
  async find(tenantId: string, id: string): Promise<RunRecord | null> {
    const row = await this.prisma.pipelineRun.findFirst({ where: { id, tenantId }, include: { steps: true } });
    return row ? toRunRecord(row, await this.stepOrder(row)) : null;
  }

  /** Any tenant's run (for the orchestrator's own bookkeeping, never for a caller). */
  async findById(id: string): Promise<RunRecord | null> {
    const row = await this.prisma.pipelineRun.findUnique({ where: { id }, include: { steps: true } });
    return row ? toRunRecord(row, await this.stepOrder(row)) : null;
  }

  findActive(tenantId: string, pipeline: string): Promise<{ id: string; status: string } | null> {
    return this.prisma.pipelineRun.findFirst({
      where: { tenantId, pipeline, status: { in: [...ACTIVE_RUN_STATUSES] } },
      orderBy: { createdAt: 'asc' },
      select: { id: true, status: true },
    });
  }

  /** Newest first, without steps; `after` is the last run of the previous page. */
  async list(tenantId: string, filter: RunFilter, limit: number, after: KeysetPosition | undefined): Promise<RunRecord[]> {
    const rows = await this.prisma.pipelineRun.findMany({
      where: {
        tenantId,
        ...(filter.pipeline ? { pipeline: filter.pipeline } : {}),
        ...(filter.status ? { status: filter.status } : {}),
        ...(after ? { OR: [{ createdAt: { lt: after.createdAt } }, { createdAt: after.createdAt, id: { lt: after.id } }] } : {}),
      },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: limit,
    });
    return rows.map((row) => toRunRecord({ ...row, steps: [] }));
  }

  /** Runs that are active but not driven by any of `exclude` (this replica's own runs), oldest change first. */
  async findUnowned(exclude: readonly string[], limit: number): Promise<Pick<RunRecord, 'id' | 'tenantId' | 'pipeline' | 'status'>[]> {
    const rows = await this.prisma.pipelineRun.findMany({
      where: { status: { in: [...ACTIVE_RUN_STATUSES] }, ...(exclude.length ? { id: { notIn: [...exclude] } } : {}) },
      orderBy: { updatedAt: 'asc' },
      take: limit,
      select: { id: true, tenantId: true, pipeline: true, status: true },
    });
    return rows.map((row) => ({ ...row, status: row.status as RunStatus }));
  }

  /**
   * The owner's step: locks the run, checks that it is still drivable and that the stored fence is
   * not newer than `fence`, asks `plan` what to do with the current state, and applies it. Each step
   * write is also conditional on the state it was planned from.
   */
  advance(runId: string, fence: number, plan: (run: RunRecord) => readonly PlanAction[], now: Date = new Date()): Promise<AdvanceResult> {
    return this.prisma.$transaction(async (tx) => {
      const locked = await this.lockRun(tx, runId);
      if (!locked) return { outcome: 'ended', run: undefined };
      if (locked.fence !== null && locked.fence > BigInt(fence)) return { outcome: 'fenced', run: await this.load(tx, runId) };
      const run = await this.load(tx, runId);
      if (!run || !DRIVABLE_RUN_STATUSES.includes(run.status)) return { outcome: 'ended', run };
      const applied: PlanAction[] = [];
      for (const action of plan(run)) {
        if (await this.applyAction(tx, run, action, now)) applied.push(action);
      }
      await tx.pipelineRun.update({ where: { id: runId }, data: { fence: BigInt(fence) } });
      return { outcome: 'applied', run: (await this.load(tx, runId)) as RunRecord, applied };
    });
  }

  /**
   * Records a worker's step event, whoever owns the run: under the run's row lock, for a run that is
   * still active and belongs to the event's tenant, and only if the event is about the step's current
   * attempt while it is in flight. Returns the run and the step's new state, or undefined if nothing changed.
   */
  applyStepEvent(event: StepEventMessage, policy: Pick<RunPolicy, 'retries'>): Promise<{ run: RunRecord; step: StepState } | undefined> {
    return this.prisma.$transaction(async (tx) => {
      const locked = await this.lockRun(tx, event.runId);
      if (!locked || locked.tenantId !== event.tenantId || !ACTIVE_RUN_STATUSES.includes(locked.status)) return undefined;
      const row = await tx.stepRun.findUnique({ where: { runId_stepId: { runId: event.runId, stepId: event.stepId } } });
      if (!row) return undefined;
      const patch = stepEventOutcome(toStepState(row), event, policy);
      if (!patch) return undefined;
      const { count } = await tx.stepRun.updateMany({
        where: { runId: event.runId, stepId: event.stepId, attempt: row.attempt, status: row.status },
        data: stepColumns(patch),
      });
      if (count !== 1) return undefined;
      const run = (await this.load(tx, event.runId)) as RunRecord;
      return { run, step: run.steps.find((s) => s.stepId === event.stepId) as StepState };
    });
  }

  /**
   * Takes a run over for a new owner whose lock acquisition gave `fence`: the run becomes RUNNING
   * (QUEUED stays QUEUED) and steps in flight go back to PENDING, to be dispatched again with the
   * next attempt at once. Undefined when the run ended or a newer fence is stored.
   */
  claim(runId: string, owner: string, fence: number): Promise<RunRecord | undefined> {
    return this.prisma.$transaction(async (tx) => {
      const locked = await this.lockRun(tx, runId);
      if (!locked || !ACTIVE_RUN_STATUSES.includes(locked.status)) return undefined;
      if (locked.fence !== null && locked.fence > BigInt(fence)) return undefined;
      await tx.pipelineRun.update({
        where: { id: runId },
        data: { owner, fence: BigInt(fence), status: locked.status === 'QUEUED' ? 'QUEUED' : 'RUNNING' },
      });
      await tx.stepRun.updateMany({
        where: { runId, status: { in: [...IN_FLIGHT_STEP_STATUSES] } },
        data: { status: 'PENDING', finishedAt: null },
      });
      return (await this.load(tx, runId)) as RunRecord;
    });
  }

  /** The owner hands a run back on shutdown: INTERRUPTED, no owner. Undefined if it ended or a newer fence is stored. */
  interrupt(runId: string, fence: number): Promise<RunRecord | undefined> {
    return this.prisma.$transaction(async (tx) => {
      const locked = await this.lockRun(tx, runId);
      if (!locked || !DRIVABLE_RUN_STATUSES.includes(locked.status)) return undefined;
      if (locked.fence !== null && locked.fence > BigInt(fence)) return undefined;
      await tx.pipelineRun.update({ where: { id: runId }, data: { status: 'INTERRUPTED', owner: null, fence: BigInt(fence) } });
      return (await this.load(tx, runId)) as RunRecord;
    });
  }

  /**
   * Cancels the tenant's run: CANCELLED, and every step not finished CANCELLED too (workers' late
   * events are then ignored). Cancelling a cancelled run changes nothing; a finished one is refused.
   */
  cancel(tenantId: string, id: string, now: Date = new Date()): Promise<{ run: RunRecord; changed: boolean } | null> {
    return this.prisma.$transaction(async (tx) => {
      const locked = await this.lockRun(tx, id);
      if (!locked || locked.tenantId !== tenantId) return null;
      if (locked.status === 'CANCELLED') return { run: (await this.load(tx, id)) as RunRecord, changed: false };
      if (!ACTIVE_RUN_STATUSES.includes(locked.status)) throw new RunStateError(`run ${id} already ended (${locked.status})`);
      await tx.pipelineRun.update({ where: { id }, data: { status: 'CANCELLED', owner: null, finishedAt: now, error: 'cancelled' } });
      await tx.stepRun.updateMany({ where: { runId: id, status: { in: [...UNFINISHED_STEP_STATUSES] } }, data: { status: 'CANCELLED', finishedAt: now } });
      return { run: (await this.load(tx, id)) as RunRecord, changed: true };
    });
  }

  private async applyAction(tx: Tx, run: RunRecord, action: PlanAction, now: Date): Promise<boolean> {
    const step = (stepId: string) => run.steps.find((s) => s.stepId === stepId);
    switch (action.type) {
      case 'start':
        await tx.pipelineRun.update({ where: { id: run.id }, data: { status: 'RUNNING', startedAt: run.startedAt ?? now } });
        return true;
      case 'finish':
        await tx.pipelineRun.update({ where: { id: run.id }, data: { status: action.status, finishedAt: now, error: action.error, owner: null } });
        return true;
      case 'timeout':
        return this.updateStep(tx, run.id, action.stepId, { attempt: action.attempt, status: { in: [...IN_FLIGHT_STEP_STATUSES] } }, {
          status: action.next,
          error: action.error,
          finishedAt: now,
        });
      case 'skip':
        return this.updateStep(tx, run.id, action.stepId, { status: 'PENDING' }, { status: 'SKIPPED', error: action.error, finishedAt: now });
      case 'dispatch':
        return this.updateStep(tx, run.id, action.stepId, { status: 'PENDING', attempt: (step(action.stepId)?.attempt ?? 0) }, {
          status: 'QUEUED',
          attempt: action.attempt,
          dispatchedAt: now,
          startedAt: null,
          finishedAt: null,
        });
    }
  }

  private async updateStep(tx: Tx, runId: string, stepId: string, where: Prisma.StepRunWhereInput, data: Prisma.StepRunUpdateManyMutationInput): Promise<boolean> {
    const { count } = await tx.stepRun.updateMany({ where: { ...where, runId, stepId }, data });
    return count === 1;
  }

  private async lockRun(tx: Tx, runId: string): Promise<{ status: RunStatus; fence: bigint | null; tenantId: string } | undefined> {
    const rows = await tx.$queryRaw<{ status: string; fence: bigint | null; tenant_id: string }[]>`
      SELECT status::text AS status, fence, tenant_id::text AS tenant_id FROM pipeline.runs WHERE id = ${runId}::uuid FOR UPDATE`;
    const row = rows[0];
    return row ? { status: row.status as RunStatus, fence: row.fence === null ? null : BigInt(row.fence), tenantId: row.tenant_id } : undefined;
  }

  private async load(tx: Tx, runId: string): Promise<RunRecord | undefined> {
    const row = await tx.pipelineRun.findUnique({ where: { id: runId }, include: { steps: true } });
    return row ? toRunRecord(row, await this.stepOrder(row, tx)) : undefined;
  }

  private async stepOrder(run: Pick<RunRow, 'tenantId' | 'pipeline' | 'version'>, client: Tx | PrismaClient = this.prisma): Promise<string[]> {
    const stored = await client.pipeline.findFirst({ where: { tenantId: run.tenantId, name: run.pipeline, version: run.version }, select: { definition: true } });
    const steps = (stored?.definition as { steps?: { id?: unknown }[] } | null)?.steps ?? [];
    return steps.map((s) => String(s.id));
  }
}
