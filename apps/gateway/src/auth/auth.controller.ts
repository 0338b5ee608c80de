import { Body, Controller, Get, HttpCode, Inject, Post } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Accounts, Sessions, type Principal, type RequestMeta } from '@sluice/auth';
import { parseOrThrow } from '@sluice/contracts';
import { LoginThrottle } from '../limits/login-throttle';
import { openApiSchema } from '../openapi';
import { CurrentPrincipal, Public, RequestMetaOf } from './auth-metadata';
import { LoginRequest, LogoutRequest, RefreshRequest, SignupRequest } from './auth.schemas';
import { userJson } from './views';

@ApiTags('auth')
@Controller('v1')
export class AuthController {
  constructor(
    @Inject(Sessions) private readonly sessions: Sessions,
    @Inject(Accounts) private readonly accounts: Accounts,
    @Inject(LoginThrottle) private readonly loginThrottle: LoginThrottle,
  ) {}

  @Public()
  @Post('auth/signup')
  @ApiOperation({ summary: 'Create an organization (tenant) and its first user, an admin' })
  @ApiBody({ schema: openApiSchema(SignupRequest) })
  async signup(@Body() body: unknown, @RequestMetaOf() meta: RequestMeta) {
    const { email, password, organization } = parseOrThrow(SignupRequest, body);
    const result = await this.sessions.signup(email, password, organization, meta);
    return {
      user: userJson(result.user),
      organization: { id: result.organization.id, name: result.organization.name, createdAt: result.organization.createdAt.toISOString() },
      accessToken: result.accessToken,
      refreshToken: result.refreshToken,
      expiresIn: result.expiresIn,
    };
  }

  @Public()
  @Post('auth/login')
  @HttpCode(200)
  @ApiOperation({ summary: 'Exchange email and password for an access and a refresh token' })
  @ApiBody({ schema: openApiSchema(LoginRequest) })
  async login(@Body() body: unknown, @RequestMetaOf() meta: RequestMeta) {
    const { email, password } = parseOrThrow(LoginRequest, body);
    await this.loginThrottle.check(email, meta.ip);
    return this.sessions.login(email, password, meta);
  }

  @Public()
  @Post('auth/refresh')
  @HttpCode(200)
  @ApiOperation({ summary: 'Rotate a refresh token; a reused one revokes its whole family' })
  @ApiBody({ schema: openApiSchema(RefreshRequest) })
  refresh(@Body() body: unknown, @RequestMetaOf() meta: RequestMeta) {
    return this.sessions.refresh(parseOrThrow(RefreshRequest, body).refreshToken, meta);
  }

  @Public()
  @Post('auth/logout')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke the refresh token and its family' })
  @ApiBody({ schema: openApiSchema(LogoutRequest) })
  async logout(@Body() body: unknown, @RequestMetaOf() meta: RequestMeta) {
    await this.sessions.logout(parseOrThrow(LogoutRequest, body).refreshToken, meta);
  }

  @Get('me')
  @ApiOperation({ summary: 'The caller, its organization and role' })
  async me(@CurrentPrincipal() principal: Principal) {
    const [organization, user] = await Promise.all([
      this.accounts.organization(principal.tenantId),
      principal.kind === 'user' ? this.accounts.user(principal.tenantId, principal.id).then(userJson) : null,
    ]);
    return {
      user,
      ...(principal.kind === 'api_key' ? { apiKey: { id: principal.id } } : {}),
      organization: { id: organization.id, name: organization.name, createdAt: organization.createdAt.toISOString() },
      role: principal.role,
    };
  }
}
