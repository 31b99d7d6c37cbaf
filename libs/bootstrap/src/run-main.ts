import type { DynamicModule, INestApplication } from '@nestjs/common';
import { ConfigError, loadDotEnv, type ServiceConfig } from '@shopmesh/config';
import { stopTracing } from '@shopmesh/tracing';
import { startService } from './start-app';

/** The longest a shutdown may take: a process still running this long after SIGTERM exits 1. */
export const HARD_EXIT_MS = 28_000;

interface Closable {
  close(): Promise<void>;
}

/**
 * The `main.ts` of every app: runs `start`; prints a bad configuration as one line and exits 1;
 * on SIGTERM/SIGINT closes the app gracefully (readiness first, see `DrainOnShutdown`) and exits 0,
 * and makes sure a shutdown can never take longer than 30 s.
 */
export function runMain(start: () => Promise<Closable>): void {
  const started = start();
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      setTimeout(() => {
        process.stderr.write(`Shutdown took longer than ${HARD_EXIT_MS} ms: exiting\n`);
        process.exit(1);
      }, HARD_EXIT_MS).unref();
      started
        .then((app) => app.close())
        .then(() => stopTracing())
        .then(
          () => process.exit(0),
          (error: unknown) => {
            process.stderr.write(`Shutdown failed: ${error instanceof Error ? error.message : String(error)}\n`);
            process.exit(1);
          },
        );
    });
  }
  started.catch((error: unknown) => {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
    } else {
      process.stderr.write(`Failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    }
    process.exit(1);
  });
}

/**
 * The whole `main.ts` of an app: reads `.env`, loads and checks its config, starts its module on
 * the servers the config gives, and handles signals (see {@link runMain}).
 */
export function runService<C extends ServiceConfig>(
  loadConfig: () => C,
  moduleOf: (config: C) => DynamicModule,
  configure?: (app: INestApplication, config: C) => void,
): void {
  runMain(async () => {
    loadDotEnv();
    const config = loadConfig();
    return startService(config, moduleOf(config), configure && ((app) => configure(app, config)));
  });
}
