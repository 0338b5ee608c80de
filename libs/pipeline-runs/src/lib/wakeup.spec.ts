import { Wakeup } from './wakeup';

describe('Wakeup', () => {
  it('ends a wait when woken, and remembers a wake that came while nobody waited', async () => {
    const wakeup = new Wakeup();
    const signal = new AbortController().signal;
    const waiting = wakeup.wait(60_000, signal);
    wakeup.wake();
    await waiting;
    wakeup.wake();
    await wakeup.wait(60_000, signal);
  });

  it('ends a wait when the signal aborts', async () => {
    const controller = new AbortController();
    const waiting = new Wakeup().wait(60_000, controller.signal);
    controller.abort();
    await waiting;
  });
});
