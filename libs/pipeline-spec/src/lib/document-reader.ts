import { parseDocument } from 'yaml';

export type PipelineContentType = 'yaml' | 'json';

/** Largest definition accepted, in UTF-8 bytes; checked before any parsing. */
export const MAX_DOCUMENT_BYTES = 256 * 1024;
/** Values in the parsed document, counting each use of a YAML alias again. */
export const MAX_DOCUMENT_NODES = 50_000;
export const MAX_DOCUMENT_DEPTH = 32;
/** yaml's bound on alias expansion (uses of an anchor times the aliases inside it). */
export const MAX_YAML_ALIAS_COUNT = 100;

export type DocumentRead = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly message: string };

/** Turns YAML or JSON text into a plain value, refusing oversized, hostile or malformed documents. */
export function readDocument(text: string, contentType: PipelineContentType): DocumentRead {
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_DOCUMENT_BYTES) {
    return { ok: false, message: `document is ${bytes} bytes; the limit is ${MAX_DOCUMENT_BYTES} bytes` };
  }
  let read: DocumentRead;
  try {
    read = contentType === 'yaml' ? readYaml(text) : readJson(text);
  } catch (error) {
    // Deeply nested flow collections can exhaust the parser's stack before any limit of ours applies.
    if (error instanceof RangeError) return { ok: false, message: 'document is nested too deeply' };
    throw error;
  }
  if (!read.ok) return read;
  const sizeProblem = valueSizeProblem(read.value);
  return sizeProblem === undefined ? read : { ok: false, message: sizeProblem };
}

function readJson(text: string): DocumentRead {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    if (error instanceof SyntaxError) return { ok: false, message: `invalid JSON: ${error.message}` };
    throw error;
  }
}

function readYaml(text: string): DocumentRead {
  const document = parseDocument(text, {
    version: '1.2',
    schema: 'core',
    merge: false,
    uniqueKeys: true,
    strict: true,
    prettyErrors: true,
    stringKeys: true,
  });
  const problem = document.errors[0] ?? document.warnings[0];
  if (problem !== undefined) return { ok: false, message: `invalid YAML: ${firstLine(problem.message)}` };
  try {
    return { ok: true, value: document.toJS({ maxAliasCount: MAX_YAML_ALIAS_COUNT }) as unknown };
  } catch (error) {
    if (error instanceof ReferenceError) return { ok: false, message: `invalid YAML: ${error.message}` };
    throw error;
  }
}

/**
 * Walks the value as a consumer would (YAML aliases share objects, so a small document can stand
 * for a huge tree) and stops at the first limit crossed.
 */
function valueSizeProblem(root: unknown): string | undefined {
  const pending: { value: unknown; depth: number }[] = [{ value: root, depth: 0 }];
  let nodes = 0;
  while (pending.length > 0) {
    const { value, depth } = pending.pop() as { value: unknown; depth: number };
    if (++nodes > MAX_DOCUMENT_NODES) return `document has more than ${MAX_DOCUMENT_NODES} values`;
    if (depth > MAX_DOCUMENT_DEPTH) return `document is nested more than ${MAX_DOCUMENT_DEPTH} levels deep`;
    if (value !== null && typeof value === 'object') {
      for (const child of Object.values(value)) pending.push({ value: child, depth: depth + 1 });
    }
  }
  return undefined;
}

function firstLine(message: string): string {
  const [line] = message.split('\n');
  return line;
}
