import type { Pipeline } from './pipeline-schema';
import { PipelineSpecUsageError } from './pipeline-spec-errors';
import { dependenciesOf } from './step-dependencies';

/**
 * Step ids in an order where every step comes after its dependencies; among steps that could go
 * next, the one declared first goes first, so the order is stable. Throws PipelineSpecUsageError
 * for a pipeline that did not pass validation (unknown dependency or cycle).
 */
export function topologicalOrder(pipeline: Pick<Pipeline, 'steps'>): string[] {
  const ids = pipeline.steps.map((step) => step.id);
  const remaining = new Map(pipeline.steps.map((step) => [step.id, new Set(dependenciesOf(step))]));
  for (const [id, dependencies] of remaining) {
    for (const dependency of dependencies) {
      if (!remaining.has(dependency)) throw new PipelineSpecUsageError(`topologicalOrder: step ${id} depends on unknown step ${dependency}`);
    }
  }
  const order: string[] = [];
  const placed = new Set<string>();
  // Each round places one step, so at most ids.length rounds.
  while (order.length < ids.length) {
    const next = ids.find((id) => !placed.has(id) && [...(remaining.get(id) as Set<string>)].every((dependency) => placed.has(dependency)));
    if (next === undefined) throw new PipelineSpecUsageError('topologicalOrder: the pipeline has a dependency cycle');
    order.push(next);
    placed.add(next);
  }
  return order;
}
