import type { PipelineStep } from './pipeline-schema';
import { sqlTemplateRefs } from './sql-template';

/** One reference from a step to another, with the path of the field that makes it. */
export interface StepEdge {
  /** The step that is referred to (runs first). */
  readonly target: string;
  /** Path below the step, e.g. `['inputs', 0]` or `['sql']`. */
  readonly field: readonly (string | number)[];
  readonly via: 'input' | 'inputs' | 'ref' | 'dependsOn';
}

/** Every reference a step makes: `input`, `inputs`, `ref()` in its SQL, `dependsOn`; duplicates kept. */
export function stepEdges(step: PipelineStep): StepEdge[] {
  const edges: StepEdge[] = [];
  if (step.kind === 'dq') edges.push({ target: step.input, field: ['input'], via: 'input' });
  if (step.kind === 'transform') {
    step.inputs.forEach((target, index) => edges.push({ target, field: ['inputs', index], via: 'inputs' }));
    for (const target of sqlTemplateRefs(step.sql)) edges.push({ target, field: ['sql'], via: 'ref' });
  }
  (step.dependsOn ?? []).forEach((target, index) => edges.push({ target, field: ['dependsOn', index], via: 'dependsOn' }));
  return edges;
}

/** The ids of the steps that must finish before `step` starts, unique, in the order they are named. */
export function dependenciesOf(step: PipelineStep): string[] {
  return [...new Set(stepEdges(step).map((edge) => edge.target))];
}
