import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Refresh tokens rotate within a family (one login session). Revocation is one row per family,
 * so a token inserted concurrently with a revocation is dead too, and the gateway's session check
 * is a primary-key lookup. A user's sessions go with the user (ON DELETE CASCADE).
 */
export class CreateRefreshTokens1764100001000 implements MigrationInterface {
  name = 'CreateRefreshTokens1764100001000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE refresh_token_families (
        id uuid PRIMARY KEY,
        user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        revoked_at timestamptz(3)
      )`);
    await queryRunner.query(`CREATE INDEX refresh_token_families_user ON refresh_token_families (user_id)`);
    await queryRunner.query(`
      CREATE TABLE refresh_tokens (
        id uuid PRIMARY KEY,
        family_id uuid NOT NULL REFERENCES refresh_token_families (id) ON DELETE CASCADE,
        token_hash char(64) NOT NULL,
        expires_at timestamptz(3) NOT NULL,
        used_at timestamptz(3),
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        CONSTRAINT refresh_tokens_hash_unique UNIQUE (token_hash)
      )`);
    await queryRunner.query(`CREATE INDEX refresh_tokens_family ON refresh_tokens (family_id)`);
    await queryRunner.query(`CREATE INDEX refresh_tokens_expires_at ON refresh_tokens (expires_at)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE refresh_tokens`);
    await queryRunner.query(`DROP TABLE refresh_token_families`);
  }
}
