import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { HARD_EXIT_MS } from '@shopmesh/bootstrap';
import {
  SERVICES,
  SERVICE_NAMES,
  envNamesOf,
  loadServiceConfig,
  serviceEnvShape,
  uses,
  type ServiceName,
} from '@shopmesh/config';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IPodSpec } from 'kubernetes-models/v1/PodSpec';
import { REPO_ROOT } from '../infra/infra-config';
import { OVERLAYS, checkBaseIsGenerated, checkSchema, named, ofKind, renderOverlay, type K8sObject } from './rendered';

/** Spawning kubectl and tsx: seconds on an idle machine, far more on a loaded CI runner. */
const SLOW_MS = 180_000;
const POSTGRES_APPS = SERVICE_NAMES.filter((app) => uses(app, 'postgres'));
const SECRET_VARIABLES = ['POSTGRES_USER', 'POSTGRES_PASSWORD', 'REDIS_URL', 'ADMIN_EMAIL', 'ADMIN_PASSWORD'];
/** What a Secret would hold, for checking the whole environment with the apps' own config schema. */
const SAMPLE_SECRET_VALUES: Record<string, string> = { REDIS_URL: 'redis://redis:6379' };

/**
 * The environment a container gets, resolved as the kubelet would (`$(VAR)` from earlier entries,
 * the pod IP, secrets replaced by sample values).
 */
function resolvedEnv(container: IContainer): Record<string, string> {
  const env: Record<string, string> = {};
  for (const entry of container.env ?? []) {
    if (entry.valueFrom?.fieldRef) env[entry.name] = '10.0.0.7';
    else if (entry.valueFrom?.secretKeyRef) env[entry.name] = SAMPLE_SECRET_VALUES[entry.name] ?? 'from-a-secret';
    else env[entry.name] = (entry.value ?? '').replace(/\$\(([A-Z_]+)\)/g, (_, name: string) => env[name] ?? '');
  }
  return env;
}

/** Every variable the app reads is set (each once), the secrets by reference, and the app's config accepts them. */
function expectEnvOf(app: ServiceName, container: IContainer): void {
  const names = (container.env ?? []).map((e) => e.name);
  expect(container.envFrom ?? []).toEqual([]);
  expect(names.filter((n, i) => names.indexOf(n) !== i)).toEqual([]);
  const missing = Object.keys(serviceEnvShape(app)).filter((variable) => !names.includes(variable));
  expect({ app, missing }).toEqual({ app, missing: [] });
  for (const entry of container.env ?? []) {
    if (SECRET_VARIABLES.includes(entry.name))
      expect({ [entry.name]: entry.valueFrom?.secretKeyRef?.name }).toEqual({ [entry.name]: expect.any(String) });
  }
  expect(() => loadServiceConfig(app, resolvedEnv(container))).not.toThrow();
}

function expectLockedDown(pod: IPodSpec | undefined): void {
  expect(pod?.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: expect.any(Number) });
  expect(pod?.securityContext?.runAsUser).toBeGreaterThan(0);
  expect(pod?.automountServiceAccountToken).toBe(false);
  for (const container of [...(pod?.initContainers ?? []), ...(pod?.containers ?? [])]) {
    expect({ name: container.name, ...container.securityContext }).toMatchObject({
      name: container.name,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
    });
    const tmp = container.volumeMounts?.find((m) => m.mountPath === '/tmp');
    expect(pod?.volumes?.find((v) => v.name === tmp?.name)?.emptyDir).toBeDefined();
    expect(container.resources).toMatchObject({
      requests: { cpu: expect.anything(), memory: expect.anything() },
      limits: { cpu: expect.anything(), memory: expect.anything() },
    });
  }
}

const appContainerOf = (pod: IPodSpec | undefined): IContainer => {
  const container = pod?.containers.find((c) => c.name === 'app');
  if (!container) throw new Error('no container named app');
  return container;
};

