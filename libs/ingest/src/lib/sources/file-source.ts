import { constants } from 'node:fs';
import { open, realpath } from 'node:fs/promises';
import { isAbsolute, join, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { IngestInputError } from '../ingest-errors';

export interface FileSourceOptions {
  /** the operator's directory for ingest files; undefined refuses every file source */
  readonly root: string | undefined;
  readonly tenantId: string;
  /** the step's `source.path`, relative */
  readonly path: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Opens `<root>/<tenant id>/<path>` for reading. Each tenant sees only its own directory; the path
 * is resolved with every symlink followed (realpath) and must still lie inside that directory, so
 * neither `..` nor a symlink can reach another tenant's files or the rest of the machine. The file
 * opened is the resolved one, with O_NOFOLLOW, and must be a regular file.
 */
export async function openFileSource(options: FileSourceOptions): Promise<Readable> {
  if (options.root === undefined) throw new IngestInputError('file sources are not enabled: the operator has not configured an ingest file directory');
  if (!UUID.test(options.tenantId)) throw new TypeError('tenant id must be a UUID');
  if (isAbsolute(options.path) || options.path.includes('\0')) throw new IngestInputError(`file path ${JSON.stringify(options.path)} must be relative`);
  const tenantRoot = await realRoot(join(options.root, options.tenantId.toLowerCase()));
  const requested = resolve(tenantRoot, options.path);
  const target = await realpath(requested).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT' || error.code === 'ENOTDIR') throw new IngestInputError(`file ${options.path} does not exist`);
    throw error;
  });
  if (!target.startsWith(tenantRoot + sep)) throw new IngestInputError(`file ${options.path} is outside the tenant's file directory`);
  const handle = await open(target, constants.O_RDONLY | constants.O_NOFOLLOW);
  try {
    if (!(await handle.stat()).isFile()) throw new IngestInputError(`${options.path} is not a regular file`);
  } catch (error) {
    await handle.close();
    throw error;
  }
  // 64 KiB reads: each chunk's rows are alive while they are loaded, and smaller batches of them leave the
  // garbage collector less to carry over (256 KiB reads made a 1M-row load peak about 80 MB higher).
  return handle.createReadStream({ autoClose: true, highWaterMark: 64 * 1024 });
}

async function realRoot(directory: string): Promise<string> {
  try {
    return await realpath(directory);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new IngestInputError("the tenant's file directory does not exist");
    throw error;
  }
}
