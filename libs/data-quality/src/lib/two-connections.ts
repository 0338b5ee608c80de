/** A connection borrowed from a pool; `release(error)` when it failed mid-statement and must not be reused. */
export interface Lease<C> {
  readonly client: C;
  release(error?: Error): void;
}

export type Task<C> = (client: C) => Promise<void>;

/**
 * Runs `tasks`, in order, each on one connection: `first`, and also a second one from `another()`
 * once it arrives, if tasks are still waiting by then. With a spare connection two statements run
 * at a time; without one the tasks only take longer, since nothing waits for a connection that may
 * not come (a pool whose every connection is held by steps like this one would otherwise never
 * give one). After a task fails no further task starts; the first failure is thrown once neither
 * connection is still in use.
 */
export async function runOnTwoConnections<C>(tasks: readonly Task<C>[], first: C, another: () => Promise<Lease<C>>): Promise<void> {
  const waiting = [...tasks];
  let failed = false;
  const lane = async (client: C) => {
    for (let task = waiting.shift(); task !== undefined && !failed; task = waiting.shift()) {
      try {
        await task(client);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };

  let helper: Promise<PromiseSettledResult<void>> | undefined;
  if (waiting.length > 1) {
    another().then(
      (lease) => {
        if (waiting.length === 0 || failed) return lease.release();
        helper = settled(
          lane(lease.client).then(
            () => lease.release(),
            (error: Error) => {
              lease.release(error);
              throw error;
            },
          ),
        );
      },
      () => undefined, // no second connection: the first does all the work
    );
  }

  const outcomes = [await settled(lane(first))];
  if (helper) outcomes.push(await helper);
  const failure = outcomes.find((outcome) => outcome.status === 'rejected');
  if (failure) throw failure.reason;
}

const settled = (promise: Promise<void>) => Promise.allSettled([promise]).then(([outcome]) => outcome);
