import { Option, type Command } from 'commander';
import { z } from 'zod';
import { ApiClient } from '../api/api-client';
import { parseTokenPair } from '../api/token-pair';
import type { CliContext } from '../cli-context';
import { credentialsStoreOf, DEFAULT_API_URL, normalizeApiUrl, userAgentOf } from '../credentials/connection';
import type { StoredCredentials } from '../credentials/credentials-file';
import { UsageError } from '../errors/cli-errors';
import { printable } from '../terminal/printable';
import { promptPassword, readPasswordFromStdin } from './password-input';

interface LoginOptions {
  apiUrl?: string;
  apiKey?: string;
  email?: string;
  passwordStdin?: boolean;
}

/** `GET /v1/me` (API.md); read loosely, it is only shown. */
const Me = z.looseObject({
  user: z.looseObject({ email: z.string().optional() }).nullish(),
  apiKey: z.looseObject({ id: z.string() }).optional(),
  organization: z.looseObject({ name: z.string().optional() }).nullish(),
  role: z.string().optional(),
});

export function registerLoginCommand(program: Command, context: CliContext): void {
  program
    .command('login')
    .description('store the API URL and credentials (an API key, or a session from e-mail and password)')
    .option('--api-url <url>', `the gateway (default: SLUICE_API_URL, else the stored one, else ${DEFAULT_API_URL})`)
    .addOption(new Option('--api-key <key>', 'log in with an API key').conflicts(['email', 'passwordStdin']))
    .option('--email <address>', 'log in as a user; the password is asked for without echo')
    .option('--password-stdin', 'read the password from standard input instead of asking')
    .action(async (options: LoginOptions) => {
      if (!options.apiKey && !options.email) throw new UsageError('give --api-key <key> or --email <address>');
      if (options.passwordStdin && !options.email) throw new UsageError('--password-stdin needs --email');
      const store = credentialsStoreOf(context);
      const apiUrl = normalizeApiUrl(options.apiUrl ?? context.config().apiUrl ?? (await store.read().catch(() => undefined))?.apiUrl ?? DEFAULT_API_URL);
      const client = new ApiClient(apiUrl, { userAgent: userAgentOf(context) });
      const { credentials, headers } = options.apiKey ? apiKeyLogin(apiUrl, options.apiKey) : await passwordLogin(client, context, options, apiUrl);
      const me = Me.parse((await client.json('GET', '/v1/me', { headers, authenticated: false })).body);
      await store.write(credentials);
      context.stdout.write(`logged in to ${apiUrl} as ${describe(me, options.email)}\n`);
    });
}

function apiKeyLogin(apiUrl: string, apiKey: string): { credentials: StoredCredentials; headers: Readonly<Record<string, string>> } {
  return { credentials: { apiUrl, apiKey }, headers: { 'x-api-key': apiKey } };
}

async function passwordLogin(client: ApiClient, context: CliContext, options: LoginOptions, apiUrl: string) {
  const email = options.email!;
  const password = options.passwordStdin ? await readPasswordFromStdin(context.stdin) : await promptPassword(context.stdin, context.stderr);
  const pair = parseTokenPair((await client.json('POST', '/v1/auth/login', { json: { email, password }, authenticated: false })).body);
  const credentials: StoredCredentials = {
    apiUrl,
    session: {
      email,
      refreshToken: pair.refreshToken,
      accessToken: pair.accessToken,
      accessTokenExpiresAt: new Date(context.now() + pair.expiresIn * 1000).toISOString(),
    },
  };
  return { credentials, headers: { authorization: `Bearer ${pair.accessToken}` } };
}

function describe(me: z.infer<typeof Me>, email: string | undefined): string {
  const who = me.user?.email ?? (me.apiKey ? `API key ${me.apiKey.id}` : (email ?? 'an API key'));
  const where = [me.organization?.name, me.role].filter((s): s is string => Boolean(s)).map((s) => printable(s, 100));
  return where.length ? `${printable(who, 200)} (${where.join(', ')})` : printable(who, 200);
}
