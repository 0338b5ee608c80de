import { parsePipeline, ROOT_PATH } from '@sluice/pipeline-spec';
import { readPipelineFile } from './pipeline-file';

export interface FileViolation {
  readonly path: string;
  readonly message: string;
}

export interface FileValidation {
  readonly file: string;
  readonly valid: boolean;
  readonly errors: readonly FileViolation[];
}

/** Validates definition files offline with the same rules as the server (`@sluice/pipeline-spec`). */
export async function validateFiles(files: readonly string[]): Promise<FileValidation[]> {
  const results: FileValidation[] = [];
  for (const file of files) {
    const read = await readPipelineFile(file);
    if (!read.ok) {
      results.push({ file, valid: false, errors: [{ path: ROOT_PATH, message: read.message }] });
      continue;
    }
    const parsed = await parsePipeline(read.source.text, read.source.contentType);
    results.push({ file, valid: parsed.valid, errors: parsed.valid ? [] : parsed.errors.map((e) => ({ path: e.path, message: e.message })) });
  }
  return results;
}

/** `file: path: message` per error (the format editors and pre-commit understand), `file: valid` otherwise. */
export function formatValidation(results: readonly FileValidation[]): string[] {
  return results.flatMap((r) => (r.valid ? [`${r.file}: valid`] : r.errors.map((e) => `${r.file}: ${e.path}: ${e.message}`)));
}
