import { DEFAULT_REGISTRY_NAMESPACE, SERVICES, envNamesOf, type ServiceName } from '@shopmesh/config';
import { APPS, INSTANCE_PORT_STEP, type AppSpec } from './apps';
import type { Placement, SupervisedInstance, SupervisorOptions } from './supervisor';

/** The app `npm run up` runs behind its HTTP balancer, on instances of its own ports. */
export const BALANCED_APP: ServiceName = 'gateway';

/** Instances of the balanced app when `--scale` does not say: two, so that one can restart while the other serves. */
export const DEFAULT_BALANCED_INSTANCES = 2;

/**
 * How far a replacement's ports are from the instance's own during a rolling restart: catalog on
 * 4002/9102 is replaced by a process on 24002/29102 (and back on the next restart). Far above the
 * ports of 99 scaled instances, below the ephemeral range.
 */
export const SURGE_PORT_OFFSET = 20_000;

/** What a release asks each new gateway itself before the balancer moves to it: its readiness, and a public read. */
export const RELEASE_SMOKE_PATHS = ['/health/ready', '/v1/products?limit=1'];

/** What `npm run up` runs: every instance, in start order, the balancer in front of the gateway, the two release sets. */
export interface PlatformPlan {
  instances: SupervisedInstance[];
  balancer: NonNullable<SupervisorOptions['balancer']>;
  releaseSets: NonNullable<SupervisorOptions['releaseSets']>;
}

/** A port `by` above, or below if above is past 65535. */
const moved = (port: number, by: number): string => String(port + by <= 65_535 ? port + by : port - by);

/**
 * The ports of a process of an app `by` away from those `.env` gives it, and the variables that set
 * them (none at `by` 0: `.env`'s own); a service also registers under its new TCP port.
 */
function placementAt(app: AppSpec, env: Readonly<Record<string, string>>, by: number): Placement {
  const httpPort = moved(Number(env[app.httpPortVar]), by);
  if (by === 0) return { httpPort, env: {} };
  if (!app.scaling) return { httpPort, env: { [app.httpPortVar]: httpPort } };
  const tcpPort = moved(Number(env[app.scaling.tcpPortVar]), by);
  const host = (env[app.scaling.advertisedVar] ?? '127.0.0.1:0').split(':')[0] ?? '127.0.0.1';
  return {
    httpPort,
    env: { [app.httpPortVar]: httpPort, [app.scaling.tcpPortVar]: tcpPort, [app.scaling.advertisedVar]: `${host}:${tcpPort}` },
  };
}

/**
 * Every app's instances (`scale`: how many of an app, one by default, {@link DEFAULT_BALANCED_INSTANCES}
 * gateways) with the ports of each and of its surge replacement. Services register in the Redis
 * registry and their callers discover them there, so an instance on new ports (a replacement, a
 * blue-green set) is found within a refresh, and one that stops is deregistered before it drains.
 * The gateways listen on ports of their own (`GATEWAY_PORT` + 10 × n); the balancer takes `GATEWAY_PORT`.
 * A blue-green release runs its new set in a registry namespace of its own (`<namespace>-green`, and
 * back on the next release): until the switch, the old gateways call only old services and the
 * new set, smoke-tested through its own gateways, only new ones.
 */
export function platformPlan(
  env: Readonly<Record<string, string>>,
  scale: ReadonlyMap<string, number> = new Map(),
): PlatformPlan {
  const discovery: Record<string, string> = { SERVICE_REGISTRY: 'redis' };
  for (const app of APPS) if (app.scaling) discovery[envNamesOf(app.name).discovery] = 'redis';
  const instances = APPS.flatMap((app) => {
    const balanced = app.name === BALANCED_APP;
    const count = scale.get(app.name) ?? (balanced ? DEFAULT_BALANCED_INSTANCES : 1);
    return Array.from({ length: count }, (_, i): SupervisedInstance => {
      // instance n of a service is 10 × (n - 1) above `.env`'s ports; gateways 10 × n, the balancer has GATEWAY_PORT
      const by = (balanced ? i + 1 : i) * INSTANCE_PORT_STEP;
      const own = placementAt(app, env, by);
      const surge = placementAt(app, env, by + SURGE_PORT_OFFSET);
      return {
        id: i === 0 ? app.name : `${app.name}-${i + 1}`,
        app: app.name,
        httpPort: own.httpPort,
        env: { ...discovery, ...own.env },
        surge: { httpPort: surge.httpPort, env: { ...discovery, ...surge.env } },
        after: SERVICES[app.name].calls,
      };
    });
  });
  const balancerHost = env[envNamesOf(BALANCED_APP).httpHost] ?? '127.0.0.1';
  const namespace = env.REGISTRY_NAMESPACE ?? DEFAULT_REGISTRY_NAMESPACE;
  return {
    instances,
    balancer: {
      app: BALANCED_APP,
      host: balancerHost,
      port: Number(env[envNamesOf(BALANCED_APP).httpPort]),
      smokePaths: RELEASE_SMOKE_PATHS,
    },
    releaseSets: { blue: { REGISTRY_NAMESPACE: namespace }, green: { REGISTRY_NAMESPACE: `${namespace}-green` } },
  };
}

/**
 * `--scale orders=2,inventory=2`, `--scale catalog=2 --scale orders=3` or `--scale=catalog=2`: how
 * many instances of each app (a service with a TCP port, or the balanced gateway).
 */
export function parseScale(args: readonly string[]): Map<string, number> {
  const scale = new Map<string, number>();
  const scalable = (a: AppSpec) => a.scaling !== undefined || a.name === BALANCED_APP;
  args.forEach((arg, i) => {
    const value = arg.startsWith('--scale=') ? arg.slice(8) : arg === '--scale' ? args[i + 1] : undefined;
    if (value === undefined) return;
    for (const part of value.split(',')) {
      const [app, n] = part.split('=');
      const spec = APPS.find((a) => a.name === app);
      if (!spec || !scalable(spec) || !n || !/^[1-9]\d?$/.test(n))
        throw new Error(
          `--scale ${part}: expected <app>=<1-99>[,<app>=<1-99>…] for apps among ${APPS.filter(scalable)
            .map((a) => a.name)
            .join(', ')}`,
        );
      scale.set(spec.name, Number(n));
    }
  });
  return scale;
}
