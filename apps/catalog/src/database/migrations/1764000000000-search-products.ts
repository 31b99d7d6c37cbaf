import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Full-text search over active products: a generated `tsvector` (name A, category B, description C)
 * with a GIN index, and a case-insensitive category filter. `simple` configuration: no stemming and no
 * stop words, so a brand, a model number or a German or French name is indexed as written (lower-cased),
 * and prefix matching of the word being typed works on whole lexemes (an English stemmer would index
 * "running" as "run", and the prefix "runni" would then find nothing). `<` and `>` are read as spaces:
 * the parser would otherwise take `<b>…</b>`-like text for markup and drop it.
 * `products_prefix_query(word)`: the lexemes of a word, each as a prefix, ANDed (`'3.5':* & 'mm':*`
 * for "3.5mm"), quoted and escaped so no tsquery syntax can come from the word; immutable, so the
 * planner computes it once and can search the GIN index with it.
 */
export class SearchProducts1764000000000 implements MigrationInterface {
  name = 'SearchProducts1764000000000';

  /** Expand/contract (tools/migrations): it drops an index, which is a contract step. */
  static readonly contract =
    'products_active_category_page is dropped and re-created on lower(category) in the same transaction: the previous ' +
    'release reads no column it removes, and its category pages stay correct (only not served by that index)';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE products ADD COLUMN search tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('simple', translate(name, '<>', '  ')), 'A') ||
        setweight(to_tsvector('simple', translate(category, '<>', '  ')), 'B') ||
        setweight(to_tsvector('simple', translate(description, '<>', '  ')), 'C')
      ) STORED`);
    await queryRunner.query(`
      CREATE FUNCTION products_prefix_query(word text) RETURNS tsquery
      LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
        SELECT to_tsquery('simple', COALESCE(
          (SELECT string_agg('''' || replace(replace(lexeme, '\\', '\\\\'), '''', '''''') || ''':*', ' & ')
             FROM unnest(to_tsvector('simple', translate(word, '<>', '  ')))),
          ''))
      $$`);
    await queryRunner.query(`CREATE INDEX products_active_search ON products USING gin (search) WHERE active`);
    await queryRunner.query(`DROP INDEX products_active_category_page`);
    await queryRunner.query(
      `CREATE INDEX products_active_category_page ON products (lower(category), created_at DESC, id DESC) WHERE active`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX products_active_category_page`);
    await queryRunner.query(
      `CREATE INDEX products_active_category_page ON products (category, created_at DESC, id DESC) WHERE active`,
    );
    await queryRunner.query(`DROP INDEX products_active_search`);
    await queryRunner.query(`DROP FUNCTION products_prefix_query(text)`);
    await queryRunner.query(`ALTER TABLE products DROP COLUMN search`);
  }
}
