import { ConfigError } from '@shopmesh/config';

const HARD_EXIT_MS = 28_000;

/**
 * The `main.ts` of every app: runs `start`, prints a bad configuration as one line and exits 1,
 * and makes sure a shutdown can never take longer than 30 s.
 */
export function runMain(start: () => Promise<{ close(): Promise<void> }>): void {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => setTimeout(() => process.exit(1), HARD_EXIT_MS).unref());
  }
  start().catch((error: unknown) => {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
    } else {
      process.stderr.write(`Failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    }
    process.exit(1);
  });
}
