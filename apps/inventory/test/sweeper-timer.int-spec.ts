import type { Envelope } from '@shopmesh/messaging';
import { InventoryRpc, ReserveStock } from '@shopmesh/contracts';
import { waitUntil } from '@shopmesh/testing';
import {
  ADMIN,
  auditDisagreements,
  envelopeOf,
  repliesTo,
  startInventory,
  stockOf,
  type InventoryUnderTest,
} from './inventory-harness';

/** One app per file: Nest's and pino's loggers are process-wide, and a suite's logs go to its last app. */
describe('the sweeper of a running instance (real Postgres)', () => {
  const at = (msFromNow: number) => new Date(Date.now() + msFromNow).toISOString();

  const reserveIn = async (sut: InventoryUnderTest, sku: string, quantity: number, expiresAt: string): Promise<string> => {
    const orderId = sut.newOrder();
    await sut.handle(envelopeOf(ReserveStock, orderId, { orderId, items: [{ sku, quantity }], expiresAt }));
    return orderId;
  };
  const releasesOf = async (sut: InventoryUnderTest, orderId: string): Promise<Envelope[]> =>
    (await repliesTo(sut.db, orderId)).filter((r) => r.type === 'StockReleased');

  let sut: InventoryUnderTest;
  beforeAll(async () => {
    sut = await startInventory('sweep_timer', { sweeper: { enabled: true, intervalMs: 200 } });
  });
  afterAll(async () => {
    await sut?.close();
  });

  it('releases a reservation soon after it expires; a late CommitStock then answers StockReleased (EXPIRED)', async () => {
    const sku = sut.newSku();
    await sut.rpc.call(InventoryRpc.setStock, { sku, onHand: 3 }, { actor: ADMIN });
    const orderId = await reserveIn(sut, sku, 2, at(800));
    expect(await stockOf(sut.db, sku)).toMatchObject({ reserved: 2 });
    await waitUntil('the reservation is released', async () => (await stockOf(sut.db, sku))?.reserved === 0, {
      timeoutMs: 10_000,
    });
    expect((await releasesOf(sut, orderId)).map((r) => r.payload)).toEqual([{ orderId, reason: 'EXPIRED' }]);

    await sut.handle(envelopeOf(ReserveStock, orderId, { orderId, items: [{ sku, quantity: 2 }], expiresAt: at(60_000) }));
    expect(await stockOf(sut.db, sku)).toMatchObject({ on_hand: 3, reserved: 0 });
    const metrics = await (await fetch(`${sut.opsUrl}/metrics`)).text();
    expect(metrics).toMatch(/inventory_reservations_expired_total\{service="inventory"\} [1-9]/);
    expect(metrics).toMatch(/inventory_reservations_held\{service="inventory"\} 0/);
    expect(metrics).toMatch(/inventory_reservation_sweep_last_success_timestamp_seconds\{service="inventory"\} \d/);
    const ready = (await (await fetch(`${sut.opsUrl}/health/ready`)).json()) as { info: Record<string, { status: string }> };
    expect(ready.info['reservation-sweeper']).toMatchObject({ status: 'up' });
  });

  it('a failing sweep is logged and counted, and the next one recovers', async () => {
    const failures = async () => {
      const text = await (await fetch(`${sut.opsUrl}/metrics`)).text();
      return Number(/inventory_reservation_sweep_failures_total\{service="inventory"\} (\d+)/.exec(text)?.[1]);
    };
    const before = await failures();
    const sku = sut.newSku();
    await sut.rpc.call(InventoryRpc.setStock, { sku, onHand: 3 }, { actor: ADMIN });
    await reserveIn(sut, sku, 2, at(1500));
    // the records now disagree: releasing 2 would take reserved below 0, so the sweep must fail, not force it
    await sut.db.query(`UPDATE stock SET reserved = 1 WHERE sku = $1`, [sku]);
    await waitUntil('a sweep failure is counted', async () => (await failures()) > before, { timeoutMs: 10_000 });
    await waitUntil('the failure is logged', () => sut.logs.some((l) => l.includes('sweep for expired reservations failed')));
    await sut.db.query(`UPDATE stock SET reserved = 2 WHERE sku = $1`, [sku]);
    await waitUntil('the reservation is released', async () => (await stockOf(sut.db, sku))?.reserved === 0, {
      timeoutMs: 10_000,
    });
    await expect(auditDisagreements(sut.db)).resolves.toEqual([]);
  });

  it('stops cleanly with the app', async () => {
    const started = Date.now();
    await sut.app.close();
    expect(Date.now() - started).toBeLessThan(10_000);
    sut.app.close = () => Promise.resolve(); // closed already
  });
});
