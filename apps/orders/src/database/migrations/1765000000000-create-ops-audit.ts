import { createOpsAuditTable, dropOpsAuditTable } from '@shopmesh/bootstrap';
import type { MigrationInterface, QueryRunner } from 'typeorm';

const REASONS = (list: string[]) => list.map((r) => `'${r}'`).join(', ');
const BEFORE = ['OUT_OF_STOCK', 'PAYMENT_DECLINED', 'TIMEOUT', 'CANCELLED_BY_USER'];

/**
 * The operator actions orders performs (saga retry and compensate, redrives), with who and when;
 * and the cancellation reason of an operator's compensation, CANCELLED_BY_OPERATOR.
 */
export class CreateOpsAudit1765000000000 implements MigrationInterface {
  name = 'CreateOpsAudit1765000000000';

  /** Expand/contract (tools/migrations): it replaces a CHECK, which is a contract step. */
  static readonly contract =
    'the cancellation-reason CHECK is replaced in one transaction by a wider one (one more value): every reason the ' +
    'previous release writes stays allowed; the re-check scans orders under a lock (small, once)';

  async up(queryRunner: QueryRunner): Promise<void> {
    await createOpsAuditTable(queryRunner);
    await queryRunner.query(`ALTER TABLE orders DROP CONSTRAINT orders_cancellation_reason_check`);
    await queryRunner.query(
      `ALTER TABLE orders ADD CONSTRAINT orders_cancellation_reason_check
         CHECK (cancellation_reason IN (${REASONS([...BEFORE, 'CANCELLED_BY_OPERATOR'])}))`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE orders DROP CONSTRAINT orders_cancellation_reason_check`);
    await queryRunner.query(
      `ALTER TABLE orders ADD CONSTRAINT orders_cancellation_reason_check CHECK (cancellation_reason IN (${REASONS(BEFORE)}))`,
    );
    await dropOpsAuditTable(queryRunner);
  }
}
