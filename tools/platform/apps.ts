/**
 * The apps `npm run up` starts, in start order (a service before the apps that call it).
 * Adding an app: one line here, its port variables in `.env.example`, its service in docker-compose.
 */
export interface AppSpec {
  name: string;
  /** Variable holding the port of its HTTP server (ops port, or the gateway's API port). */
  httpPortVar: string;
  /** Compiled scripts run before start, if the app owns a database. */
  migrate?: string;
  seed?: string;
}

export const APPS: readonly AppSpec[] = [
  {
    name: 'catalog',
    httpPortVar: 'CATALOG_OPS_PORT',
    migrate: 'dist/apps/catalog/src/database/migrate.js',
    seed: 'dist/apps/catalog/src/seed/seed.js',
  },
  { name: 'gateway', httpPortVar: 'GATEWAY_PORT' },
];
