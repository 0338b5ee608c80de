import { readFile, stat } from 'node:fs/promises';
import { extname } from 'node:path';
import { MAX_DOCUMENT_BYTES, type PipelineContentType } from '@sluice/pipeline-spec';

export interface PipelineSource {
  readonly file: string;
  readonly text: string;
  readonly contentType: PipelineContentType;
}

export type PipelineFileRead = { readonly ok: true; readonly source: PipelineSource } | { readonly ok: false; readonly message: string };

/**
 * Reads a definition file: YAML or JSON by extension (`.yaml`, `.yml`, `.json`), otherwise by its
 * first character. A file over the definition size limit is refused before it is read.
 */
export async function readPipelineFile(file: string): Promise<PipelineFileRead> {
  try {
    const info = await stat(file);
    if (!info.isFile()) return { ok: false, message: 'not a file' };
    if (info.size > MAX_DOCUMENT_BYTES) return { ok: false, message: `document is ${info.size} bytes; the limit is ${MAX_DOCUMENT_BYTES} bytes` };
    const text = (await readFile(file, 'utf8')).replace(/^\uFEFF/, '');
    return { ok: true, source: { file, text, contentType: contentTypeOf(file, text) } };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { ok: false, message: code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : `cannot read: ${(error as Error).message}` };
  }
}

export function contentTypeOf(file: string, text: string): PipelineContentType {
  const extension = extname(file).toLowerCase();
  if (extension === '.json') return 'json';
  if (extension === '.yaml' || extension === '.yml') return 'yaml';
  return /^\s*[{[]/.test(text) ? 'json' : 'yaml';
}

export const MEDIA_TYPES: Readonly<Record<PipelineContentType, string>> = { yaml: 'application/yaml', json: 'application/json' };
