/** A test database's name ends in `_test` (optionally followed by a suffix: `shopmesh_catalog_test_e2e`). */
export const isTestDatabaseName = (name: string): boolean => /_test(_[a-z0-9_]+)?$/.test(name);

/**
 * Refuses to let tests touch a database whose name does not mark it as a test database,
 * so a misconfigured test run can never truncate a developer's (or production) data.
 */
export function assertSafeDatabase(database: string, nodeEnv: string): void {
  if (nodeEnv === 'test' && !isTestDatabaseName(database)) {
    throw new Error(`Refusing to use database "${database}" with NODE_ENV=test: a test database name must end in "_test"`);
  }
}
