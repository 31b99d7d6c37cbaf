import { resolve } from 'node:path';
import { SERVICES, defaultDatabaseOf, envNamesOf, readEnvFile, serviceEnvShape, uses, type ServiceName } from '@shopmesh/config';
import type { IEnvVar } from 'kubernetes-models/v1/EnvVar';
import { REPO_ROOT } from '../infra/infra-config';
import { ADMIN_SECRET, JWT_KEYS, KAFKA, REDIS, SHUTDOWN_DRAIN_MS, calleesOf, postgresOf, tcpPortOf } from './conventions';

const secretRef = (name: string, key: string): Pick<IEnvVar, 'valueFrom'> => ({
  valueFrom: { secretKeyRef: { name, key } },
});

/** Values that differ from `.env.example` in a cluster, the same for every app. */
const CLUSTER_VALUES: Record<string, string> = {
  NODE_ENV: 'production',
  SHUTDOWN_DRAIN_MS: String(SHUTDOWN_DRAIN_MS),
  KAFKA_BROKERS: KAFKA.bootstrap,
  JWT_PRIVATE_KEY_FILE: `${JWT_KEYS.mountPath}/${JWT_KEYS.privateKey}`,
  JWT_PUBLIC_KEY_FILE: `${JWT_KEYS.mountPath}/${JWT_KEYS.publicKey}`,
  // no collector is assumed in a cluster (and the NetworkPolicies allow no egress to one): an overlay that
  // runs one sets TRACING_EXPORTER=zipkin, ZIPKIN_URL and TRACE_UI_URL, and allows the egress
  TRACING_EXPORTER: 'none',
};

/** The variables of one app whose value depends on the app (listen addresses, its database, whom it calls). */
function appValues(app: ServiceName): Record<string, string> {
  const names = envNamesOf(app);
  const decl = SERVICES[app];
  const values: Record<string, string> = { [names.httpHost]: '0.0.0.0', [names.httpPort]: String(decl.httpPort) };
  if ('tcpPort' in decl) {
    Object.assign(values, {
      [names.tcpHost]: '0.0.0.0',
      [names.tcpPort]: String(decl.tcpPort),
      // the pod's own address (POD_IP is set first), used when SERVICE_REGISTRY=redis
      [names.advertisedAddress]: `$(POD_IP):${decl.tcpPort}`,
    });
  }
  if (uses(app, 'postgres')) {
    Object.assign(values, {
      POSTGRES_HOST: postgresOf(app).host,
      POSTGRES_PORT: String(postgresOf(app).port),
      [names.database]: defaultDatabaseOf(app),
    });
  }
  for (const callee of calleesOf(app)) {
    const target = envNamesOf(callee);
    // the callee's headless Service: one DNS record per ready pod
    values[target.discovery] = 'dns';
    values[target.addresses] = `${callee}:${tcpPortOf(callee)}`;
  }
  return values;
}

/** Variables that come from Secrets, never from a committed value. */
function secretValue(app: ServiceName, variable: string): Pick<IEnvVar, 'valueFrom'> | undefined {
  const pg = postgresOf(app).secret;
  switch (variable) {
    case 'POSTGRES_USER':
      return secretRef(pg.name, pg.userKey);
    case 'POSTGRES_PASSWORD':
      return secretRef(pg.name, pg.passwordKey);
    case 'REDIS_URL':
      return secretRef(REDIS.secret.name, REDIS.secret.key);
    case 'ADMIN_EMAIL':
      return secretRef(ADMIN_SECRET.name, ADMIN_SECRET.emailKey);
    case 'ADMIN_PASSWORD':
      return secretRef(ADMIN_SECRET.name, ADMIN_SECRET.passwordKey);
    default:
      return undefined;
  }
}

/**
 * The environment of an app's container: exactly the variables it reads (`serviceEnvShape`), with
 * the `.env.example` value unless a cluster needs another, secrets by reference.
 * @throws if a variable has no value anywhere (it would be missing from `.env.example` too).
 */
export function appEnv(app: ServiceName): IEnvVar[] {
  const defaults = readEnvFile(resolve(REPO_ROOT, '.env.example'));
  const values = { ...defaults, ...CLUSTER_VALUES, ...appValues(app) };
  const env: IEnvVar[] = [];
  if ('tcpPort' in SERVICES[app]) env.push({ name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } });
  for (const variable of Object.keys(serviceEnvShape(app))) {
    const fromSecret = secretValue(app, variable);
    if (fromSecret) {
      env.push({ name: variable, ...fromSecret });
      continue;
    }
    const value = values[variable];
    if (value === undefined) throw new Error(`${app} reads ${variable}, which has no value (.env.example?)`);
    env.push({ name: variable, value });
  }
  return env;
}
