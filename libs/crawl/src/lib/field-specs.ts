import { load, type CheerioAPI } from 'cheerio';
import type { FieldViolation } from '@sluice/contracts';
import { CrawlSpecError } from './crawl-errors';

/** A CSS selector (text of the first match), or the selector with the attribute to read and whether to take every match. */
export type FieldSpec = string | { selector: string; attr?: string; all?: boolean };

export interface ResolvedFieldSpec {
  readonly selector: string;
  readonly attr: string | undefined;
  readonly all: boolean;
}

let emptyDocument: CheerioAPI | undefined;

/**
 * Every problem of a set of extraction fields, with paths relative to the fields object
 * (`price.selector`): unusable shapes, empty selectors, selectors that do not parse or use a
 * pseudo-class the selector engine does not support. Empty when all are usable.
 */
export function validateFieldSpecs(fields: Record<string, FieldSpec>): FieldViolation[] {
  const violations: FieldViolation[] = [];
  for (const [name, spec] of Object.entries(fields)) {
    if (typeof spec === 'string') {
      violations.push(...selectorViolations(spec, name));
      continue;
    }
    if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) {
      violations.push({ path: name, message: 'must be a CSS selector or { selector, attr?, all? }' });
      continue;
    }
    const unknown = Object.keys(spec).filter((key) => key !== 'selector' && key !== 'attr' && key !== 'all');
    for (const key of unknown) violations.push({ path: `${name}.${key}`, message: 'unknown property' });
    if (typeof spec.selector !== 'string') violations.push({ path: `${name}.selector`, message: 'must be a CSS selector' });
    else violations.push(...selectorViolations(spec.selector, `${name}.selector`));
    if (spec.attr !== undefined && (typeof spec.attr !== 'string' || spec.attr.trim() === '')) {
      violations.push({ path: `${name}.attr`, message: 'must be a non-empty attribute name' });
    }
    if (spec.all !== undefined && typeof spec.all !== 'boolean') violations.push({ path: `${name}.all`, message: 'must be a boolean' });
  }
  return violations;
}

/** The specs in one shape; throws `CrawlSpecError` listing every violation when any is unusable. */
export function resolveFieldSpecs(fields: Record<string, FieldSpec>): Map<string, ResolvedFieldSpec> {
  const violations = validateFieldSpecs(fields);
  if (violations.length > 0) throw new CrawlSpecError('invalid extraction fields', violations);
  return new Map(
    Object.entries(fields).map(([name, spec]) => [
      name,
      typeof spec === 'string' ? { selector: spec, attr: undefined, all: false } : { selector: spec.selector, attr: spec.attr, all: spec.all ?? false },
    ]),
  );
}

function selectorViolations(selector: string, path: string): FieldViolation[] {
  if (selector.trim() === '') return [{ path, message: 'must be a non-empty CSS selector' }];
  try {
    emptyDocument ??= load('');
    // Selectors are compiled before they are run, so an empty document is enough to find syntax errors.
    emptyDocument.root().find(selector);
    return [];
  } catch (error) {
    return [{ path, message: `invalid CSS selector: ${(error as Error).message}` }];
  }
}
