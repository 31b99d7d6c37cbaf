import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * How an order was placed: `CART` (the cart's checkout) or `DIRECT` (`POST /v1/orders`). An expand
 * step: nullable, so the previous release, which does not know the column, keeps inserting orders
 * while this one runs beside it; orders placed before it stay null (origin unknown).
 */
export class AddOrderOrigin1766000000000 implements MigrationInterface {
  name = 'AddOrderOrigin1766000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE orders ADD COLUMN origin text NULL CHECK (origin IN ('CART', 'DIRECT'))`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE orders DROP COLUMN origin`);
  }
}
