import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Orders with their saga state, lines and history, and the idempotency keys of the POSTs.
 * `deadline_at` is null when the saga waits for nothing (the deadline scanner's partial index);
 * `awaiting`: compensations sent and not acknowledged; `compensations_requested`: compensations
 * ever sent (or known done), so that a late reply is compensated once.
 */
export class CreateOrders1764300001000 implements MigrationInterface {
  name = 'CreateOrders1764300001000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE orders (
        id uuid PRIMARY KEY,
        user_id uuid NOT NULL,
        status text NOT NULL CHECK (status IN ('PENDING', 'CONFIRMED', 'CANCELLED')),
        step text NOT NULL
          CHECK (step IN ('PENDING', 'STOCK_RESERVED', 'PAYMENT_AUTHORIZED', 'CONFIRMED', 'COMPENSATING', 'CANCELLED')),
        cancellation_reason text NULL
          CHECK (cancellation_reason IN ('OUT_OF_STOCK', 'PAYMENT_DECLINED', 'TIMEOUT', 'CANCELLED_BY_USER')),
        total_amount bigint NOT NULL CHECK (total_amount >= 0),
        currency char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
        shipping_address jsonb NOT NULL,
        payment_token text NOT NULL,
        payment_id uuid NULL,
        deadline_at timestamptz(3) NULL,
        awaiting text[] NOT NULL DEFAULT '{}' CHECK (awaiting <@ ARRAY['stock', 'payment']),
        compensations_requested text[] NOT NULL DEFAULT '{}' CHECK (compensations_requested <@ ARRAY['stock', 'payment']),
        correlation_id text NOT NULL,
        version integer NOT NULL DEFAULT 1,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz(3) NOT NULL DEFAULT now(),
        CONSTRAINT orders_cancelled_holds_nothing CHECK (step <> 'CANCELLED' OR (status = 'CANCELLED' AND awaiting = '{}')),
        CONSTRAINT orders_compensating_has_reason CHECK (step NOT IN ('COMPENSATING', 'CANCELLED') OR cancellation_reason IS NOT NULL)
      )`);
    await queryRunner.query(`CREATE INDEX orders_deadline ON orders (deadline_at) WHERE deadline_at IS NOT NULL`);
    await queryRunner.query(`CREATE INDEX orders_user_page ON orders (user_id, created_at DESC, id DESC)`);
    await queryRunner.query(`CREATE INDEX orders_page ON orders (created_at DESC, id DESC)`);
    await queryRunner.query(`
      CREATE TABLE order_lines (
        order_id uuid NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
        line_no integer NOT NULL CHECK (line_no >= 1),
        product_id uuid NOT NULL,
        sku text NOT NULL,
        name text NOT NULL,
        quantity integer NOT NULL CHECK (quantity > 0),
        unit_amount bigint NOT NULL CHECK (unit_amount >= 0),
        currency char(3) NOT NULL,
        PRIMARY KEY (order_id, line_no)
      )`);
    await queryRunner.query(`
      CREATE TABLE order_history (
        order_id uuid NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
        seq integer NOT NULL CHECK (seq >= 1),
        status text NOT NULL,
        step text NOT NULL,
        reason text NULL,
        at timestamptz(3) NOT NULL DEFAULT now(),
        PRIMARY KEY (order_id, seq)
      )`);
    await queryRunner.query(`
      CREATE TABLE idempotency_keys (
        user_id uuid NOT NULL,
        key text NOT NULL,
        scope text NOT NULL CHECK (scope IN ('orders', 'checkout')),
        request_hash text NOT NULL,
        state text NOT NULL CHECK (state IN ('IN_PROGRESS', 'COMPLETED')),
        claim_token uuid NOT NULL,
        response_status integer NULL,
        response_body jsonb NULL,
        order_id uuid NULL,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz(3) NOT NULL DEFAULT now(),
        expires_at timestamptz(3) NOT NULL,
        PRIMARY KEY (user_id, key)
      )`);
    await queryRunner.query(`CREATE INDEX idempotency_keys_expiry ON idempotency_keys (expires_at)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE idempotency_keys`);
    await queryRunner.query(`DROP TABLE order_history`);
    await queryRunner.query(`DROP TABLE order_lines`);
    await queryRunner.query(`DROP TABLE orders`);
  }
}
