import { randomBytes } from 'node:crypto';
import { getJson } from './platform';

export interface Session {
  readonly accessToken: string;
  readonly refreshToken: string;
  readonly user: { id: string; email: string; role: string };
  readonly organization: { id: string; name: string };
}

export type Credentials = { token: string } | { apiKey: string } | undefined;

/** A small REST client for the gateway under test. */
export class ApiClient {
  constructor(private readonly baseUrl: string) {}

  request<T = Record<string, unknown>>(method: string, path: string, options: { auth?: Credentials; body?: unknown; headers?: Record<string, string> } = {}) {
    const headers: Record<string, string> = { ...options.headers };
    if (options.auth && 'token' in options.auth) headers.authorization = `Bearer ${options.auth.token}`;
    if (options.auth && 'apiKey' in options.auth) headers['x-api-key'] = options.auth.apiKey;
    if (options.body !== undefined) headers['content-type'] ??= 'application/json';
    return getJson<T>(`${this.baseUrl}${path}`, {
      method,
      headers,
      body: options.body === undefined ? undefined : typeof options.body === 'string' ? options.body : JSON.stringify(options.body),
    });
  }

  /** A new tenant with its admin user, signed in. */
  async signup(label = 'org'): Promise<Session> {
    const email = `${label}-${randomBytes(4).toString('hex')}@example.org`;
    const res = await this.request<Session>('POST', '/v1/auth/signup', { body: { email, password: 'correct horse battery staple', organization: label } });
    if (res.status !== 201) throw new Error(`signup failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }
}
