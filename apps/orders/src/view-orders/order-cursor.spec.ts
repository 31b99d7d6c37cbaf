import { decodeOrderCursor, encodeOrderCursor } from './order-cursor';

describe(decodeOrderCursor.name, () => {
  const cursor = { createdAt: new Date('2026-12-02T10:00:00.123Z'), id: '00000000-0000-4000-8000-000000000001' };

  it('reads back what it wrote', () => {
    expect(decodeOrderCursor(encodeOrderCursor(cursor))).toEqual(cursor);
  });

  it.each([
    ['not base64 JSON', '!!!'],
    ['JSON of another shape', Buffer.from('{"a":1}').toString('base64url')],
    ['a bad id', Buffer.from('["2026-12-02T10:00:00.123Z","x"]').toString('base64url')],
    ['a bad date', Buffer.from('["yesterday","00000000-0000-4000-8000-000000000001"]').toString('base64url')],
    ['three fields', Buffer.from('["2026-12-02T10:00:00.123Z","00000000-0000-4000-8000-000000000001",1]').toString('base64url')],
  ])('refuses %s', (_, text) => {
    expect(decodeOrderCursor(text)).toBeUndefined();
  });
});
