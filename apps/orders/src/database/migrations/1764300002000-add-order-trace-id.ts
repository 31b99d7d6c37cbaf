import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The trace of the request that placed an order (W3C trace id, 32 hex), when it was traced. */
export class AddOrderTraceId1764300002000 implements MigrationInterface {
  name = 'AddOrderTraceId1764300002000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE orders ADD COLUMN trace_id char(32) NULL CHECK (trace_id ~ '^[0-9a-f]{32}$')`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE orders DROP COLUMN trace_id`);
  }
}
