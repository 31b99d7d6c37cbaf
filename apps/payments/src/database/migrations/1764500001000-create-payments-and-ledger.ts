import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Payments' own record, written in the consumer's transaction with its reply: one row per order
 * (its status) and the ledger of money moved. At most one capture and one refund per order.
 * Read by the invariant checker: net charge = captures - refunds.
 */
export class CreatePaymentsAndLedger1764500001000 implements MigrationInterface {
  name = 'CreatePaymentsAndLedger1764500001000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE payments (
        order_id uuid PRIMARY KEY,
        payment_id uuid UNIQUE,
        status text NOT NULL CHECK (status IN ('PENDING', 'CAPTURED', 'DECLINED', 'REFUNDED', 'VOIDED')),
        amount bigint CHECK (amount >= 0),
        currency text,
        token text,
        reason text,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz(3) NOT NULL DEFAULT now(),
        CHECK (status NOT IN ('CAPTURED', 'REFUNDED') OR (payment_id IS NOT NULL AND amount IS NOT NULL))
      )`);
    await queryRunner.query(`
      CREATE TABLE ledger (
        id uuid PRIMARY KEY,
        order_id uuid NOT NULL REFERENCES payments (order_id),
        payment_id uuid NOT NULL,
        kind text NOT NULL CHECK (kind IN ('CAPTURE', 'REFUND')),
        amount bigint NOT NULL CHECK (amount > 0),
        currency text NOT NULL,
        at timestamptz(3) NOT NULL DEFAULT now(),
        UNIQUE (order_id, kind)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE ledger`);
    await queryRunner.query(`DROP TABLE payments`);
  }
}
