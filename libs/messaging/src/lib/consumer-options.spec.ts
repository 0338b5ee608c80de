import { resolveConsumerOptions } from './consumer-options';
import { InvalidConsumerOptionsError } from './messaging-errors';
import { productionTopology } from './topology';

const topology = productionTopology('tunit');
const base = { topology, stream: topology.jobs.name, durable: 'scraper', filterSubject: topology.subject('jobs.scrape'), handler: () => undefined };

describe('resolveConsumerOptions', () => {
  it('fills defaults: 5 deliveries, one handler at a time, doubling backoff for each retry', () => {
    const resolved = resolveConsumerOptions(base);
    expect(resolved).toMatchObject({ maxDeliver: 5, concurrency: 1, ackWaitMs: 30_000, autoHeartbeat: true });
    expect(resolved.backoffMs).toEqual([1_000, 2_000, 4_000, 8_000]);
  });

  it('names every problem of options that cannot work', () => {
    const attempt = () =>
      resolveConsumerOptions({ ...base, stream: 'ELSEWHERE', durable: 'has.dot', maxDeliver: 0, concurrency: 0, ackWaitMs: 10, backoffMs: [] });
    expect(attempt).toThrow(InvalidConsumerOptionsError);
    expect(attempt).toThrow(/stream ELSEWHERE.*durable.*maxDeliver.*ackWaitMs.*backoffMs.*concurrency/);
  });
});
