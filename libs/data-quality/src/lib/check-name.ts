import type { DqCheck } from '@sluice/pipeline-spec';

/** A check's name in results: the sql check's own name, `<type>:<column>`, or the type alone (row_count). */
export function checkName(check: DqCheck): string {
  if (check.type === 'sql') return check.name;
  if ('column' in check) return `${check.type}:${check.column}`;
  return check.type;
}
