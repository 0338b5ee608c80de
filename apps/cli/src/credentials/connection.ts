import { ApiClient } from '../api/api-client';
import { ApiKeyAuthenticator } from '../api/authenticator';
import { parseTokenPair } from '../api/token-pair';
import type { CliContext } from '../cli-context';
import { NotLoggedInError, UsageError } from '../errors/cli-errors';
import { CredentialsStore } from './credentials-store';
import { SessionAuthenticator } from './session-authenticator';

/** The gateway of `npm start` on this machine. */
export const DEFAULT_API_URL = 'http://127.0.0.1:8080';

/** `https://host/base/` → `https://host/base`: one spelling per server, so stored credentials match. */
export function normalizeApiUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`not a URL: ${value}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`the API URL must be http or https: ${value}`);
  if (url.username || url.password) throw new UsageError('the API URL must not contain a user name or password');
  url.search = '';
  url.hash = '';
  return url.toString().replace(/\/+$/, '');
}

export function credentialsStoreOf(context: CliContext): CredentialsStore {
  return new CredentialsStore(context.config().configHome);
}

export function userAgentOf(context: CliContext): string {
  return `sluice-cli/${context.version}`;
}

/**
 * An API client with the caller's credentials: SLUICE_API_KEY, else what `sluice login` stored
 * for this URL. Stored credentials are never sent to another URL than the one they were made for.
 */
export async function connect(context: CliContext): Promise<ApiClient> {
  const config = context.config();
  const store = credentialsStoreOf(context);
  // with SLUICE_API_KEY only the stored URL is used, so a damaged file does not matter then
  const stored = await store.read().catch((error: unknown) => {
    if (config.apiKey) return undefined;
    throw error;
  });
  const apiUrl = normalizeApiUrl(config.apiUrl ?? stored?.apiUrl ?? DEFAULT_API_URL);
  const client = new ApiClient(apiUrl, { userAgent: userAgentOf(context) });
  if (config.apiKey) return client.withAuthenticator(new ApiKeyAuthenticator(config.apiKey));
  if (!stored || normalizeApiUrl(stored.apiUrl) !== apiUrl) throw new NotLoggedInError(apiUrl);
  if (stored.apiKey) return client.withAuthenticator(new ApiKeyAuthenticator(stored.apiKey));
  const refresh = async (refreshToken: string) =>
    parseTokenPair((await client.json('POST', '/v1/auth/refresh', { json: { refreshToken }, authenticated: false })).body);
  return client.withAuthenticator(new SessionAuthenticator(store, stored.apiUrl, stored.session!, refresh, context.now));
}
