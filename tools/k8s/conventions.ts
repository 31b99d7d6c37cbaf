import { HARD_EXIT_MS } from '@shopmesh/bootstrap';
import { SERVICES, type ServiceName } from '@shopmesh/config';

/**
 * What the Kubernetes manifests assume about the cluster: the names the operators give the external
 * dependencies (CloudNativePG for Postgres, Strimzi for Kafka, any Redis), the Secrets an operator
 * creates, the labels, and the shutdown timing. The README's "Deploying to Kubernetes" names the same.
 */
export const PART_OF = 'shopmesh';

/** The RPC port of a service; undefined for the gateway. */
export const tcpPortOf = (app: ServiceName): number | undefined => (SERVICES[app] as { tcpPort?: number }).tcpPort;

export const appLabels = (app: ServiceName): Record<string, string> => ({
  'app.kubernetes.io/name': app,
  'app.kubernetes.io/part-of': PART_OF,
});

/** The pods of an app's migration Job. */
export const migrationLabels = (app: ServiceName): Record<string, string> => ({
  'app.kubernetes.io/name': `${app}-migrate`,
  'app.kubernetes.io/part-of': PART_OF,
  'app.kubernetes.io/component': 'migration',
});

/** The image of an app; the overlays set the registry and the tag (kustomize `images`). */
export const imageOf = (app: ServiceName): string => `shopmesh/${app}`;

/** Every app's container is named `app` (its migration init container `migrate`), so one patch fits all. */
export const APP_CONTAINER = 'app';

/** One CloudNativePG `Cluster` per database: its read-write Service, its pods' label, its app Secret. */
export const postgresOf = (app: ServiceName) => {
  const cluster = `${app}-postgres`;
  return {
    cluster,
    host: `${cluster}-rw`,
    port: 5432,
    podLabels: { 'cnpg.io/cluster': cluster },
    /** Created by CloudNativePG (`<cluster>-app`, type basic-auth), or by hand. */
    secret: { name: `${cluster}-app`, userKey: 'username', passwordKey: 'password' },
  };
};

/** A Strimzi `Kafka` named `shopmesh-kafka` with a plain listener on 9092. */
export const KAFKA = {
  bootstrap: 'shopmesh-kafka-kafka-bootstrap:9092',
  port: 9092,
  podLabels: { 'strimzi.io/cluster': 'shopmesh-kafka', 'strimzi.io/kind': 'Kafka' },
};

/** Redis (any operator or chart) whose pods carry `app.kubernetes.io/name: redis`; its URL is a Secret. */
export const REDIS = {
  port: 6379,
  podLabels: { 'app.kubernetes.io/name': 'redis' },
  secret: { name: 'shopmesh-redis', key: 'url' },
};

/** Identity's seeded admin account. */
export const ADMIN_SECRET = { name: 'identity-admin', emailKey: 'email', passwordKey: 'password' };

/** The access-token key pair (Ed25519 PEM): identity mounts both, the gateway the public key only. */
export const JWT_KEYS = {
  secret: 'shopmesh-jwt-keys',
  mountPath: '/keys',
  privateKey: 'jwt-private.pem',
  publicKey: 'jwt-public.pem',
};

/** Pods of this namespace may scrape every ops port (Prometheus). */
export const MONITORING_NAMESPACE = 'monitoring';

/**
 * Shutdown timing. Deleting a pod removes it from its Services' endpoints while `preStop` sleeps,
 * long enough for callers to drop it (DNS discovery re-resolves every 5 s, headless records live
 * 5 s); then SIGTERM: readiness turns false for SHUTDOWN_DRAIN_MS, servers close, in-flight work
 * finishes; the process exits by itself within HARD_EXIT_MS. The grace period covers all of it.
 */
export const PRE_STOP_SECONDS = 10;
export const SHUTDOWN_DRAIN_MS = 5000;
export const TERMINATION_GRACE_SECONDS = PRE_STOP_SECONDS + Math.ceil(HARD_EXIT_MS / 1000) + 2;

/** Every service an app holds a client of: those it calls and those it only operates (`observes`). */
export const calleesOf = (app: ServiceName): ServiceName[] => [
  ...(SERVICES[app].calls as readonly ServiceName[]),
  ...((('observes' in SERVICES[app] ? SERVICES[app].observes : undefined) ?? []) as readonly ServiceName[]),
];
