import { createOpsAuditTable, dropOpsAuditTable } from '@shopmesh/bootstrap';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The operator actions catalog performs (dead-letter redrives), with who and when. */
export class CreateOpsAudit1765000000000 implements MigrationInterface {
  name = 'CreateOpsAudit1765000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await createOpsAuditTable(queryRunner);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await dropOpsAuditTable(queryRunner);
  }
}
