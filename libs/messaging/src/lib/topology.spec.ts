import { InvalidTopologyError } from './messaging-errors';
import { productionTopology } from './topology';

describe('productionTopology', () => {
  it('describes JOBS as a work queue and EVENTS, DEAD_LETTERS as bounded limits streams', () => {
    const t = productionTopology();
    expect(t.jobs).toMatchObject({ name: 'JOBS', subjects: ['jobs.>'], retention: 'workqueue' });
    expect(t.events).toMatchObject({ name: 'EVENTS', subjects: ['events.>'], retention: 'limits' });
    expect(t.events.maxAgeMs).toBeGreaterThan(0);
    expect(t.events.maxBytes).toBeGreaterThan(0);
    expect(t.deadLetters).toMatchObject({ name: 'DEAD_LETTERS', subjects: ['dlq.>'], retention: 'limits' });
    expect(t.streams.map((s) => s.name)).toEqual(['JOBS', 'EVENTS', 'DEAD_LETTERS']);
  });

  it('prefixes stream names and subjects with a namespace', () => {
    const t = productionTopology('t1a2b');
    expect(t.jobs).toMatchObject({ name: 'T1A2B_JOBS', subjects: ['t1a2b.jobs.>'] });
    expect(t.subject('jobs.scrape')).toBe('t1a2b.jobs.scrape');
  });

  it('maps a subject to its dead-letter subject inside the same namespace', () => {
    expect(productionTopology().deadLetterSubject('jobs.scrape')).toBe('dlq.jobs.scrape');
    expect(productionTopology('t1').deadLetterSubject('t1.jobs.scrape')).toBe('t1.dlq.jobs.scrape');
  });

  it('refuses a namespace that is not a plain subject token', () => {
    for (const bad of ['', 'T1', 'a.b', 'a>', '1abc', 'abcdefghijklmnopq']) {
      expect(() => productionTopology(bad)).toThrow(InvalidTopologyError);
    }
  });
});
