import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Principal } from '@sluice/auth';
import { parseOrThrow } from '@sluice/contracts';
import { z } from 'zod';
import { CurrentPrincipal } from '../auth/auth-metadata';
import { ListQuery } from '../pagination';
import { UpstreamCaller } from '../upstream/upstream-caller';
import { toDatasetView } from './dataset-view';

/** Target table names are SQL identifiers (API.md, Pipelines). */
const TableName = z.string().regex(/^[a-z][a-z0-9_]{0,62}$/, 'must be a table name: 1-63 characters a-z, 0-9 and _, starting with a letter');

@ApiTags('datasets')
@Controller('v1/datasets')
export class DatasetsController {
  constructor(@Inject(UpstreamCaller) private readonly upstream: UpstreamCaller) {}

  @Get()
  @ApiOperation({ summary: 'The tenant\'s datasets: the latest version of each table its transforms wrote, by table name' })
  @ApiQuery({ name: 'limit', required: false })
  @ApiQuery({ name: 'cursor', required: false })
  @ApiResponse({ status: 200, description: '{ items: [{ table, version, rows, updatedAt, runId, pipeline }], nextCursor }' })
  async list(@CurrentPrincipal() principal: Principal, @Query() query: unknown) {
    const { limit, cursor } = parseOrThrow(ListQuery, query);
    const reply = await this.upstream.call('transform', principal, (transform, metadata) => transform.listDatasets({ limit, cursor: cursor ?? '' }, metadata));
    return { items: reply.datasets.map(toDatasetView), nextCursor: reply.nextCursor || null };
  }

  @Get(':table/rows')
  @ApiOperation({ summary: 'A page of a dataset\'s rows, each a JSON object; a cursor stops working once the dataset has a newer version' })
  @ApiParam({ name: 'table' })
  @ApiQuery({ name: 'limit', required: false })
  @ApiQuery({ name: 'cursor', required: false })
  @ApiResponse({ status: 200, description: '{ items: [row], nextCursor }' })
  @ApiResponse({ status: 404, description: 'no such dataset for this tenant' })
  async rows(@CurrentPrincipal() principal: Principal, @Param('table') table: string, @Query() query: unknown) {
    const name = parseOrThrow(TableName, table, 'table');
    const { limit, cursor } = parseOrThrow(ListQuery, query);
    const reply = await this.upstream.call('transform', principal, (transform, metadata) =>
      transform.listDatasetRows({ table: name, limit, cursor: cursor ?? '' }, metadata),
    );
    return { items: reply.rows, nextCursor: reply.nextCursor || null };
  }
}
