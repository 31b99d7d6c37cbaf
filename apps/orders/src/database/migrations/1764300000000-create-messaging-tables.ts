import { createMessagingTables, dropMessagingTables } from '@shopmesh/messaging';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Orders' transactional outbox and processed-message records. */
export class CreateMessagingTables1764300000000 implements MigrationInterface {
  name = 'CreateMessagingTables1764300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await createMessagingTables(queryRunner);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await dropMessagingTables(queryRunner);
  }
}
