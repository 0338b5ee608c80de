import type { PipelineStep } from './pipeline-schema';
import { stepEdges } from './step-dependencies';
import type { StepEdge } from './step-dependencies';

export interface GraphViolation {
  readonly path: (string | number)[];
  readonly message: string;
}

interface StepGraphInput {
  readonly steps: readonly PipelineStep[];
}

/** Cross-step rules: unique ids and output tables, known and well-kinded targets, refs listed in inputs, no cycles. */
export function checkPipelineGraph(pipeline: StepGraphInput): GraphViolation[] {
  const violations: GraphViolation[] = [];
  const indexById = new Map<string, number>();
  pipeline.steps.forEach((step, index) => {
    const first = indexById.get(step.id);
    if (first === undefined) indexById.set(step.id, index);
    else violations.push({ path: ['steps', index, 'id'], message: `duplicate step id ${step.id} (also steps.${first}.id)` });
  });
  violations.push(...duplicateOutputTables(pipeline.steps));

  pipeline.steps.forEach((step, index) => {
    for (const edge of stepEdges(step)) {
      const problem = edgeProblem(step, edge, pipeline.steps, indexById);
      if (problem !== undefined) violations.push({ path: ['steps', index, ...edge.field], message: problem });
    }
  });
  // Cycles are only meaningful once every id names exactly one step.
  if (violations.length === 0) violations.push(...dependencyCycles(pipeline.steps, indexById));
  return violations;
}

function edgeProblem(
  step: PipelineStep,
  edge: StepEdge,
  steps: readonly PipelineStep[],
  indexById: ReadonlyMap<string, number>,
): string | undefined {
  const targetIndex = indexById.get(edge.target);
  if (targetIndex === undefined) {
    return edge.via === 'ref' ? `ref('${edge.target}') names an unknown step` : `unknown step ${edge.target}`;
  }
  const target = steps[targetIndex];
  if ((edge.via === 'input' || edge.via === 'inputs') && target.kind === 'dq') {
    return `${edge.target} is a dq step and has no table to read: ${edge.via} must be an ingest or transform step (use dependsOn to wait for a dq step)`;
  }
  if (edge.via === 'ref' && step.kind === 'transform' && !step.inputs.includes(edge.target)) {
    return `ref('${edge.target}') is not listed in inputs`;
  }
  return undefined;
}

function duplicateOutputTables(steps: readonly PipelineStep[]): GraphViolation[] {
  const violations: GraphViolation[] = [];
  const firstByTable = new Map<string, number>();
  steps.forEach((step, index) => {
    if (step.kind !== 'transform') return;
    const first = firstByTable.get(step.output.table);
    if (first === undefined) firstByTable.set(step.output.table, index);
    else violations.push({ path: ['steps', index, 'output', 'table'], message: `table ${step.output.table} is already written by steps.${first}` });
  });
  return violations;
}

/**
 * Depth-first search in data-flow direction (a step, then the steps that depend on it), in
 * declaration order. Each cycle is reported once, as `load -> clean -> load`, at the field of the
 * first step that refers back to the last.
 */
function dependencyCycles(steps: readonly PipelineStep[], indexById: ReadonlyMap<string, number>): GraphViolation[] {
  const dependents: { to: number; edge: StepEdge }[][] = steps.map(() => []);
  steps.forEach((step, index) => {
    for (const edge of stepEdges(step)) dependents[indexById.get(edge.target) as number].push({ to: index, edge });
  });
  const state = steps.map(() => 'new' as 'new' | 'open' | 'done');
  const stack: number[] = [];
  const reported = new Set<string>();
  const violations: GraphViolation[] = [];

  const visit = (from: number): void => {
    state[from] = 'open';
    stack.push(from);
    for (const { to, edge } of dependents[from]) {
      if (state[to] === 'open') {
        const cycle = stack.slice(stack.indexOf(to));
        const key = [...cycle].sort((a, b) => a - b).join(',');
        if (!reported.has(key)) {
          reported.add(key);
          const names = [...cycle, to].map((index) => steps[index].id).join(' -> ');
          violations.push({ path: ['steps', to, ...edge.field], message: `dependency cycle: ${names}` });
        }
      } else if (state[to] === 'new') {
        visit(to);
      }
    }
    stack.pop();
    state[from] = 'done';
  };
  steps.forEach((_, index) => {
    if (state[index] === 'new') visit(index);
  });
  return violations;
}
