import { SERVICES, envNamesOf, startOrder, uses, type ServiceName } from '@shopmesh/config';

/** What `npm run up` needs to know of an app; derived from its declaration in `SERVICES`. */
export interface AppSpec {
  name: ServiceName;
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
  /**
   * Compiled scripts run before start, if the app owns a database / has demo data, and the function
   * each exports (`migrateCatalog`, `seedCatalog`) that `up` calls in its own process.
   */
  migrate?: string;
  migrateExport?: string;
  seed?: string;
  seedExport?: string;
}

const capitalised = (name: string): string => name.charAt(0).toUpperCase() + name.slice(1);

const specOf = (name: ServiceName): AppSpec => {
  const decl = SERVICES[name];
  const names = envNamesOf(name);
  return {
    name,
    httpPortVar: names.httpPort,
    scaling:
      'tcpPort' in decl
        ? { tcpPortVar: names.tcpPort, advertisedVar: names.advertisedAddress, addressesVar: names.addresses }
        : undefined,
    ...(uses(name, 'postgres')
      ? { migrate: `dist/apps/${name}/src/database/migrate.js`, migrateExport: `migrate${capitalised(name)}` }
      : {}),
    ...('seed' in decl && decl.seed
      ? { seed: `dist/apps/${name}/src/seed/seed.js`, seedExport: `seed${capitalised(name)}` }
      : {}),
  };
};

/** The apps `npm run up` starts, in start order (a service before the apps that call it). */
export const APPS: readonly AppSpec[] = startOrder().map(specOf);

/** Port offset between instances of one app: instance 2 of catalog listens on 4012 and 9112. */
export const INSTANCE_PORT_STEP = 10;
