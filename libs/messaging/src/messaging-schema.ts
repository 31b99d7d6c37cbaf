import type { QueryRunner } from 'typeorm';

/**
 * The outbox and processed-message tables a service owns. Call from one of the service's own
 * migrations (`await createMessagingTables(queryRunner)`), so the schema is versioned with it.
 *
 * `lane` is a hash of the Kafka key: every message of a key sits in one lane, and a lane is
 * published by one relay at a time, in `position` order — several relays never reorder a key.
 */
export async function createMessagingTables(queryRunner: QueryRunner): Promise<void> {
  await queryRunner.query(`
    CREATE TABLE outbox (
      position bigserial PRIMARY KEY,
      id uuid NOT NULL UNIQUE,
      topic varchar(200) NOT NULL,
      message_key varchar(200) NOT NULL,
      lane smallint NOT NULL,
      envelope jsonb NOT NULL,
      headers jsonb NOT NULL DEFAULT '{}'::jsonb,
      created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
      published_at timestamptz
    )`);
  await queryRunner.query(`CREATE INDEX outbox_unpublished ON outbox (lane, position) WHERE published_at IS NULL`);
  await queryRunner.query(`CREATE INDEX outbox_published_at ON outbox (published_at) WHERE published_at IS NOT NULL`);
  await queryRunner.query(`
    CREATE TABLE processed_messages (
      consumer varchar(100) NOT NULL,
      message_id uuid NOT NULL,
      processed_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (consumer, message_id)
    )`);
}

export async function dropMessagingTables(queryRunner: QueryRunner): Promise<void> {
  await queryRunner.query(`DROP TABLE processed_messages`);
  await queryRunner.query(`DROP TABLE outbox`);
}