describe('the kustomize base (deploy/k8s/base)', () => {
  it(
    'is what `npm run k8s:generate` writes from the declarations',
    () => {
      expect(checkBaseIsGenerated()).toEqual({ status: 0, stale: [] });
    },
    SLOW_MS,
  );
});

describe.each(OVERLAYS)('the %s overlay, rendered by kubectl kustomize', (overlay) => {
  let yaml: string;
  let objects: K8sObject[];
  beforeAll(() => ({ yaml, objects } = renderOverlay(overlay)), SLOW_MS);

  it(
    'holds only objects that are valid against the Kubernetes 1.36 API schema, of kinds and fields it knows',
    () => {
      const { status, results } = checkSchema(yaml);
      expect(results.filter((r) => r.error)).toEqual([]);
      expect(status).toBe(0);
      expect(results).toHaveLength(objects.length);
    },
    SLOW_MS,
  );

  it.each(SERVICE_NAMES)('%s: its Deployment sets every variable it reads, secrets by reference', (app) => {
    const pod = named(objects, 'Deployment', app).spec?.template.spec;
    expectEnvOf(app, appContainerOf(pod));
    for (const init of pod?.initContainers ?? []) expectEnvOf(app, init);
  });

  it.each(SERVICE_NAMES)('%s: probes on its ops port, resources, non-root, read-only root filesystem', (app) => {
    const pod = named(objects, 'Deployment', app).spec?.template.spec;
    const container = appContainerOf(pod);
    const httpPort = container.ports?.find((p) => p.containerPort === SERVICES[app].httpPort)?.name;
    expect(httpPort).toBeDefined();
    const opsPort = resolvedEnv(container)[envNamesOf(app).httpPort];
    expect(opsPort).toBe(String(SERVICES[app].httpPort));
    expect(container.startupProbe?.httpGet).toEqual({ path: '/health/live', port: httpPort });
    expect(container.livenessProbe?.httpGet).toEqual({ path: '/health/live', port: httpPort });
    expect(container.readinessProbe?.httpGet).toEqual({ path: '/health/ready', port: httpPort });
    // the app answers 503 within its own check deadline, before the probe gives up on it
    expect(Number(resolvedEnv(container).HEALTH_CHECK_TIMEOUT_MS)).toBeLessThan(
      (container.readinessProbe?.timeoutSeconds ?? 1) * 1000,
    );
    expectLockedDown(pod);
  });

  it.each(SERVICE_NAMES)('%s: rolls without going below its pods; preStop and grace period cover the drain', (app) => {
    const deployment = named(objects, 'Deployment', app);
    expect(deployment.spec?.strategy).toMatchObject({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0 } });
    expect(deployment.spec?.replicas).toBeUndefined(); // the autoscaler owns it
    const pod = deployment.spec?.template.spec;
    const container = appContainerOf(pod);
    const preStop = container.lifecycle?.preStop?.sleep?.seconds ?? 0;
    expect(preStop).toBeGreaterThanOrEqual(5);
    const drainMs = Number(resolvedEnv(container).SHUTDOWN_DRAIN_MS);
    // readiness is probed at least once while the app drains, and the process exits before the kubelet kills it
    expect(drainMs).toBeGreaterThanOrEqual((container.readinessProbe?.periodSeconds ?? 10) * 1000);
    expect(drainMs).toBeLessThan(HARD_EXIT_MS);
    expect(pod?.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(preStop + Math.ceil(HARD_EXIT_MS / 1000));
  });

  it.each(SERVICE_NAMES)('%s: a disruption budget and an autoscaler for its Deployment', (app) => {
    const deployment = named(objects, 'Deployment', app);
    const selector = deployment.spec?.selector.matchLabels;
    expect(deployment.spec?.template.metadata?.labels).toMatchObject(selector ?? { missing: 'selector' });
    const budgets = ofKind(objects, 'PodDisruptionBudget').filter(
      (b) => JSON.stringify(b.spec?.selector?.matchLabels) === JSON.stringify(selector),
    );
    expect(budgets).toHaveLength(1);
    expect(budgets[0]?.spec?.maxUnavailable ?? budgets[0]?.spec?.minAvailable).toBeDefined();
    const scalers = ofKind(objects, 'HorizontalPodAutoscaler').filter((h) => h.spec?.scaleTargetRef.name === app);
    expect(scalers).toHaveLength(1);
    expect(scalers[0]?.spec?.scaleTargetRef.kind).toBe('Deployment');
    expect(scalers[0]?.spec?.minReplicas).toBeGreaterThanOrEqual(overlay === 'prod' ? 2 : 1);
    expect(scalers[0]?.spec?.maxReplicas).toBeGreaterThan(scalers[0]?.spec?.minReplicas ?? 0);
  });

  it.each(SERVICE_NAMES.filter((app) => 'tcpPort' in SERVICES[app]))(
    '%s: a headless Service on its RPC port, which its callers discover by DNS',
    (app) => {
      const service = named(objects, 'Service', app);
      const tcpPort = (SERVICES[app] as { tcpPort: number }).tcpPort;
      expect(service.spec?.clusterIP).toBe('None');
      expect(named(objects, 'Deployment', app).spec?.template.metadata?.labels).toMatchObject(
        service.spec?.selector ?? { none: '' },
      );
      expect(service.spec?.ports?.find((p) => p.port === tcpPort)?.targetPort).toBe('rpc');
      for (const caller of SERVICE_NAMES.filter((c) => (SERVICES[c].calls as readonly string[]).includes(app))) {
        const env = resolvedEnv(appContainerOf(named(objects, 'Deployment', caller).spec?.template.spec));
        expect({ caller, discovery: env[envNamesOf(app).discovery], addresses: env[envNamesOf(app).addresses] }).toEqual({
          caller,
          discovery: 'dns',
          addresses: `${app}:${tcpPort}`,
        });
      }
    },
  );

  it.each(POSTGRES_APPS)('%s: its migrations run before its new version starts (init container) and as a Job', (app) => {
    const script = `dist/apps/${app}/src/database/migrate.js`;
    expect(existsSync(resolve(REPO_ROOT, `apps/${app}/src/database/migrate.ts`))).toBe(true);
    const deployment = named(objects, 'Deployment', app);
    const image = appContainerOf(deployment.spec?.template.spec).image;
    const init = deployment.spec?.template.spec?.initContainers ?? [];
    expect(init.map((c) => ({ command: c.command, image: c.image }))).toEqual([{ command: ['node', script], image }]);
    const job = named(objects, 'Job', `${app}-migrate`);
    const jobPod = job.spec?.template.spec;
    expect(appContainerOf(jobPod)).toMatchObject({ command: ['node', script], image });
    expectEnvOf(app, appContainerOf(jobPod));
    expectLockedDown(jobPod);
    // not one of the app's pods (its Service, budget and autoscaler do not count it)
    expect(job.spec?.template.metadata?.labels).not.toMatchObject(deployment.spec?.selector.matchLabels ?? {});
  });

  it('references Secrets it does not hold only by name, and names each in the README', () => {
    const readme = readFileSync(resolve(REPO_ROOT, 'README.md'), 'utf8');
    const held = ofKind(objects, 'Secret').map((s) => s.metadata?.name);
    const referenced = new Set<string>();
    for (const object of objects) {
      JSON.stringify(object, (key, value: unknown) => {
        if ((key === 'secretKeyRef' || key === 'secretRef') && value && typeof value === 'object')
          referenced.add((value as { name: string }).name);
        if (key === 'secretName' && typeof value === 'string') referenced.add(value);
        return value;
      });
    }
    expect(referenced.size).toBeGreaterThan(0);
    const notHeld = [...referenced].filter((name) => !held.includes(name));
    expect(notHeld.filter((name) => !readme.includes(`\`${name}\``))).toEqual([]);
    if (overlay === 'prod') expect(held).toEqual([]);
  });
});
