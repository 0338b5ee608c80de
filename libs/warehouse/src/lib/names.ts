import { createHash } from 'node:crypto';
import type { WarehouseTable } from '@sluice/contracts';
import { quoteIdentifier, type Pipeline } from '@sluice/pipeline-spec';

const MAX_IDENTIFIER = 63;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The tenant's warehouse schema: `t_<tenant id without dashes>` (34 characters). */
export function tenantSchema(tenantId: string): string {
  if (!UUID.test(tenantId)) throw new TypeError(`tenant id must be a UUID, got ${JSON.stringify(tenantId)}`);
  return `t_${tenantId.replaceAll('-', '').toLowerCase()}`;
}

/**
 * `<prefix>__<pipeline>__<step>`, or when that is longer than PostgreSQL's 63 bytes, its first part
 * followed by a hash of the whole name, so two long names never share a table.
 */
function internalName(prefix: string, pipeline: string, stepId: string): string {
  const full = `${prefix}__${pipeline}__${stepId}`;
  if (full.length <= MAX_IDENTIFIER) return full;
  const hash = createHash('sha256').update(full).digest('hex').slice(0, 12);
  return `${full.slice(0, MAX_IDENTIFIER - hash.length - 1)}_${hash}`;
}

/** Where an ingest step's rows land (replaced as a whole by each successful run of the step). */
export const stagingTable = (pipeline: string, stepId: string): string => internalName('stg', pipeline, stepId);

/** Where an ingest step's rejected rows land, with the reason for each. */
export const rejectTable = (pipeline: string, stepId: string): string => internalName('rej', pipeline, stepId);

/** A loading table that becomes `table` once complete (a redelivered load starts it again). */
export const loadingTable = (table: string): string => {
  const name = `${table}__load`;
  if (name.length <= MAX_IDENTIFIER) return name;
  return `${table.slice(0, MAX_IDENTIFIER - 19)}_${createHash('sha256').update(table).digest('hex').slice(0, 12)}__load`;
};

/**
 * The table that holds a step's output: an ingest step's staging table, a transform step's target
 * table, and for a dq step (which writes nothing) the table of the step it checks.
 */
export function stepOutputTable(tenantId: string, pipeline: Pipeline, stepId: string): WarehouseTable {
  const step = pipeline.steps.find((candidate) => candidate.id === stepId);
  if (!step) throw new TypeError(`pipeline ${pipeline.name} has no step ${stepId}`);
  const schema = tenantSchema(tenantId);
  switch (step.kind) {
    case 'ingest':
      return { schema, table: stagingTable(pipeline.name, step.id) };
    case 'transform':
      return { schema, table: step.output.table };
    case 'dq':
      return stepOutputTable(tenantId, pipeline, step.input);
  }
}

/** The tables a step reads, by step id: what the orchestrator puts in the job's `tables`. */
export function stepInputTables(tenantId: string, pipeline: Pipeline, stepId: string): Record<string, WarehouseTable> {
  const step = pipeline.steps.find((candidate) => candidate.id === stepId);
  if (!step) throw new TypeError(`pipeline ${pipeline.name} has no step ${stepId}`);
  const inputs = step.kind === 'dq' ? [step.input] : step.kind === 'transform' ? step.inputs : [];
  return Object.fromEntries(inputs.map((input) => [input, stepOutputTable(tenantId, pipeline, input)]));
}

/** `"schema"."table"`, both quoted: the only way a warehouse name reaches SQL. */
export const qualifiedName = (table: WarehouseTable): string => `${quoteIdentifier(table.schema)}.${quoteIdentifier(table.table)}`;
