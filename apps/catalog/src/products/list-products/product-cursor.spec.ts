import { decodeCursor, encodeCursor, type ProductCursor } from './product-cursor';

describe('product cursor', () => {
  const createdAt = new Date('2026-11-22T10:00:00.123Z');
  const id = '00000000-0000-4000-8000-000000000001';

  it.each<[string, ProductCursor]>([
    ['a newest-first cursor', { kind: 'newest', createdAt, id }],
    ['a search cursor', { kind: 'rank', rank: 0.0607927, createdAt, id, search: 'abcdefghijkl' }],
  ])('round-trips %s', (_name, cursor) => {
    expect(decodeCursor(encodeCursor(cursor))).toEqual(cursor);
  });

  const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  it.each([
    ['not base64 json', 'not-a-cursor'],
    ['a JSON object', b64({ a: 1 })],
    ['a bad id', b64(['2026-11-22T10:00:00.123Z', 'x'])],
    ['a bad date', b64(['yesterday', id])],
    ['a negative rank', b64([-1, '2026-11-22T10:00:00.123Z', id, 'abcdefghijkl'])],
    ['a rank that is not a number', b64(['1', '2026-11-22T10:00:00.123Z', id, 'abcdefghijkl'])],
    ['a bad search fingerprint', b64([0.5, '2026-11-22T10:00:00.123Z', id, "'; DROP"])],
    ['three elements', b64([0.5, '2026-11-22T10:00:00.123Z', id])],
    ['an empty string', ''],
  ])('rejects %s', (_name, text) => {
    expect(decodeCursor(text)).toBeUndefined();
  });
});
