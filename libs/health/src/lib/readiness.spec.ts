import { runCheck, type DependencyCheck } from './dependency-check';
import { Readiness, type ReadinessReport } from './readiness';

const ok = (name: string): DependencyCheck => ({ name, check: async () => undefined });
const failing = (name: string, message: string): DependencyCheck => ({
  name,
  check: async () => {
    throw new Error(message);
  },
});
const hanging = (name: string): DependencyCheck => ({
  name,
  check: (signal) => new Promise((_, reject) => signal.addEventListener('abort', () => reject(new Error('aborted')))),
});

describe('runCheck', () => {
  it('fails a hung check at its time limit and aborts it', async () => {
    let aborted = false;
    const check: DependencyCheck = {
      name: 'slow',
      check: (signal) =>
        new Promise(() => {
          signal.addEventListener('abort', () => (aborted = true));
        }),
    };
    const result = await runCheck(check, 30);
    expect(result).toMatchObject({ ok: false, error: 'no answer within 30 ms' });
    expect(aborted).toBe(true);
  });

  it('reports the error of a failing check', async () => {
    expect(await runCheck(failing('redis', 'ECONNREFUSED'), 1000)).toMatchObject({ ok: false, error: 'ECONNREFUSED' });
  });
});

describe('Readiness', () => {
  it('is ready only when every check passes', async () => {
    const readiness = new Readiness(100);
    readiness.add(ok('postgres'));
    readiness.add(hanging('redis'));
    const report = await readiness.evaluate();
    expect(report.ready).toBe(false);
    expect(report.checks.postgres.ok).toBe(true);
    expect(report.checks.redis.ok).toBe(false);
  });

  it('is not ready once shutting down, whatever the dependencies say', async () => {
    const readiness = new Readiness(100);
    readiness.add(ok('nats'));
    expect((await readiness.evaluate()).ready).toBe(true);
    readiness.markShuttingDown();
    expect(await readiness.evaluate()).toMatchObject({ ready: false, shuttingDown: true });
  });

  it('tells listeners only when readiness changes', async () => {
    let healthy = true;
    const readiness = new Readiness(100);
    readiness.add({ name: 'redis', check: async () => { if (!healthy) throw new Error('down'); } });
    const seen: boolean[] = [];
    readiness.onChange((r: ReadinessReport) => seen.push(r.ready));
    await readiness.evaluate();
    await readiness.evaluate();
    healthy = false;
    await readiness.evaluate();
    healthy = true;
    await readiness.evaluate();
    expect(seen).toEqual([true, false, true]);
  });

  it('refuses the same check twice', () => {
    const readiness = new Readiness(100);
    readiness.add(ok('redis'));
    expect(() => readiness.add(ok('redis'))).toThrow('added twice');
  });

  it('reports startup only after markStarted', () => {
    const readiness = new Readiness(100);
    expect(readiness.hasStarted).toBe(false);
    readiness.markStarted();
    expect(readiness.hasStarted).toBe(true);
  });
});
