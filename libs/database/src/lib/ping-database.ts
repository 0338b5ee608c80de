/** The part of a Prisma client a ping needs, so health checks and tests can pass anything that answers SQL. */
export interface DatabasePingable {
  $queryRaw(query: TemplateStringsArray, ...values: unknown[]): PromiseLike<unknown>;
}

export class DatabasePingTimeoutError extends Error {
  override readonly name = 'DatabasePingTimeoutError';
  constructor(readonly timeoutMs: number) {
    super(`database did not answer SELECT 1 within ${timeoutMs} ms`);
  }
}

/**
 * Resolves when the database answers `SELECT 1`, rejects with its error or, after `timeoutMs`, with
 * DatabasePingTimeoutError, so a hung connection cannot hang a readiness probe. The query itself is
 * not cancelled; it ends with its connection.
 */
export async function pingDatabase(client: DatabasePingable, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DatabasePingTimeoutError(timeoutMs)), timeoutMs);
  });
  try {
    await Promise.race([client.$queryRaw`SELECT 1`, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
