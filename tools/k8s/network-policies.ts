import { SERVICES, SERVICE_NAMES, readsLiveSettings, uses, type ServiceName } from '@shopmesh/config';
import type { INetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import type { INetworkPolicyEgressRule } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicyEgressRule';
import type { INetworkPolicyIngressRule } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicyIngressRule';
import {
  KAFKA,
  MONITORING_NAMESPACE,
  PART_OF,
  REDIS,
  appLabels,
  calleesOf,
  migrationLabels,
  postgresOf,
  tcpPortOf,
} from './conventions';

const partOf = { matchLabels: { 'app.kubernetes.io/part-of': PART_OF } };
const tcp = (port: number) => [{ protocol: 'TCP' as const, port }];
/** Pods with these labels in any namespace (the operators' clusters may live in their own). */
const anyNamespace = (labels: Record<string, string>) => ({ namespaceSelector: {}, podSelector: { matchLabels: labels } });

/** Every ShopMesh pod: no traffic in or out but what another policy allows. */
const defaultDeny: INetworkPolicy = {
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { name: 'default-deny' },
  spec: { podSelector: partOf, policyTypes: ['Ingress', 'Egress'] },
};

/** Every ShopMesh pod resolves names (the cluster DNS). */
const allowDns: INetworkPolicy = {
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { name: 'allow-dns' },
  spec: {
    podSelector: partOf,
    policyTypes: ['Egress'],
    egress: [
      {
        to: [
          {
            namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
            podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
          },
        ],
        ports: [
          { protocol: 'UDP', port: 53 },
          { protocol: 'TCP', port: 53 },
        ],
      },
    ],
  },
};

const callersOf = (app: ServiceName): ServiceName[] => SERVICE_NAMES.filter((caller) => calleesOf(caller).includes(app));

function ingressOf(app: ServiceName): INetworkPolicyIngressRule[] {
  const decl = SERVICES[app];
  const scrape: INetworkPolicyIngressRule = {
    from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': MONITORING_NAMESPACE } } }],
    ports: tcp(decl.httpPort),
  };
  // the gateway's port is the public API: from anywhere (an Ingress controller, a load balancer)
  if (!('tcpPort' in decl)) return [{ ports: tcp(decl.httpPort) }];
  const callers = callersOf(app);
  if (callers.length === 0) return [scrape];
  return [
    scrape,
    { from: callers.map((caller) => ({ podSelector: { matchLabels: appLabels(caller) } })), ports: tcp(decl.tcpPort) },
  ];
}

function egressOf(app: ServiceName): INetworkPolicyEgressRule[] {
  const rules: INetworkPolicyEgressRule[] = [];
  if (uses(app, 'postgres')) {
    const pg = postgresOf(app);
    rules.push({ to: [anyNamespace(pg.podLabels)], ports: tcp(pg.port) });
  }
  // the live settings are in Redis too
  if (uses(app, 'redis') || readsLiveSettings(app)) rules.push({ to: [anyNamespace(REDIS.podLabels)], ports: tcp(REDIS.port) });
  if (uses(app, 'kafka')) rules.push({ to: [anyNamespace(KAFKA.podLabels)], ports: tcp(KAFKA.port) });
  for (const callee of calleesOf(app)) {
    const port = tcpPortOf(callee);
    if (port === undefined) throw new Error(`${app} calls ${callee}, which has no TCP port`);
    rules.push({ to: [{ podSelector: { matchLabels: appLabels(callee) } }], ports: tcp(port) });
  }
  return rules;
}

/** What one app may receive (its callers, Prometheus; the gateway: anyone) and reach (its own dependencies). */
function appPolicy(app: ServiceName): INetworkPolicy {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: app, labels: appLabels(app) },
    spec: {
      podSelector: { matchLabels: appLabels(app) },
      policyTypes: ['Ingress', 'Egress'],
      ingress: ingressOf(app),
      egress: egressOf(app),
    },
  };
}

/** A migration Job reaches its own database, nothing else. */
function migrationPolicy(app: ServiceName): INetworkPolicy {
  const pg = postgresOf(app);
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: `${app}-migrate`, labels: migrationLabels(app) },
    spec: {
      podSelector: { matchLabels: migrationLabels(app) },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [],
      egress: [{ to: [anyNamespace(pg.podLabels)], ports: tcp(pg.port) }],
    },
  };
}

/** Default deny, DNS, and one policy per app (and per migration Job) derived from its declaration. */
export const networkPolicies = (): INetworkPolicy[] => [
  defaultDeny,
  allowDns,
  ...SERVICE_NAMES.map(appPolicy),
  ...SERVICE_NAMES.filter((app) => uses(app, 'postgres')).map(migrationPolicy),
];
