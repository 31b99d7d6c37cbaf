import { randomUUID } from 'node:crypto';
import { InventoryRpc, ProductCreated, ReserveStock, type Actor } from '@shopmesh/contracts';
import { ADMIN, auditDisagreements, envelopeOf, startInventory, stockOf, type InventoryUnderTest } from './inventory-harness';

describe('inventory stock RPCs and catalog products (real Postgres)', () => {
  let sut: InventoryUnderTest;

  beforeAll(async () => {
    sut = await startInventory('stock');
  });
  afterEach(async () => {
    await expect(auditDisagreements(sut.db)).resolves.toEqual([]);
  });
  afterAll(async () => {
    await sut?.close();
  });

  const setStock = (sku: string, onHand: number, actor: Actor = ADMIN) =>
    sut.rpc.call(InventoryRpc.setStock, { sku, onHand }, { actor });
  const movementsOf = (sku: string) => sut.db.query(`SELECT kind, delta FROM stock_movements WHERE sku = $1 ORDER BY id`, [sku]);

  it('sets on_hand, creating the row if missing, and records each difference in the ledger', async () => {
    const sku = sut.newSku();
    await expect(sut.rpc.call(InventoryRpc.getStock, { sku }, { actor: ADMIN })).rejects.toMatchObject({
      code: 'INVENTORY.SKU_NOT_FOUND',
    });
    await expect(setStock(sku, 12)).resolves.toMatchObject({ sku, onHand: 12, reserved: 0, available: 12 });
    await expect(setStock(sku, 4)).resolves.toMatchObject({ onHand: 4, available: 4 });
    await expect(setStock(sku, 4)).resolves.toMatchObject({ onHand: 4 });
    const stock = await sut.rpc.call(InventoryRpc.getStock, { sku }, { actor: ADMIN });
    expect(stock).toEqual({ sku, onHand: 4, reserved: 0, available: 4, updatedAt: expect.any(String) });
    expect(await movementsOf(sku)).toEqual([
      { kind: 'SET', delta: 12 },
      { kind: 'SET', delta: -8 },
    ]);
  });

  it('refuses on_hand below what is reserved (409 INVENTORY.BELOW_RESERVED) and writes nothing', async () => {
    const sku = sut.newSku();
    await setStock(sku, 5);
    const orderId = sut.newOrder();
    await sut.handle(
      envelopeOf(ReserveStock, orderId, {
        orderId,
        items: [{ sku, quantity: 3 }],
        expiresAt: new Date(Date.now() + 60_000).toISOString(),
      }),
    );
    const before = await sut.db.query(`SELECT * FROM stock WHERE sku = $1`, [sku]);
    await expect(setStock(sku, 2)).rejects.toMatchObject({ code: 'INVENTORY.BELOW_RESERVED' });
    expect(await sut.db.query(`SELECT * FROM stock WHERE sku = $1`, [sku])).toEqual(before);
    expect(await movementsOf(sku)).toEqual([{ kind: 'SET', delta: 5 }]);
    await expect(setStock(sku, 3)).resolves.toMatchObject({ onHand: 3, reserved: 3, available: 0 });
  });

  it('is for admins only: no actor is AUTH.UNAUTHENTICATED, a customer AUTH.FORBIDDEN; bad input VALIDATION.FAILED', async () => {
    const sku = sut.newSku();
    await expect(sut.rpc.call(InventoryRpc.setStock, { sku, onHand: 1 })).rejects.toMatchObject({ code: 'AUTH.UNAUTHENTICATED' });
    const customer: Actor = { userId: randomUUID(), role: 'customer' };
    await expect(setStock(sku, 1, customer)).rejects.toMatchObject({ code: 'AUTH.FORBIDDEN' });
    await expect(sut.rpc.call(InventoryRpc.getStock, { sku }, { actor: customer })).rejects.toMatchObject({
      code: 'AUTH.FORBIDDEN',
    });
    await expect(setStock(sku, -1)).rejects.toMatchObject({ code: 'VALIDATION.FAILED' });
    await expect(sut.rpc.call(InventoryRpc.getStock, { sku: 'not a sku' }, { actor: ADMIN })).rejects.toMatchObject({
      code: 'VALIDATION.FAILED',
    });
    expect(await stockOf(sut.db, sku)).toBeUndefined();
  });

  it('concurrent restocks and reservations keep the ledger exact', async () => {
    const sku = sut.newSku();
    await setStock(sku, 50);
    await Promise.all([
      ...Array.from({ length: 20 }, (_, i) => setStock(sku, 40 + i)),
      ...Array.from({ length: 20 }, () => {
        const orderId = sut.newOrder();
        return sut.handle(
          envelopeOf(ReserveStock, orderId, {
            orderId,
            items: [{ sku, quantity: 1 }],
            expiresAt: new Date(Date.now() + 60_000).toISOString(),
          }),
        );
      }),
    ]);
    const stock = await stockOf(sut.db, sku);
    expect(stock?.reserved).toBe(20);
  });

  it('ProductCreated gives the SKU a row at 0; a replay does not reset stock set meanwhile', async () => {
    const sku = sut.newSku();
    const productId = randomUUID();
    const created = envelopeOf(ProductCreated, productId, {
      productId,
      sku,
      name: 'Lamp',
      category: 'home',
      price: { amount: 1999, currency: 'EUR' },
    });
    await sut.handleCatalog(created);
    expect(await sut.db.query(`SELECT product_id, on_hand, reserved FROM stock WHERE sku = $1`, [sku])).toEqual([
      { product_id: productId, on_hand: 0, reserved: 0 },
    ]);
    await setStock(sku, 7);
    await sut.handleCatalog({ ...created, id: randomUUID() }); // the same event again (a replay: a new group, a redrive)
    expect(await stockOf(sut.db, sku)).toMatchObject({ on_hand: 7, reserved: 0 });
  });

  it('a SKU created by setStock before its ProductCreated keeps its stock and learns its product', async () => {
    const sku = sut.newSku();
    const productId = randomUUID();
    await setStock(sku, 9);
    await sut.handleCatalog(
      envelopeOf(ProductCreated, productId, {
        productId,
        sku,
        name: 'Mug',
        category: 'home',
        price: { amount: 900, currency: 'EUR' },
      }),
    );
    expect(await sut.db.query(`SELECT product_id, on_hand FROM stock WHERE sku = $1`, [sku])).toEqual([
      { product_id: productId, on_hand: 9 },
    ]);
  });
});
