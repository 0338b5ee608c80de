import { parseOrThrow } from '@sluice/contracts';
import { ListTasksInput } from './task-request';

const parse = (request: Record<string, unknown>) => parseOrThrow(ListTasksInput, { limit: 0, cursor: '', status: 'TASK_STATUS_UNSPECIFIED', kind: '', ...request });

describe('ListTasks request', () => {
  it('reads proto defaults as "no filter, 50 per page"', () => {
    expect(parse({})).toEqual({ limit: 50, cursor: '', status: undefined, kind: undefined });
  });

  it('maps a wire status to the stored state and keeps the kind', () => {
    expect(parse({ status: 'TASK_STATUS_CANCELLED', kind: 'scrape', limit: 7 })).toMatchObject({ status: 'CANCELLED', kind: 'scrape', limit: 7 });
  });

  it.each([
    [{ status: 'UNRECOGNIZED' }, 'status'],
    [{ status: 'DONE' }, 'status'],
    [{ kind: 'Scrape; drop' }, 'kind'],
    [{ limit: 501 }, 'limit'],
  ])('refuses %j naming the field', (request, path) => {
    expect(() => parse(request)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT', violations: [expect.objectContaining({ path })] }));
  });
});
