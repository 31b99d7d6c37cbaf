import { createMessagingTables, dropMessagingTables } from '@shopmesh/messaging';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Payments' transactional outbox and processed-message records. */
export class CreateMessagingTables1764400000000 implements MigrationInterface {
  name = 'CreateMessagingTables1764400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await createMessagingTables(queryRunner);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await dropMessagingTables(queryRunner);
  }
}
