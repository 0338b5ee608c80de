import { SingleFlight } from './single-flight';

describe('SingleFlight', () => {
  it('runs one operation for concurrent callers of one key and gives all of them its result', async () => {
    const flights = new SingleFlight<number>();
    let calls = 0;
    let release!: (v: number) => void;
    const op = () => {
      calls++;
      return new Promise<number>((r) => (release = r));
    };
    const all = Promise.all(Array.from({ length: 50 }, () => flights.run('k', op)));
    release(7);
    expect(await all).toEqual(Array(50).fill(7));
    expect(calls).toBe(1);
    expect(flights.size).toBe(0);
  });

  it('shares an error with every waiter and then lets the next caller try again', async () => {
    const flights = new SingleFlight<string>();
    const failing = () => Promise.reject(new Error('boom'));
    await expect(Promise.all([flights.run('k', failing), flights.run('k', failing)])).rejects.toThrow('boom');
    await expect(flights.run('k', async () => 'ok')).resolves.toBe('ok');
  });

  it('keeps different keys independent', async () => {
    const flights = new SingleFlight<string>();
    const [a, b] = await Promise.all([flights.run('a', async () => 'A'), flights.run('b', async () => 'B')]);
    expect([a, b]).toEqual(['A', 'B']);
  });
});
