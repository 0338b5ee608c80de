import { InvalidArgumentError } from '@sluice/contracts';
import { parseLastEventId, sseFrame, SSE_KEEP_ALIVE } from './sse-frames';

describe('SSE frames', () => {
  it('writes id, event and one line of JSON data, ended by a blank line', () => {
    expect(sseFrame({ id: 42, event: 'progress', data: { done: 1 } })).toBe('id: 42\nevent: progress\ndata: {"done":1}\n\n');
  });

  it('leaves out the id of an event that has none (the client keeps its last one)', () => {
    expect(sseFrame({ event: 'state', data: { status: 'QUEUED' } })).toBe('event: state\ndata: {"status":"QUEUED"}\n\n');
  });

  it('keeps data with newlines on one line, so it cannot forge another event', () => {
    const frame = sseFrame({ id: 1, event: 'failed', data: { error: 'boom\n\nevent: succeeded\ndata: {}' } });
    expect(frame.split('\n\n')).toEqual([expect.stringContaining('boom\\n\\nevent: succeeded'), '']);
  });

  it('sends keep-alives as comments', () => {
    expect(SSE_KEEP_ALIVE.startsWith(':')).toBe(true);
    expect(SSE_KEEP_ALIVE.endsWith('\n\n')).toBe(true);
  });
});

describe('Last-Event-ID', () => {
  it('is a stream sequence number, or nothing', () => {
    expect(parseLastEventId(undefined)).toBeUndefined();
    expect(parseLastEventId('')).toBeUndefined();
    expect(parseLastEventId('0')).toBe(0);
    expect(parseLastEventId('1234')).toBe(1234);
  });

  it.each([['-1'], ['1.5'], ['abc'], ['9999999999999999'], [['1', '2']]])('refuses %j naming the header', (value) => {
    expect(() => parseLastEventId(value)).toThrow(InvalidArgumentError);
    expect(() => parseLastEventId(value)).toThrow(expect.objectContaining({ violations: [expect.objectContaining({ path: 'Last-Event-ID' })] }));
  });
});
