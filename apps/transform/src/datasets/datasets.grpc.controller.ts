import type { Metadata } from '@grpc/grpc-js';
import { Controller, Inject } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import { parseOrThrow, toTimestamp, type transformV1 } from '@sluice/contracts';
import { readCallContext } from '@sluice/grpc';
import { DatasetsRepository, type TableVersion } from '@sluice/transform';
import { z } from 'zod';

const ListLimit = z.int().min(0).max(500).transform((n) => n || 50);
const Cursor = z.string().max(200);

const toDataset = (version: TableVersion): transformV1.Dataset => ({
  table: version.tableName,
  version: version.version,
  rows: String(version.rows),
  updatedAt: toTimestamp(version.createdAt),
  runId: version.runId,
  pipeline: version.pipeline,
});

/** The datasets RPCs of TransformService; every call is scoped to the caller's tenant. */
@Controller()
export class DatasetsGrpcController implements Pick<transformV1.TransformServiceController, 'listDatasets' | 'listDatasetRows'> {
  constructor(@Inject(DatasetsRepository) private readonly datasets: DatasetsRepository) {}

  @GrpcMethod('TransformService')
  async listDatasets(request: transformV1.ListDatasetsRequest, metadata: Metadata): Promise<transformV1.ListDatasetsResponse> {
    const { tenantId } = readCallContext(metadata);
    const page = await this.datasets.list(tenantId, parseOrThrow(ListLimit, request.limit, 'limit'), parseOrThrow(Cursor, request.cursor, 'cursor'));
    return { datasets: page.items.map(toDataset), nextCursor: page.nextCursor };
  }

  @GrpcMethod('TransformService')
  async listDatasetRows(request: transformV1.ListDatasetRowsRequest, metadata: Metadata): Promise<transformV1.ListDatasetRowsResponse> {
    const { tenantId } = readCallContext(metadata);
    const limit = parseOrThrow(ListLimit, request.limit, 'limit');
    const page = await this.datasets.rows(tenantId, request.table, limit, parseOrThrow(Cursor, request.cursor, 'cursor'));
    return { rows: page.items, nextCursor: page.nextCursor, version: page.version };
  }
}
