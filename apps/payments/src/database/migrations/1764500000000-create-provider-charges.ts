import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The simulated payment provider's own memory (a PSP stand-in): what it charged and refunded, by
 * idempotency key. Written in the provider's own transactions, never in a consumer's, so it keeps
 * what it did when payments crashes before committing.
 */
export class CreateProviderCharges1764500000000 implements MigrationInterface {
  name = 'CreateProviderCharges1764500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE provider_charges (
        idempotency_key text PRIMARY KEY,
        order_id uuid NOT NULL,
        token text NOT NULL,
        amount bigint NOT NULL CHECK (amount >= 0),
        currency text NOT NULL,
        status text NOT NULL CHECK (status IN ('APPROVED', 'DECLINED', 'PENDING')),
        decline_reason text,
        attempts integer NOT NULL DEFAULT 1,
        charge_id uuid UNIQUE,
        refunded_amount bigint NOT NULL DEFAULT 0 CHECK (refunded_amount >= 0 AND refunded_amount <= amount),
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz(3) NOT NULL DEFAULT now(),
        CHECK ((status = 'APPROVED') = (charge_id IS NOT NULL))
      )`);
    await queryRunner.query(`CREATE INDEX provider_charges_order ON provider_charges (order_id)`);
    await queryRunner.query(`
      CREATE TABLE provider_refunds (
        idempotency_key text PRIMARY KEY,
        refund_id uuid NOT NULL UNIQUE,
        charge_id uuid NOT NULL REFERENCES provider_charges (charge_id),
        amount bigint NOT NULL CHECK (amount > 0),
        created_at timestamptz(3) NOT NULL DEFAULT now()
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE provider_refunds`);
    await queryRunner.query(`DROP TABLE provider_charges`);
  }
}
