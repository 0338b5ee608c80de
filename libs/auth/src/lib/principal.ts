export type Role = 'admin' | 'member';

/** Who is calling: a user through an access token, or an API key. */
export interface Principal {
  readonly kind: 'user' | 'api_key';
  /** user id or API key id */
  readonly id: string;
  readonly tenantId: string;
  readonly role: Role;
}
