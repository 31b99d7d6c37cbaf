import { z } from 'zod';
import { defineRpc } from '../rpc-definition';

const SKU_EXPECTED = 'expected 2-64 characters of A-Z, 0-9 and -';
/** A SKU as catalog defines it. */
export const skuSchema = () => z.string({ error: SKU_EXPECTED }).regex(/^[A-Z0-9][A-Z0-9-]{1,63}$/, { error: SKU_EXPECTED });

/** The largest `onHand` a SKU may have. */
export const STOCK_MAX_ON_HAND = 1_000_000_000;
const ON_HAND_EXPECTED = `expected an integer from 0 to ${STOCK_MAX_ON_HAND}`;

/** Stock of one SKU: `available = onHand - reserved`, never negative. */
export const StockSchema = z.object({
  sku: z.string(),
  onHand: z.number().int().nonnegative(),
  reserved: z.number().int().nonnegative(),
  available: z.number().int().nonnegative(),
  updatedAt: z.iso.datetime(),
});
export type Stock = z.infer<typeof StockSchema>;

/** `:sku` of the inventory routes. */
export const SkuParamsSchema = z.object({ sku: skuSchema() }).strict();
export type SkuParams = z.infer<typeof SkuParamsSchema>;

/** `PUT /v1/inventory/:sku` body. */
export const SetStockBodySchema = z
  .object({
    onHand: z
      .number({ error: ON_HAND_EXPECTED })
      .int({ error: ON_HAND_EXPECTED })
      .min(0, { error: ON_HAND_EXPECTED })
      .max(STOCK_MAX_ON_HAND, { error: ON_HAND_EXPECTED }),
  })
  .strict();
export type SetStockBody = z.infer<typeof SetStockBodySchema>;

export const SetStockSchema = SkuParamsSchema.extend(SetStockBodySchema.shape).strict();
export type SetStock = z.infer<typeof SetStockSchema>;

/**
 * RPCs served by inventory, for admins (the actor must have the `admin` role: `AUTH.FORBIDDEN`
 * otherwise, `AUTH.UNAUTHENTICATED` without an actor). Reservations are not RPCs: they travel as
 * commands on `inventory.commands`.
 */
export const InventoryRpc = {
  /** `INVENTORY.SKU_NOT_FOUND` for a SKU inventory has no stock row for. */
  getStock: defineRpc({ pattern: 'inventory.stock.get', request: SkuParamsSchema, response: StockSchema, idempotent: true }),
  /**
   * Sets `onHand` (a restock or a count); creates the row if catalog's ProductCreated has not arrived
   * yet. `INVENTORY.BELOW_RESERVED` if `onHand` would be less than what is reserved now.
   */
  setStock: defineRpc({ pattern: 'inventory.stock.set', request: SetStockSchema, response: StockSchema, idempotent: true }),
};
