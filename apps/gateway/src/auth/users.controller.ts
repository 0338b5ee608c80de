import { Body, Controller, Get, Inject, Post, Query } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { Accounts, type Principal } from '@sluice/auth';
import { createdAtCursor, parseOrThrow } from '@sluice/contracts';
import { openApiSchema } from '../openapi';
import { ListQuery, page } from '../pagination';
import { Audited } from './audit.interceptor';
import { CurrentPrincipal, RequireRole } from './auth-metadata';
import { CreateUserRequest } from './auth.schemas';
import { userJson } from './views';

@ApiTags('users')
@Controller('v1/users')
@RequireRole('admin')
export class UsersController {
  constructor(@Inject(Accounts) private readonly accounts: Accounts) {}

  @Post()
  @Audited('user.create')
  @ApiOperation({ summary: 'Add a user to the caller\'s organization (admin)' })
  @ApiBody({ schema: openApiSchema(CreateUserRequest) })
  async create(@CurrentPrincipal() principal: Principal, @Body() body: unknown) {
    const { email, password, role } = parseOrThrow(CreateUserRequest, body);
    return userJson(await this.accounts.createUser(principal.tenantId, email, password, role));
  }

  @Get()
  @ApiOperation({ summary: 'Users of the caller\'s organization (admin)' })
  @ApiQuery({ name: 'limit', required: false })
  @ApiQuery({ name: 'cursor', required: false })
  async list(@CurrentPrincipal() principal: Principal, @Query() query: unknown) {
    const { limit, cursor } = parseOrThrow(ListQuery, query);
    const users = await this.accounts.users(principal.tenantId, { limit, after: createdAtCursor.decode(cursor) });
    return page(users, limit, userJson);
  }
}
