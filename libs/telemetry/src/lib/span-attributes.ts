import { trace, type Span } from '@opentelemetry/api';

/** The ids that tie a span to a Sluice resource, so a trace can be found by tenant, task, run or step. */
export interface SluiceSpanIds {
  readonly tenantId?: string;
  readonly taskId?: string;
  readonly runId?: string;
  readonly stepId?: string;
}

export const SLUICE_SPAN_ATTRIBUTES: Readonly<Record<keyof SluiceSpanIds, string>> = {
  tenantId: 'sluice.tenant_id',
  taskId: 'sluice.task_id',
  runId: 'sluice.run_id',
  stepId: 'sluice.step_id',
};

const ID_KEYS = Object.keys(SLUICE_SPAN_ATTRIBUTES) as (keyof SluiceSpanIds)[];
// Ids are UUIDs or step identifiers; anything longer is not an id and must not bloat every span.
const MAX_ID_LENGTH = 128;

/** Sets `sluice.tenant_id`, `sluice.task_id`, `sluice.run_id`, `sluice.step_id` on the span (default: the active one) for the ids given. */
export function setSluiceSpanAttributes(ids: SluiceSpanIds, span: Span | undefined = trace.getActiveSpan()): void {
  if (!span) return;
  for (const key of ID_KEYS) {
    const value = ids[key];
    if (typeof value === 'string' && value.length > 0 && value.length <= MAX_ID_LENGTH) span.setAttribute(SLUICE_SPAN_ATTRIBUTES[key], value);
  }
}

/** The tenant, task, run and step ids a message payload carries at its top level, if any. */
export function sluiceIdsOf(payload: unknown): SluiceSpanIds {
  if (typeof payload !== 'object' || payload === null) return {};
  const record = payload as Record<string, unknown>;
  const ids: Partial<Record<keyof SluiceSpanIds, string>> = {};
  for (const key of ID_KEYS) {
    const value = record[key];
    if (typeof value === 'string') ids[key] = value;
  }
  return ids;
}
