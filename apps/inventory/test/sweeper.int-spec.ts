import { ReadinessRegistry } from '@shopmesh/health';
import { Outbox, type Envelope } from '@shopmesh/messaging';
import { Metrics } from '@shopmesh/metrics';
import { InventoryRpc, ReserveStock } from '@shopmesh/contracts';
import { ReservationSweeper } from '../src/reservations/expire-reservations/reservation-sweeper';
import { ReleaseStockService } from '../src/reservations/release-stock/release-stock.service';
import { ReservationStore } from '../src/reservations/reservation.store';
import {
  ADMIN,
  auditDisagreements,
  envelopeOf,
  repliesTo,
  startInventory,
  stockOf,
  type InventoryUnderTest,
} from './inventory-harness';

describe('reservations expire on their own (real Postgres)', () => {
  const at = (msFromNow: number) => new Date(Date.now() + msFromNow).toISOString();

  const reserveIn = async (sut: InventoryUnderTest, sku: string, quantity: number, expiresAt: string): Promise<string> => {
    const orderId = sut.newOrder();
    await sut.handle(envelopeOf(ReserveStock, orderId, { orderId, items: [{ sku, quantity }], expiresAt }));
    return orderId;
  };
  const releasesOf = async (sut: InventoryUnderTest, orderId: string): Promise<Envelope[]> =>
    (await repliesTo(sut.db, orderId)).filter((r) => r.type === 'StockReleased');

  describe('two sweepers at once', () => {
    let sut: InventoryUnderTest;
    beforeAll(async () => {
      sut = await startInventory('sweep_pair', { sweeper: { enabled: false, batchSize: 4 } });
    });
    afterAll(async () => {
      await sut?.close();
    });

    it('release every expired reservation exactly once, and nothing that has not expired', async () => {
      const [a, b] = [sut.newSku(), sut.newSku()];
      await sut.rpc.call(InventoryRpc.setStock, { sku: a, onHand: 100 }, { actor: ADMIN });
      await sut.rpc.call(InventoryRpc.setStock, { sku: b, onHand: 100 }, { actor: ADMIN });
      const expired = await Promise.all(Array.from({ length: 30 }, (_, i) => reserveIn(sut, i % 2 ? a : b, 2, at(-1000 - i))));
      const live = await Promise.all(Array.from({ length: 5 }, () => reserveIn(sut, a, 1, at(3600_000))));
      const metric = async (name: string): Promise<number> => {
        const text = await (await fetch(`${sut.opsUrl}/metrics`)).text();
        return Number(new RegExp(`^${name}\\{service="inventory"\\} (\\S+)$`, 'm').exec(text)?.[1]);
      };
      expect(await metric('inventory_reservations_past_expiry')).toBe(30); // what ShopMeshReservationsNotReleased watches
      expect(await metric('inventory_reservation_oldest_past_expiry_seconds')).toBeGreaterThanOrEqual(1);
      expect(await metric('inventory_reservations_held')).toBe(35);

      const second = new ReservationSweeper(
        sut.db,
        new Outbox(),
        new ReservationStore(),
        new ReleaseStockService(new ReservationStore()),
        new Metrics('inventory'),
        new ReadinessRegistry(),
        { sweeper: { intervalMs: 200, batchSize: 3, enabled: false } },
      );
      const released = await Promise.all([sut.sweeper.sweep(), second.sweep(), sut.sweeper.sweep(), second.sweep()]);
      expect(released.reduce((x, y) => x + y, 0)).toBe(30);
      expect(await Promise.all([sut.sweeper.sweep(), second.sweep()])).toEqual([0, 0]);
      await new Promise((r) => setTimeout(r, 1100)); // past the gauges' one-second cache
      expect(await metric('inventory_reservations_past_expiry')).toBe(0);
      expect(await metric('inventory_reservation_oldest_past_expiry_seconds')).toBe(0);
      expect(await metric('inventory_reservations_held')).toBe(5);

      for (const orderId of expired) {
        expect((await releasesOf(sut, orderId)).map((r) => r.payload)).toEqual([{ orderId, reason: 'EXPIRED' }]);
      }
      for (const orderId of live) expect(await releasesOf(sut, orderId)).toEqual([]);
      expect(await stockOf(sut.db, a)).toMatchObject({ on_hand: 100, reserved: 5 });
      expect(await stockOf(sut.db, b)).toMatchObject({ on_hand: 100, reserved: 0 });
      const statuses = await sut.db.query<Array<{ status: string; release_reason: string | null; n: number }>>(
        `SELECT status, release_reason, count(*)::int AS n FROM reservation_orders GROUP BY 1, 2 ORDER BY 1`,
      );
      expect(statuses).toEqual([
        { status: 'RELEASED', release_reason: 'EXPIRED', n: 30 },
        { status: 'RESERVED', release_reason: null, n: 5 },
      ]);
      await expect(auditDisagreements(sut.db)).resolves.toEqual([]);
    });
  });
});
