import { LockLostError } from './lock-errors';
import { LockLease, type LeaseContext } from './lock-lease';
import type { LockLogger } from './lock-logger';
import type { ExtendReply, LockScripts } from './lock-scripts';

const quiet: LockLogger = { warn: () => undefined, error: () => undefined };

/** Stands in for the Redis scripts: each extend() answers what the test queues, or hangs. */
function fakeScripts() {
  const replies: (ExtendReply | Error | 'hang')[] = [];
  const calls = { extend: 0, release: 0 };
  const scripts = {
    extend: jest.fn(async () => {
      calls.extend++;
      const next = replies.shift() ?? 1;
      if (next === 'hang') return new Promise<ExtendReply>(() => undefined);
      if (next instanceof Error) throw next;
      return next;
    }),
    release: jest.fn(async () => {
      calls.release++;
      return true;
    }),
  };
  return { scripts: scripts as unknown as LockScripts, replies, calls };
}

function lease(scripts: LockScripts, ttlMs = 3_000, autoExtend = true, onReleased: (name: string) => void = () => undefined) {
  const context: LeaseContext = { scripts, logger: quiet, metrics: undefined, onReleased };
  return new LockLease({ name: 'job', keys: { lock: 'p:lock:job', state: 'p:lock-state:job' }, token: 't', fence: 7, ttlMs, sentAt: performance.now(), autoExtend }, context);
}

/** Lets pending promise callbacks run between fake-timer steps. */
const flush = async () => {
  for (let i = 0; i < 5; i++) await Promise.resolve();
};

describe('LockLease', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('extends every third of the TTL and stays held while extensions succeed', async () => {
    const { scripts, calls } = fakeScripts();
    const held = lease(scripts, 3_000);
    for (let i = 0; i < 10; i++) {
      await jest.advanceTimersByTimeAsync(1_000);
      await flush();
    }
    expect(calls.extend).toBe(10);
    expect(held.signal.aborted).toBe(false);
    await held.release();
    expect(jest.getTimerCount()).toBe(0);
  });

  it('aborts the signal with LockLostError(taken) when another owner holds the key', async () => {
    const { scripts, replies } = fakeScripts();
    replies.push(-1);
    const held = lease(scripts, 3_000);
    await jest.advanceTimersByTimeAsync(1_000);
    await flush();
    expect(held.signal.aborted).toBe(true);
    expect(held.signal.reason).toBeInstanceOf(LockLostError);
    expect(held.signal.reason).toMatchObject({ reason: 'taken', fence: 7, lockName: 'job' });
    expect(jest.getTimerCount()).toBe(0);
    await expect(held.extend()).rejects.toBe(held.signal.reason);
  });

  it('aborts with reason expired when the key is gone', async () => {
    const { scripts, replies } = fakeScripts();
    replies.push(0);
    const held = lease(scripts);
    await jest.advanceTimersByTimeAsync(1_000);
    await flush();
    expect(held.signal.reason).toMatchObject({ reason: 'expired' });
  });

  it('keeps retrying failed extensions and aborts with lease-elapsed when none succeeded in time', async () => {
    const { scripts, replies, calls } = fakeScripts();
    replies.push(...Array.from({ length: 50 }, () => new Error('connection refused')));
    const held = lease(scripts, 3_000);
    await jest.advanceTimersByTimeAsync(2_900);
    await flush();
    expect(held.signal.aborted).toBe(false);
    expect(calls.extend).toBeGreaterThan(3); // retried sooner than every third of the TTL
    await jest.advanceTimersByTimeAsync(100);
    await flush();
    expect(held.signal.reason).toMatchObject({ reason: 'lease-elapsed' });
    expect(jest.getTimerCount()).toBe(0);
  });

  it('aborts at the deadline even while an extension hangs', async () => {
    const { scripts, replies } = fakeScripts();
    replies.push('hang');
    const held = lease(scripts, 3_000);
    await jest.advanceTimersByTimeAsync(2_960);
    expect(held.signal.aborted).toBe(false);
    await jest.advanceTimersByTimeAsync(40);
    expect(held.signal.reason).toMatchObject({ reason: 'lease-elapsed' });
  });

  it('without auto-extension, loses the lease at the deadline unless extended by hand', async () => {
    const { scripts, calls } = fakeScripts();
    const held = lease(scripts, 3_000, false);
    await jest.advanceTimersByTimeAsync(2_000);
    await held.extend(); // now good for about 3 s more
    await jest.advanceTimersByTimeAsync(2_900);
    expect(held.signal.aborted).toBe(false);
    await jest.advanceTimersByTimeAsync(200);
    expect(held.signal.reason).toMatchObject({ reason: 'lease-elapsed' });
    expect(calls.extend).toBe(1);
  });

  it('stops all timers on release, tells the lock, and answers false to a second release', async () => {
    const { scripts } = fakeScripts();
    const released: string[] = [];
    const held = lease(scripts, 3_000, true, (name) => released.push(name));
    expect(await held.release()).toBe(true);
    expect(released).toEqual(['job']);
    expect(jest.getTimerCount()).toBe(0);
    expect(await held.release()).toBe(false);
    await expect(held.extend()).rejects.toMatchObject({ reason: 'released' });
    expect(held.signal.aborted).toBe(false);
  });

  it('still asks Redis to release a lost lease (the compare-and-delete keeps others safe)', async () => {
    const { scripts, replies, calls } = fakeScripts();
    replies.push(-1);
    const held = lease(scripts);
    await jest.advanceTimersByTimeAsync(1_000);
    await flush();
    await held.release();
    expect(calls.release).toBe(1);
  });
});
