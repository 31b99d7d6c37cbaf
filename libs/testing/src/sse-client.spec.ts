import { parseSse } from './sse-client';

describe(parseSse.name, () => {
  it('splits events and comments, keeping an unfinished event for the next chunk', () => {
    const sut = parseSse('retry: 2000\n\nid: 1\nevent: status\ndata: {"seq":1}\n\n: keep-alive\n\nid: 2\nevent: sta');
    expect(sut.events).toEqual([{ id: '1', event: 'status', data: '{"seq":1}' }]);
    expect(sut.comments).toEqual(['keep-alive']);
    expect(sut.rest).toBe('id: 2\nevent: sta');
  });

  it('joins multi-line data and defaults the event name to message', () => {
    expect(parseSse('data: a\ndata: b\r\n\r\n').events).toEqual([{ event: 'message', data: 'a\nb' }]);
  });
});
