/**
 * Test-only variables (fault hooks and the like): not part of any app's validated schema, never in
 * `.env.example`, read here so that apps never touch `process.env` themselves. The app decides
 * whether to honour them (only under `NODE_ENV=test`).
 */
export function testOnlyEnv(
  names: readonly string[],
  source: Record<string, string | undefined> = process.env,
): Record<string, string | undefined> {
  return Object.fromEntries(names.map((name) => [name, source[name]]));
}
