/** Supplies the credential headers of each request. */
export interface Authenticator {
  /** true when a refused request is worth one more try with fresh credentials */
  readonly canRefresh: boolean;
  headers(options?: { forceRefresh?: boolean }): Promise<Readonly<Record<string, string>>>;
}

/** `X-API-Key`: from SLUICE_API_KEY or `sluice login --api-key`. */
export class ApiKeyAuthenticator implements Authenticator {
  readonly canRefresh = false;

  constructor(private readonly apiKey: string) {}

  async headers(): Promise<Readonly<Record<string, string>>> {
    return { 'x-api-key': this.apiKey };
  }
}
