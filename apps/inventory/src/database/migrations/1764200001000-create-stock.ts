import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Stock per SKU, one decision per order (what ReserveStock decided, and what became of it), the
 * reserved lines of each order, and the ledger of every change of `on_hand`
 * (`on_hand = sum(delta)` per SKU). The CHECKs are the last line of defence against oversell:
 * the conditional updates of the handlers should never reach them.
 */
export class CreateStock1764200001000 implements MigrationInterface {
  name = 'CreateStock1764200001000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE stock (
        sku text PRIMARY KEY,
        product_id uuid NULL,
        on_hand integer NOT NULL,
        reserved integer NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT stock_on_hand_not_negative CHECK (on_hand >= 0),
        CONSTRAINT stock_reserved_not_negative CHECK (reserved >= 0),
        CONSTRAINT stock_reserved_within_on_hand CHECK (reserved <= on_hand)
      )`);
    await queryRunner.query(`
      CREATE TABLE reservation_orders (
        order_id uuid PRIMARY KEY,
        status text NOT NULL CHECK (status IN ('RESERVED', 'REJECTED', 'COMMITTED', 'RELEASED')),
        expires_at timestamptz NOT NULL,
        release_reason text NULL CHECK (release_reason IN ('ORDER_CANCELLED', 'EXPIRED')),
        unavailable_skus text[] NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT reservation_orders_released_has_reason CHECK ((status = 'RELEASED') = (release_reason IS NOT NULL))
      )`);
    await queryRunner.query(
      `CREATE INDEX reservation_orders_expiring ON reservation_orders (expires_at) WHERE status = 'RESERVED'`,
    );
    await queryRunner.query(`
      CREATE TABLE reservations (
        order_id uuid NOT NULL REFERENCES reservation_orders (order_id),
        sku text NOT NULL,
        quantity integer NOT NULL CHECK (quantity > 0),
        status text NOT NULL CHECK (status IN ('RESERVED', 'COMMITTED', 'RELEASED')),
        PRIMARY KEY (order_id, sku)
      )`);
    await queryRunner.query(`CREATE INDEX reservations_held_by_sku ON reservations (sku) WHERE status = 'RESERVED'`);
    await queryRunner.query(`
      CREATE TABLE stock_movements (
        id bigserial PRIMARY KEY,
        sku text NOT NULL,
        order_id uuid NULL,
        kind text NOT NULL CHECK (kind IN ('SET', 'COMMIT', 'RETURN')),
        delta integer NOT NULL CHECK (delta <> 0),
        at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX stock_movements_once_per_order ON stock_movements (order_id, sku, kind) WHERE order_id IS NOT NULL`,
    );
    await queryRunner.query(`CREATE INDEX stock_movements_by_sku ON stock_movements (sku, id)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE stock_movements`);
    await queryRunner.query(`DROP TABLE reservations`);
    await queryRunner.query(`DROP TABLE reservation_orders`);
    await queryRunner.query(`DROP TABLE stock`);
  }
}
