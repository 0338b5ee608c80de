import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { ApiKeys, type Principal } from '@sluice/auth';
import { createdAtCursor, parseOrThrow, SluiceError } from '@sluice/contracts';
import type { ServiceConfig } from '@sluice/config';
import { SERVICE_CONFIG } from '@sluice/runtime';
import { openApiSchema } from '../openapi';
import { ListQuery, page } from '../pagination';
import { Audited } from './audit.interceptor';
import { CurrentPrincipal } from './auth-metadata';
import { CreateApiKeyRequest, Id, RotateApiKeyRequest } from './auth.schemas';
import { apiKeyJson } from './views';

@ApiTags('api-keys')
@Controller('v1/api-keys')
export class ApiKeysController {
  constructor(
    @Inject(ApiKeys) private readonly apiKeys: ApiKeys,
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
  ) {}

  @Post()
  @Audited('api_key.create')
  @ApiOperation({ summary: 'Create an API key; the key is shown only in this response' })
  @ApiBody({ schema: openApiSchema(CreateApiKeyRequest) })
  async create(@CurrentPrincipal() principal: Principal, @Body() body: unknown) {
    const { name, role } = parseOrThrow(CreateApiKeyRequest, body);
    // A key never gets more power than its creator.
    if (role === 'admin' && principal.role !== 'admin') throw new SluiceError('PERMISSION_DENIED', 'only admins can create admin keys');
    const created = await this.apiKeys.create(principal.tenantId, creator(principal), name, role ?? 'member');
    return { ...apiKeyJson(created), key: created.key };
  }

  @Get()
  @ApiOperation({ summary: 'API keys of the caller\'s organization, without secrets' })
  @ApiQuery({ name: 'limit', required: false })
  @ApiQuery({ name: 'cursor', required: false })
  async list(@CurrentPrincipal() principal: Principal, @Query() query: unknown) {
    const { limit, cursor } = parseOrThrow(ListQuery, query);
    const keys = await this.apiKeys.list(principal.tenantId, { limit, after: createdAtCursor.decode(cursor) });
    return page(keys, limit, apiKeyJson);
  }

  @Delete(':id')
  @HttpCode(204)
  @Audited('api_key.delete')
  @ApiOperation({ summary: 'Delete an API key; it stops working at once' })
  async remove(@CurrentPrincipal() principal: Principal, @Param('id') id: string) {
    await this.apiKeys.delete(principal.tenantId, parseOrThrow(Id, id, 'id'));
  }

  @Post(':id/rotate')
  @Audited('api_key.rotate')
  @ApiOperation({ summary: 'A new key; the old one keeps working for the grace period (default 7 days)' })
  @ApiBody({ schema: openApiSchema(RotateApiKeyRequest), required: false })
  async rotate(@CurrentPrincipal() principal: Principal, @Param('id') id: string, @Body() body: unknown) {
    const { gracePeriodSeconds } = parseOrThrow(RotateApiKeyRequest, body ?? {});
    const grace = gracePeriodSeconds ?? this.config.auth!.apiKeyRotationGraceSeconds;
    const created = await this.apiKeys.rotate(principal.tenantId, parseOrThrow(Id, id, 'id'), creator(principal), grace);
    return { ...apiKeyJson(created), key: created.key };
  }
}

const creator = (principal: Principal) => (principal.kind === 'user' ? principal.id : undefined);
