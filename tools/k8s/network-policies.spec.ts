import { SERVICES, SERVICE_NAMES, readsLiveSettings, uses, type ServiceName } from '@shopmesh/config';
import type { INetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { KAFKA, MONITORING_NAMESPACE, REDIS, appLabels, calleesOf, migrationLabels, postgresOf, tcpPortOf } from './conventions';
import { mayConnect, type PodRef } from './network-reach';
import { OVERLAYS, named, ofKind, renderOverlay } from './rendered';

const POSTGRES_APPS = SERVICE_NAMES.filter((app) => uses(app, 'postgres'));
/** The apps a caller holds a client of: those it calls and those it operates (the gateway's ops console: payments). */
const calls = (caller: ServiceName, callee: ServiceName) => calleesOf(caller).includes(callee);

describe.each(OVERLAYS)('network policies of the %s overlay', (overlay) => {
  let policies: INetworkPolicy[];
  let namespace: string;
  beforeAll(() => {
    const { objects } = renderOverlay(overlay);
    policies = ofKind(objects, 'NetworkPolicy');
    namespace = named(objects, 'Deployment', 'gateway').metadata?.namespace ?? 'default';
  }, 180_000);

  const pod = (app: ServiceName): PodRef => ({ namespace, labels: appLabels(app) });
  const migration = (app: ServiceName): PodRef => ({ namespace, labels: migrationLabels(app) });
  const database = (app: ServiceName): PodRef => ({ namespace: 'databases', labels: postgresOf(app).podLabels });
  const redis: PodRef = { namespace: 'redis', labels: REDIS.podLabels };
  const kafka: PodRef = { namespace: 'kafka', labels: KAFKA.podLabels };
  const outsider: PodRef = { namespace: 'ingress-nginx', labels: { 'app.kubernetes.io/name': 'ingress-nginx' } };
  const neighbour: PodRef = { namespace: 'default', labels: { app: 'curl' } };
  const prometheus: PodRef = { namespace: MONITORING_NAMESPACE, labels: { 'app.kubernetes.io/name': 'prometheus' } };
  const dns: PodRef = { namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } };

  it('deny everything a policy does not allow, for every ShopMesh pod', () => {
    for (const app of SERVICE_NAMES) {
      // an arbitrary destination outside the cluster's known dependencies
      expect({ app, toInternet: mayConnect(policies, pod(app), neighbour, 443) }).toEqual({ app, toInternet: false });
    }
  });

  it('let only the gateway be reached from outside, on its HTTP port', () => {
    expect(mayConnect(policies, outsider, pod('gateway'), SERVICES.gateway.httpPort)).toBe(true);
    for (const app of SERVICE_NAMES.filter((a) => a !== 'gateway')) {
      for (const port of [tcpPortOf(app), SERVICES[app].httpPort]) {
        for (const from of [outsider, neighbour]) {
          expect({ app, port, from: from.namespace, allowed: mayConnect(policies, from, pod(app), port ?? 0) }).toEqual({
            app,
            port,
            from: from.namespace,
            allowed: false,
          });
        }
      }
    }
  });

  it('let each service be called only by the apps that call it', () => {
    for (const callee of SERVICE_NAMES.filter((a) => tcpPortOf(a) !== undefined)) {
      for (const caller of SERVICE_NAMES.filter((a) => a !== callee)) {
        const allowed = mayConnect(policies, pod(caller), pod(callee), tcpPortOf(callee) ?? 0);
        expect({ caller, callee, allowed }).toEqual({ caller, callee, allowed: calls(caller, callee) });
      }
    }
  });

  it('let each app reach only its own database, Redis if it uses it or reads the live settings, Kafka if it uses it, and the cluster DNS', () => {
    for (const app of SERVICE_NAMES) {
      for (const owner of POSTGRES_APPS) {
        const allowed = mayConnect(policies, pod(app), database(owner), postgresOf(owner).port);
        expect({ app, database: owner, allowed }).toEqual({ app, database: owner, allowed: app === owner });
      }
      expect({ app, redis: mayConnect(policies, pod(app), redis, REDIS.port) }).toEqual({
        app,
        redis: uses(app, 'redis') || readsLiveSettings(app),
      });
      expect({ app, kafka: mayConnect(policies, pod(app), kafka, KAFKA.port) }).toEqual({ app, kafka: uses(app, 'kafka') });
      expect(mayConnect(policies, pod(app), dns, 53, 'UDP')).toBe(true);
    }
  });

  it('let a migration Job reach its own database only', () => {
    for (const app of POSTGRES_APPS) {
      for (const owner of POSTGRES_APPS) {
        const allowed = mayConnect(policies, migration(app), database(owner), postgresOf(owner).port);
        expect({ job: app, database: owner, allowed }).toEqual({ job: app, database: owner, allowed: app === owner });
      }
      for (const service of SERVICE_NAMES.filter((a) => tcpPortOf(a) !== undefined)) {
        expect(mayConnect(policies, migration(app), pod(service), tcpPortOf(service) ?? 0)).toBe(false);
      }
      expect(mayConnect(policies, migration(app), kafka, KAFKA.port)).toBe(false);
    }
  });

  it('let Prometheus (the monitoring namespace) scrape every ops port', () => {
    for (const app of SERVICE_NAMES) {
      expect({ app, scrape: mayConnect(policies, prometheus, pod(app), SERVICES[app].httpPort) }).toEqual({ app, scrape: true });
    }
  });
});
