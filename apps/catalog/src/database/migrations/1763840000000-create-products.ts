import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateProducts1763840000000 implements MigrationInterface {
  name = 'CreateProducts1763840000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE products (
        id uuid PRIMARY KEY,
        sku varchar(64) NOT NULL,
        name varchar(200) NOT NULL,
        description text NOT NULL DEFAULT '',
        category varchar(64) NOT NULL,
        price_amount bigint NOT NULL CHECK (price_amount >= 0),
        price_currency char(3) NOT NULL CHECK (price_currency ~ '^[A-Z]{3}$'),
        active boolean NOT NULL DEFAULT true,
        version integer NOT NULL DEFAULT 1,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz(3) NOT NULL DEFAULT now(),
        CONSTRAINT products_sku_unique UNIQUE (sku)
      )`);
    await queryRunner.query(`CREATE INDEX products_active_page ON products (created_at DESC, id DESC) WHERE active`);
    await queryRunner.query(
      `CREATE INDEX products_active_category_page ON products (category, created_at DESC, id DESC) WHERE active`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE products`);
  }
}
