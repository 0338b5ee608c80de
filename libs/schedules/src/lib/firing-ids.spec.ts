import { scheduledRunId, scheduledTaskId } from './firing-ids';

const UUID_V5 = /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe.each([
  ['scheduledTaskId', scheduledTaskId],
  ['scheduledRunId', scheduledRunId],
])('%s', (_name, idOf) => {
  const id = '3f2b8a1c-5d4e-4f60-9a7b-0c1d2e3f4a5b';
  const at = new Date('2026-03-01T10:00:00Z');

  it('is the same UUID for the same schedule and fire time, on any replica', () => {
    expect(idOf(id, at)).toBe(idOf(id, new Date(at.getTime())));
  });

  it('is a version 5 RFC 9562 UUID', () => {
    expect(idOf(id, at)).toMatch(UUID_V5);
  });

  it('differs for another fire time or another schedule', () => {
    const ids = new Set([idOf(id, at), idOf(id, new Date(at.getTime() + 1000)), idOf('3f2b8a1c-5d4e-4f60-9a7b-0c1d2e3f4a5c', at)]);
    expect(ids.size).toBe(3);
  });
});

describe('task and run ids of one firing', () => {
  it('never coincide', () => {
    const at = new Date('2026-03-01T10:00:00Z');
    expect(scheduledRunId('3f2b8a1c-5d4e-4f60-9a7b-0c1d2e3f4a5b', at)).not.toBe(scheduledTaskId('3f2b8a1c-5d4e-4f60-9a7b-0c1d2e3f4a5b', at));
  });
});
