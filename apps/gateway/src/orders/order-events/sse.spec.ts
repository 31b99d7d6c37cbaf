import { lastEventIdOf, sseEvent } from './sse';

const errorOf = (fn: () => unknown): unknown => {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return undefined;
};

describe('order event stream framing', () => {
  it('writes an event as id, event and one line of JSON data, ended by a blank line', () => {
    const entry = { seq: 3, status: 'PENDING', step: 'STOCK_RESERVED', at: '2026-12-02T01:00:00.000Z', note: 'a\nb' };
    const sut = sseEvent(3, 'status', entry);
    expect(sut).toBe(`id: 3\nevent: status\ndata: ${JSON.stringify(entry)}\n\n`);
    expect(sut.split('\n')).toHaveLength(5);
  });

  it.each([
    [undefined, 0],
    ['', 0],
    ['0', 0],
    ['7', 7],
    [' 12 ', 12],
  ])('resumes after Last-Event-ID %p as %p', (header, seq) => {
    expect(lastEventIdOf(header)).toBe(seq);
  });

  it.each(['abc', '-1', '1.5', '1e3', '9'.repeat(16), '0x10'])('refuses Last-Event-ID %p naming the header', (header) => {
    expect(errorOf(() => lastEventIdOf(header))).toMatchObject({
      code: 'VALIDATION.FAILED',
      errors: [{ field: 'Last-Event-ID' }],
    });
  });
});
