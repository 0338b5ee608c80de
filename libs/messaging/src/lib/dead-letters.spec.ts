import { headers } from '@nats-io/transport-node';
import { DEAD_LETTER_HEADERS, deadLetterHeaders, headerSafe, type DeadLetter } from './dead-letters';

describe('dead-letter headers', () => {
  const original = headers();
  original.set('traceparent', '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01');
  original.set('Nats-Msg-Id', 'task-1');
  const letter: DeadLetter = {
    reason: 'handler_failed',
    detail: 'boom\nat line 2',
    originalSubject: 'jobs.scrape',
    deadLetterSubject: 'dlq.jobs.scrape',
    stream: 'JOBS',
    consumer: 'scraper',
    streamSequence: 42,
    deliveries: 5,
    msgId: 'task-1',
    payload: {},
    data: new Uint8Array(),
    headers: original,
  };

  it('say where the message came from and why it died, and keep its trace context', () => {
    const h = deadLetterHeaders(letter);
    expect(h.get(DEAD_LETTER_HEADERS.subject)).toBe('jobs.scrape');
    expect(h.get(DEAD_LETTER_HEADERS.sequence)).toBe('42');
    expect(h.get(DEAD_LETTER_HEADERS.deliveries)).toBe('5');
    expect(h.get(DEAD_LETTER_HEADERS.reason)).toBe('handler_failed');
    expect(h.get(DEAD_LETTER_HEADERS.detail)).toBe('boom at line 2');
    expect(h.get(DEAD_LETTER_HEADERS.msgId)).toBe('task-1');
    expect(h.get('traceparent')).toBe(original.get('traceparent'));
  });

  it('drop the server headers of the original, so its msgId cannot dedupe the dead letter', () => {
    expect(deadLetterHeaders(letter).has('Nats-Msg-Id')).toBe(false);
  });

  it('cut a long detail to one bounded line', () => {
    const safe = headerSafe('x'.repeat(5_000));
    expect(safe.length).toBeLessThanOrEqual(512);
  });
});
