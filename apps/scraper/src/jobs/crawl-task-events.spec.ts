import { CrawlTaskEvents } from './crawl-task-events';

const task = { taskId: '6f1c1f43-5d7e-4c55-9d0b-4f3a1f0c2b11', tenantId: '0b6b1c8e-2a57-4f8e-9a55-5d7f6b1f8a21' };
const counts = { queued: 0, done: 1, failed: 0, skipped: 0, total: 1 };
type Emitter = ConstructorParameters<typeof CrawlTaskEvents>[0];

/** An emitter whose publishes stay pending until the test settles them; records what was published, in order. */
function pendingEmitter() {
  const published: string[] = [];
  const pending = new Map<string, { resolve: () => void; reject: (error: Error) => void }>();
  const publish = (type: string) => {
    published.push(type);
    return new Promise<void>((resolve, reject) => pending.set(type, { resolve, reject }));
  };
  const emitter = {
    started: () => publish('started'),
    progress: () => publish('progress'),
    succeeded: () => publish('succeeded'),
    failed: () => publish('failed'),
  };
  const settle = (type: string, error?: Error) => {
    const p = pending.get(type);
    if (!p) throw new Error(`${type} was not published`);
    if (error) p.reject(error);
    else p.resolve();
  };
  return { emitter, published, settle };
}

/** Lets every promise callback that can run, run. */
const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('CrawlTaskEvents', () => {
  it('lets the crawl go on while `started` is being stored, and holds later events until it is', async () => {
    const { emitter, published, settle } = pendingEmitter();
    const events = new CrawlTaskEvents(emitter as unknown as Emitter, task);

    events.start();
    expect(published).toEqual(['started']);

    const progress = events.progress(counts);
    await flush();
    expect(published).toEqual(['started']);

    settle('started');
    await flush();
    expect(published).toEqual(['started', 'progress']);
    settle('progress');
    await progress;
  });

  it('publishes `started` before `succeeded` when a redelivered job finds its crawl already finished', async () => {
    const { emitter, published, settle } = pendingEmitter();
    const events = new CrawlTaskEvents(emitter as unknown as Emitter, task);

    const done = events.succeeded(counts);
    for (const type of ['started', 'progress', 'succeeded']) {
      await flush();
      settle(type);
    }
    await done;
    expect(published).toEqual(['started', 'progress', 'succeeded']);
  });

  it('fails the next event and publishes nothing after when `started` could not be stored', async () => {
    const { emitter, published, settle } = pendingEmitter();
    const events = new CrawlTaskEvents(emitter as unknown as Emitter, task);

    events.start();
    settle('started', new Error('no stream'));
    await expect(events.succeeded(counts)).rejects.toThrow('no stream');
    await expect(events.failed('boom')).rejects.toThrow('no stream');
    expect(published).toEqual(['started']);
  });

  it('fails a task that never started without publishing `started`', async () => {
    const { emitter, published, settle } = pendingEmitter();
    const events = new CrawlTaskEvents(emitter as unknown as Emitter, task);

    const failed = events.failed('invalid scrape job');
    await flush();
    settle('failed');
    await failed;
    expect(published).toEqual(['failed']);
  });

  it('publishes `started` once however many events follow', async () => {
    const { emitter, published, settle } = pendingEmitter();
    const events = new CrawlTaskEvents(emitter as unknown as Emitter, task);

    events.start();
    settle('started');
    const first = events.progress(counts);
    await flush();
    settle('progress');
    await first;
    const done = events.succeeded(counts);
    await flush();
    settle('progress');
    await flush();
    settle('succeeded');
    await done;
    expect(published).toEqual(['started', 'progress', 'progress', 'succeeded']);
  });
});
