/**
 * The apps `npm run up` starts, in start order (a service before the apps that call it).
 * Adding an app: one entry here, its variables in `.env.example`, its service in docker-compose.
 */
export interface AppSpec {
  name: string;
  /** Variable holding the port of its HTTP server (ops port, or the gateway's API port). */
  httpPortVar: string;
  /** For a TCP service that can run several instances (`npm run up -- --scale <app>=N`). */
  scaling?: {
    tcpPortVar: string;
    /** The address the instance registers under (Redis registry). */
    advertisedVar: string;
    /** The variable its callers read the instance list from (static discovery). */
    addressesVar: string;
  };
  /** Compiled scripts run before start, if the app owns a database. */
  migrate?: string;
  seed?: string;
}

export const APPS: readonly AppSpec[] = [
  {
    name: 'catalog',
    httpPortVar: 'CATALOG_OPS_PORT',
    scaling: { tcpPortVar: 'CATALOG_TCP_PORT', advertisedVar: 'CATALOG_ADVERTISED_ADDRESS', addressesVar: 'CATALOG_ADDRESSES' },
    migrate: 'dist/apps/catalog/src/database/migrate.js',
    seed: 'dist/apps/catalog/src/seed/seed.js',
  },
  { name: 'gateway', httpPortVar: 'GATEWAY_PORT' },
];

/** Port offset between instances of one app: instance 2 of catalog listens on 4012 and 9112. */
export const INSTANCE_PORT_STEP = 10;
