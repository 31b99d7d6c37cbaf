import { canonicalJson, requestHashOf } from './canonical-json';
import { decideOnExistingKey, STALE_CLAIM_MS, type ExistingKey } from './key-decision';

const now = new Date('2026-12-02T10:00:00.000Z');
const ago = (ms: number) => new Date(now.getTime() - ms);
const request = { scope: 'orders', requestHash: 'h1' } as const;
const key = (patch: Partial<ExistingKey> = {}): ExistingKey => ({
  scope: 'orders',
  requestHash: 'h1',
  state: 'COMPLETED',
  responseStatus: 202,
  responseBody: { orderId: 'o1', status: 'PENDING' },
  updatedAt: ago(1000),
  expiresAt: new Date(now.getTime() + 86_400_000),
  ...patch,
});

describe(decideOnExistingKey.name, () => {
  it.each([
    [
      'completed, same body → replays the stored answer',
      key(),
      { kind: 'replay', status: 202, body: { orderId: 'o1', status: 'PENDING' } },
    ],
    ['completed, other body → KEY_REUSED', key({ requestHash: 'h2' }), { kind: 'reused' }],
    ['other scope (checkout key used for orders) → KEY_REUSED', key({ scope: 'checkout' }), { kind: 'reused' }],
    ['in progress, fresh → IN_PROGRESS', key({ state: 'IN_PROGRESS', responseStatus: null }), { kind: 'in-progress' }],
    ['in progress, other body → KEY_REUSED', key({ state: 'IN_PROGRESS', requestHash: 'h2' }), { kind: 'reused' }],
    [
      'in progress just under the stale limit → IN_PROGRESS',
      key({ state: 'IN_PROGRESS', responseStatus: null, updatedAt: ago(STALE_CLAIM_MS - 1) }),
      { kind: 'in-progress' },
    ],
    [
      'in progress past the stale limit (holder crashed) → take over',
      key({ state: 'IN_PROGRESS', responseStatus: null, updatedAt: ago(STALE_CLAIM_MS) }),
      { kind: 'take-over' },
    ],
    ['expired, even with another body → free again', key({ requestHash: 'h2', expiresAt: now }), { kind: 'take-over' }],
  ])('%s', (_, existing, expected) => {
    expect(decideOnExistingKey(existing, request, now)).toEqual(expected);
  });
});

describe(requestHashOf.name, () => {
  it('does not depend on the order of keys', () => {
    expect(requestHashOf({ a: 1, b: { c: [1, 2], d: 'x' } })).toBe(requestHashOf({ b: { d: 'x', c: [1, 2] }, a: 1 }));
  });
  it('depends on every value and on the order of arrays', () => {
    const h = requestHashOf({ items: [1, 2] });
    expect(requestHashOf({ items: [2, 1] })).not.toBe(h);
    expect(requestHashOf({ items: [1, 3] })).not.toBe(h);
  });
  it('leaves out undefined fields, as JSON does', () => {
    expect(canonicalJson({ a: 1, b: undefined })).toBe('{"a":1}');
  });
});
