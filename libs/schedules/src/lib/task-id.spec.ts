import { scheduledTaskId } from './task-id';

describe('scheduledTaskId', () => {
  const id = '3f2b8a1c-5d4e-4f60-9a7b-0c1d2e3f4a5b';
  const at = new Date('2026-03-01T10:00:00Z');

  it('is the same UUID for the same schedule and fire time, on any replica', () => {
    expect(scheduledTaskId(id, at)).toBe(scheduledTaskId(id, new Date(at.getTime())));
  });

  it('is a version 5 RFC 9562 UUID', () => {
    expect(scheduledTaskId(id, at)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('differs for another fire time or another schedule', () => {
    const ids = new Set([
      scheduledTaskId(id, at),
      scheduledTaskId(id, new Date(at.getTime() + 1000)),
      scheduledTaskId('3f2b8a1c-5d4e-4f60-9a7b-0c1d2e3f4a5c', at),
    ]);
    expect(ids.size).toBe(3);
  });
});
