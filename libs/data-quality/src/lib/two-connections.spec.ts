import { runOnTwoConnections, type Lease, type Task } from './two-connections';

/** A promise settled from outside, to decide when a connection or a task finishes. */
function deferred<T = void>() {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

/** A lease of `client` that records how it was released. */
function lease(client: string, releases: (Error | undefined | 'released')[]): Lease<string> {
  return { client, release: (error) => releases.push(error ?? 'released') };
}

describe('runOnTwoConnections', () => {
  it('runs the tasks in order on the first connection and, once it arrives, on the second as well', async () => {
    const log: string[] = [];
    const gates = [deferred(), deferred(), deferred()];
    const tasks: Task<string>[] = gates.map((gate, i) => async (client) => {
      log.push(`${i} on ${client}`);
      await gate.promise;
    });
    const second = deferred<Lease<string>>();
    const releases: (Error | undefined | 'released')[] = [];
    const done = runOnTwoConnections(tasks, 'first', () => second.promise);
    await tick();
    expect(log).toEqual(['0 on first']);
    second.resolve(lease('second', releases));
    await tick();
    expect(log).toEqual(['0 on first', '1 on second']);
    gates[1].resolve();
    await tick();
    expect(log).toEqual(['0 on first', '1 on second', '2 on second']);
    gates[2].resolve();
    gates[0].resolve();
    await done;
    expect(releases).toEqual(['released']);
  });

  it('does all the work on the first connection when the pool gives no second one', async () => {
    const ran: string[] = [];
    const never = new Promise<Lease<string>>(() => undefined);
    await runOnTwoConnections(
      [1, 2, 3].map((n) => async (client: string) => void ran.push(`${n} on ${client}`)),
      'first',
      () => never,
    );
    expect(ran).toEqual(['1 on first', '2 on first', '3 on first']);
  });

  it('gives back a second connection that arrives when nothing is left to do', async () => {
    const second = deferred<Lease<string>>();
    const releases: (Error | undefined | 'released')[] = [];
    await runOnTwoConnections([async () => undefined, async () => undefined], 'first', () => second.promise);
    second.resolve(lease('second', releases));
    await tick();
    expect(releases).toEqual(['released']);
  });

  it('starts no task after one failed, waits for the one still running, and throws the failure', async () => {
    const ran: string[] = [];
    const slow = deferred();
    const releases: (Error | undefined | 'released')[] = [];
    const lost = new Error('connection lost');
    const done = runOnTwoConnections<string>(
      [
        async () => {
          ran.push('slow');
          await slow.promise;
        },
        async () => {
          ran.push('failing');
          throw lost;
        },
        async () => void ran.push('never'),
      ],
      'first',
      async () => lease('second', releases),
    );
    const outcome = done.then(
      () => 'resolved',
      (error: Error) => error,
    );
    await tick();
    expect(ran).toEqual(['slow', 'failing']);
    expect(await Promise.race([outcome, tick().then(() => 'still waiting')])).toBe('still waiting');
    slow.resolve();
    expect(await outcome).toBe(lost);
    expect(ran).toEqual(['slow', 'failing']);
    expect(releases).toEqual([lost]);
  });
});
