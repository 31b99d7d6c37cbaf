import { decodeCursor, encodeCursor } from './product-cursor';

describe('product cursor', () => {
  const cursor = { createdAt: new Date('2026-11-22T10:00:00.123Z'), id: '00000000-0000-4000-8000-000000000001' };

  it('round-trips', () => {
    expect(decodeCursor(encodeCursor(cursor))).toEqual(cursor);
  });

  it.each([
    ['not base64 json', 'not-a-cursor'],
    ['a JSON object', Buffer.from('{"a":1}').toString('base64url')],
    ['a bad id', Buffer.from('["2026-11-22T10:00:00.123Z","x"]').toString('base64url')],
    ['a bad date', Buffer.from('["yesterday","00000000-0000-4000-8000-000000000001"]').toString('base64url')],
    ['an empty string', ''],
  ])('rejects %s', (_name, text) => {
    expect(decodeCursor(text)).toBeUndefined();
  });
});
