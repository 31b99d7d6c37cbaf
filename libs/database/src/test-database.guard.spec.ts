import { assertSafeDatabase, isTestDatabaseName } from './test-database.guard';

describe(assertSafeDatabase.name, () => {
  it.each(['shopmesh_catalog_test', 'shopmesh_catalog_test_e2e_a1b2c3'])('accepts %s in tests', (name) => {
    expect(isTestDatabaseName(name)).toBe(true);
    expect(() => assertSafeDatabase(name, 'test')).not.toThrow();
  });

  it.each(['shopmesh_catalog', 'test', 'postgres', 'shopmesh_test_catalog_prod_x'.replace('_test', '')])(
    'refuses %s in tests',
    (name) => {
      expect(() => assertSafeDatabase(name, 'test')).toThrow(/Refusing to use database/);
    },
  );

  it('leaves other environments alone', () => {
    expect(() => assertSafeDatabase('shopmesh_catalog', 'development')).not.toThrow();
  });
});
