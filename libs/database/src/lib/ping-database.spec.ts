import { DatabasePingTimeoutError, pingDatabase, type DatabasePingable } from './ping-database';

const answering: DatabasePingable = { $queryRaw: async () => [{ '?column?': 1 }] };
const hanging: DatabasePingable = { $queryRaw: () => new Promise(() => undefined) };
const failing: DatabasePingable = {
  $queryRaw: async () => {
    throw new Error('connection refused');
  },
};

describe('pingDatabase', () => {
  it('resolves when the database answers', async () => {
    await expect(pingDatabase(answering, 100)).resolves.toBeUndefined();
  });

  it('gives up on a hung database at its time limit', async () => {
    const started = Date.now();
    await expect(pingDatabase(hanging, 30)).rejects.toBeInstanceOf(DatabasePingTimeoutError);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('passes the database error through', async () => {
    await expect(pingDatabase(failing, 100)).rejects.toThrow('connection refused');
  });

  it('sends SELECT 1', async () => {
    let sql = '';
    await pingDatabase({ $queryRaw: async (query: TemplateStringsArray) => (sql = query.join('?')) }, 100);
    expect(sql).toBe('SELECT 1');
  });
});
