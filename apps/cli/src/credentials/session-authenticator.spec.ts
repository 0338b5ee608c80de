import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TokenPair } from '../api/token-pair';
import { ApiProblemError, CliError, NotLoggedInError } from '../errors/cli-errors';
import type { StoredSession } from './credentials-file';
import { CredentialsStore } from './credentials-store';
import { SessionAuthenticator } from './session-authenticator';

const API_URL = 'http://127.0.0.1:8080';
const NOW = Date.parse('2025-06-01T12:00:00Z');

describe('SessionAuthenticator', () => {
  let home: string;
  let store: CredentialsStore;
  let issued: number;
  let spent: string[];

  /** A stand-in for POST /v1/auth/refresh: each refresh token works once and rotates. */
  const refresh = async (refreshToken: string): Promise<TokenPair> => {
    if (spent.includes(refreshToken)) throw new ApiProblemError({ status: 401, title: 'Unauthorized', errors: [], extensions: {} });
    spent.push(refreshToken);
    await new Promise((resolve) => setTimeout(resolve, 10));
    issued++;
    return { accessToken: `access-${issued}`, refreshToken: `refresh-${issued}`, expiresIn: 900 };
  };

  const session = (overrides: Partial<StoredSession> = {}): StoredSession => ({
    email: 'me@example.org',
    refreshToken: 'refresh-0',
    accessToken: 'access-0',
    accessTokenExpiresAt: new Date(NOW + 600_000).toISOString(),
    ...overrides,
  });

  const authenticator = (s: StoredSession) => new SessionAuthenticator(store, API_URL, s, refresh, () => NOW);

  beforeEach(async () => {
    home = await mkdtemp(join(tmpdir(), 'sluice-cli-'));
    store = new CredentialsStore(home, { waitMs: 10_000, staleMs: 60_000, pollMs: 5 });
    issued = 0;
    spent = [];
  });
  afterEach(() => rm(home, { recursive: true, force: true }));

  it('uses a stored access token while it is valid, without refreshing', async () => {
    await store.write({ apiUrl: API_URL, session: session() });
    expect(await authenticator(session()).headers()).toEqual({ authorization: 'Bearer access-0' });
    expect(issued).toBe(0);
  });

  it('refreshes an expired access token and stores the rotated refresh token', async () => {
    const expired = session({ accessTokenExpiresAt: new Date(NOW - 1).toISOString() });
    await store.write({ apiUrl: API_URL, session: expired });
    expect(await authenticator(expired).headers()).toEqual({ authorization: 'Bearer access-1' });
    expect(await store.read()).toEqual({
      apiUrl: API_URL,
      session: { email: 'me@example.org', refreshToken: 'refresh-1', accessToken: 'access-1', accessTokenExpiresAt: new Date(NOW + 900_000).toISOString() },
    });
  });

  it('refreshes a token that is about to expire, before it expires in flight', async () => {
    const almost = session({ accessTokenExpiresAt: new Date(NOW + 5_000).toISOString() });
    await store.write({ apiUrl: API_URL, session: almost });
    expect(await authenticator(almost).headers()).toEqual({ authorization: 'Bearer access-1' });
  });

  it('spends a refresh token once when several sluice processes refresh at the same moment', async () => {
    const expired = session({ accessToken: undefined, accessTokenExpiresAt: undefined });
    await store.write({ apiUrl: API_URL, session: expired });
    // separate authenticators stand for separate processes: they share only the file
    const headers = await Promise.all(Array.from({ length: 4 }, () => authenticator(expired).headers()));
    expect(spent).toEqual(['refresh-0']);
    expect(new Set(headers.map((h) => h.authorization))).toEqual(new Set(['Bearer access-1']));
  });

  it('refreshes when the server refused the access token, even if it looked valid', async () => {
    await store.write({ apiUrl: API_URL, session: session() });
    const auth = authenticator(session());
    expect(await auth.headers({ forceRefresh: true })).toEqual({ authorization: 'Bearer access-1' });
    expect(await auth.headers()).toEqual({ authorization: 'Bearer access-1' });
    expect(issued).toBe(1);
  });

  it('says to log in again when the refresh token is refused', async () => {
    spent.push('refresh-0');
    const expired = session({ accessTokenExpiresAt: new Date(NOW - 1).toISOString() });
    await store.write({ apiUrl: API_URL, session: expired });
    const error = await authenticator(expired).headers().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).message).toBe('the session has expired or was revoked');
  });

  it('stops when the stored session was replaced by a login elsewhere', async () => {
    await store.write({ apiUrl: 'https://other.example.org', apiKey: 'slk_x' });
    const expired = session({ accessTokenExpiresAt: new Date(NOW - 1).toISOString() });
    await expect(authenticator(expired).headers()).rejects.toBeInstanceOf(NotLoggedInError);
    expect(issued).toBe(0);
  });
});
