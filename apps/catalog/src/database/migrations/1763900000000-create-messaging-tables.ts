import { createMessagingTables, dropMessagingTables } from '@shopmesh/messaging';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Catalog's transactional outbox and processed-message records. */
export class CreateMessagingTables1763900000000 implements MigrationInterface {
  name = 'CreateMessagingTables1763900000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await createMessagingTables(queryRunner);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await dropMessagingTables(queryRunner);
  }
}
