import { createdAtCursor, InvalidArgumentError, NotFoundError } from '@sluice/contracts';
import { definitionHash, parsePipeline, type PipelineContentType, type PipelineParseResult } from '@sluice/pipeline-spec';
import type { PipelineListEntry, PipelineRepository, StoredPipeline } from './pipeline.repository';

const CONTENT_TYPES: readonly PipelineContentType[] = ['yaml', 'json'];

function contentTypeOf(value: string): PipelineContentType {
  if ((CONTENT_TYPES as readonly string[]).includes(value)) return value as PipelineContentType;
  throw new InvalidArgumentError('invalid request', [{ path: 'contentType', message: 'must be "yaml" or "json"' }]);
}

/** Pipeline definitions of a tenant: validation, versioned storage, lookup. */
export class PipelineCatalog {
  constructor(private readonly pipelines: PipelineRepository) {}

  validate(text: string, contentType: string): Promise<PipelineParseResult> {
    return parsePipeline(text, contentTypeOf(contentType));
  }

  /**
   * Stores a definition whose name equals `name`; a new version only when it differs from the
   * latest. A bad definition is an InvalidArgumentError listing every problem with its path, and
   * nothing is stored.
   */
  async put(tenantId: string, name: string, text: string, contentType: string, createdBy: string | undefined): Promise<{ name: string; version: number; created: boolean }> {
    const result = await this.validate(text, contentType);
    if (!result.valid) throw new InvalidArgumentError('invalid pipeline definition', result.errors);
    if (result.pipeline.name !== name) {
      throw new InvalidArgumentError('invalid pipeline definition', [{ path: 'name', message: `must equal the name in the URL ("${name}")` }]);
    }
    const stored = await this.pipelines.put(tenantId, result.pipeline, definitionHash(result.pipeline), createdBy);
    return { name, ...stored };
  }

  async get(tenantId: string, name: string, version?: number): Promise<StoredPipeline> {
    const stored = await this.pipelines.find(tenantId, name, version);
    if (!stored) throw new NotFoundError(version ? `pipeline "${name}" version ${version}` : `pipeline "${name}"`);
    return stored;
  }

  /**
   * One page of the tenant's pipelines (their latest versions), the most recently created first,
   * and the cursor of the next page ('' after the last). A cursor this API did not make is an
   * InvalidArgumentError naming `cursor`.
   */
  async list(tenantId: string, limit: number, cursor: string): Promise<{ pipelines: PipelineListEntry[]; nextCursor: string }> {
    const pipelines = await this.pipelines.listLatest(tenantId, limit, createdAtCursor.decode(cursor));
    return { pipelines, nextCursor: createdAtCursor.next(pipelines.map((p) => p.position), limit) ?? '' };
  }
}
