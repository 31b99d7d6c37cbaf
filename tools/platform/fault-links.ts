import { SERVICES, uses, type ServiceName } from '@shopmesh/config';
import { APPS } from './apps';
import type { FaultLink } from './fault-options';

/** One link of an instance a fault point sits on: where it leads, and how the instance is sent through the point. */
export interface InstanceLink {
  link: FaultLink;
  target: { host: string; port: number };
  /** The variables that route the instance (its own connections, or its callers') through a point on `port`. */
  through: (port: number) => Record<string, string>;
}

const isApp = (app: string): app is ServiceName => Object.hasOwn(SERVICES, app);

/**
 * The links of an instance of `app` running with `env` (the supervisor's environment and the
 * instance's own variables): its Postgres and its Redis if the app uses them (Redis also when it
 * registers in the Redis registry: `npm run up`'s services all do), and, for a service,
 * the network in front of its RPC server, which every caller reaches it through (callers find it
 * under its advertised address in the Redis registry). None for an app ShopMesh does not declare.
 */
export function linksOf(app: string, env: Readonly<Record<string, string | undefined>>): InstanceLink[] {
  if (!isApp(app)) return [];
  const need = (name: string): string => {
    const value = env[name];
    if (value === undefined || value === '') throw new Error(`${app}: ${name} is not set; a fault point needs its target`);
    return value;
  };
  const links: InstanceLink[] = [];
  if (uses(app, 'postgres')) {
    links.push({
      link: 'postgres',
      target: { host: need('POSTGRES_HOST'), port: Number(need('POSTGRES_PORT')) },
      through: (port) => ({ POSTGRES_HOST: '127.0.0.1', POSTGRES_PORT: String(port) }),
    });
  }
  // besides its own use of Redis, an instance that registers in the Redis registry keeps its entry there
  if (uses(app, 'redis') || env.SERVICE_REGISTRY === 'redis') {
    const url = new URL(need('REDIS_URL'));
    links.push({
      link: 'redis',
      target: { host: url.hostname.replace(/^\[(.*)\]$/, '$1'), port: Number(url.port || '6379') },
      through: (port) => {
        // user, password, database and options stay; only the address is the point's
        const routed = new URL(url.href);
        routed.hostname = '127.0.0.1';
        routed.port = String(port);
        return { REDIS_URL: routed.href };
      },
    });
  }
  const scaling = APPS.find((a) => a.name === app)?.scaling;
  if (scaling) {
    const { tcpPortVar, advertisedVar } = scaling;
    links.push({
      link: 'rpc',
      target: { host: '127.0.0.1', port: Number(need(tcpPortVar)) },
      through: (port) => ({ [advertisedVar]: `127.0.0.1:${port}` }),
    });
  }
  return links;
}
