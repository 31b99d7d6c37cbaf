import { APP_NODE_FLAGS, SERVICES, uses, type ServiceName } from '@shopmesh/config';
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IHorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import type { IJob } from 'kubernetes-models/batch/v1/Job';
import type { IPodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IPodSpec } from 'kubernetes-models/v1/PodSpec';
import type { IProbe } from 'kubernetes-models/v1/Probe';
import type { IService } from 'kubernetes-models/v1/Service';
import type { IVolume } from 'kubernetes-models/v1/Volume';
import type { IVolumeMount } from 'kubernetes-models/v1/VolumeMount';
import { appEnv } from './app-env';
import {
  APP_CONTAINER,
  JWT_KEYS,
  PRE_STOP_SECONDS,
  TERMINATION_GRACE_SECONDS,
  appLabels,
  imageOf,
  migrationLabels,
} from './conventions';

const migrateScript = (app: ServiceName) => `dist/apps/${app}/src/database/migrate.js`;

/** Read-only root filesystem, no privilege, every capability dropped. */
const containerSecurity: IContainer['securityContext'] = {
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  capabilities: { drop: ['ALL'] },
};

/**
 * The image's user `node` (uid 1000), numeric so the kubelet can check it is not root; the group
 * (fsGroup) can read the mounted key files.
 */
const podSecurity: IPodSpec['securityContext'] = {
  runAsNonRoot: true,
  runAsUser: 1000,
  runAsGroup: 1000,
  fsGroup: 1000,
  seccompProfile: { type: 'RuntimeDefault' },
};

const resources: IContainer['resources'] = {
  requests: { cpu: '100m', memory: '192Mi' },
  limits: { cpu: '1', memory: '512Mi' },
};

const migrationResources: IContainer['resources'] = {
  requests: { cpu: '50m', memory: '128Mi' },
  limits: { cpu: '500m', memory: '256Mi' },
};

function volumesOf(app: ServiceName): { volumes: IVolume[]; mounts: IVolumeMount[] } {
  const volumes: IVolume[] = [{ name: 'tmp', emptyDir: { sizeLimit: '64Mi' } }];
  const mounts: IVolumeMount[] = [{ name: 'tmp', mountPath: '/tmp' }];
  const keyFiles = { identity: [JWT_KEYS.privateKey, JWT_KEYS.publicKey], gateway: [JWT_KEYS.publicKey] }[app as string];
  if (keyFiles) {
    volumes.push({
      name: 'jwt-keys',
      secret: { secretName: JWT_KEYS.secret, items: keyFiles.map((key) => ({ key, path: key })), defaultMode: 0o440 },
    });
    mounts.push({ name: 'jwt-keys', mountPath: JWT_KEYS.mountPath, readOnly: true });
  }
  return { volumes, mounts };
}

const httpProbe = (path: string, probe: Omit<IProbe, 'httpGet'>): IProbe => ({
  httpGet: { path, port: 'http' },
  ...probe,
});

function appContainer(app: ServiceName, mounts: IVolumeMount[]): IContainer {
  const decl = SERVICES[app];
  return {
    name: APP_CONTAINER,
    image: imageOf(app),
    command: ['node', ...APP_NODE_FLAGS, `dist/apps/${app}/src/main.js`],
    ports: [
      { name: 'http', containerPort: decl.httpPort, protocol: 'TCP' },
      ...('tcpPort' in decl ? [{ name: 'rpc', containerPort: decl.tcpPort, protocol: 'TCP' as const }] : []),
    ],
    env: appEnv(app),
    resources,
    // up to 60 s to start (migrations ran before, in the init container)
    startupProbe: httpProbe('/health/live', { periodSeconds: 2, timeoutSeconds: 2, failureThreshold: 30 }),
    readinessProbe: httpProbe('/health/ready', { periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 2 }),
    livenessProbe: httpProbe('/health/live', { periodSeconds: 10, timeoutSeconds: 3, failureThreshold: 3 }),
    lifecycle: { preStop: { sleep: { seconds: PRE_STOP_SECONDS } } },
    securityContext: containerSecurity,
    volumeMounts: mounts,
  };
}

function migrationContainer(app: ServiceName, name: string): IContainer {
  return {
    name,
    image: imageOf(app),
    command: ['node', migrateScript(app)],
    env: appEnv(app),
    resources: migrationResources,
    securityContext: containerSecurity,
    volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
  };
}

/**
 * An app's Deployment: rolling updates that never go below the wanted replicas, probes on the ops
 * port, a preStop pause and a grace period that cover the drain; for an app with a database, an
 * init container that applies its migrations before the new version starts.
 */
export function deploymentOf(app: ServiceName): IDeployment {
  const { volumes, mounts } = volumesOf(app);
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: app, labels: appLabels(app) },
    spec: {
      // no `replicas`: the HorizontalPodAutoscaler owns it
      revisionHistoryLimit: 5,
      selector: { matchLabels: appLabels(app) },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
      template: {
        metadata: { labels: appLabels(app) },
        spec: {
          automountServiceAccountToken: false,
          // Service links would add variables such as GATEWAY_PORT=tcp://...: the apps read their own
          enableServiceLinks: false,
          terminationGracePeriodSeconds: TERMINATION_GRACE_SECONDS,
          securityContext: podSecurity,
          topologySpreadConstraints: [
            {
              maxSkew: 1,
              topologyKey: 'kubernetes.io/hostname',
              whenUnsatisfiable: 'ScheduleAnyway',
              labelSelector: { matchLabels: appLabels(app) },
            },
          ],
          ...(uses(app, 'postgres') ? { initContainers: [migrationContainer(app, 'migrate')] } : {}),
          containers: [appContainer(app, mounts)],
          volumes,
        },
      },
    },
  };
}

/**
 * The migration Job of an app's database. Argo CD runs it as a PreSync hook (before the new
 * Deployment is applied); `deploy/k8s/apply.sh` runs it and waits for it before applying the rest.
 */
export function migrationJobOf(app: ServiceName): IJob {
  // not the app's labels: its Service, budget and autoscaler must not count this pod
  const labels = migrationLabels(app);
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name: `${app}-migrate`,
      labels,
      annotations: {
        'argocd.argoproj.io/hook': 'PreSync',
        'argocd.argoproj.io/hook-delete-policy': 'BeforeHookCreation',
      },
    },
    spec: {
      backoffLimit: 3,
      activeDeadlineSeconds: 600,
      ttlSecondsAfterFinished: 86_400,
      template: {
        metadata: { labels },
        spec: {
          restartPolicy: 'Never',
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          securityContext: podSecurity,
          containers: [migrationContainer(app, APP_CONTAINER)],
          volumes: [{ name: 'tmp', emptyDir: { sizeLimit: '64Mi' } }],
        },
      },
    },
  };
}

/**
 * A service's headless Service (one DNS record per ready pod: the callers' `dns` discovery); the
 * gateway's is a plain ClusterIP Service for an Ingress or a load balancer.
 */
export function serviceOf(app: ServiceName): IService {
  const decl = SERVICES[app];
  const metadata = { name: app, labels: appLabels(app) };
  if (!('tcpPort' in decl)) {
    return {
      apiVersion: 'v1',
      kind: 'Service',
      metadata,
      spec: {
        type: 'ClusterIP',
        selector: appLabels(app),
        ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }],
      },
    };
  }
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata,
    spec: {
      clusterIP: 'None',
      selector: appLabels(app),
      ports: [
        { name: 'rpc', port: decl.tcpPort, targetPort: 'rpc', protocol: 'TCP' },
        { name: 'http', port: decl.httpPort, targetPort: 'http', protocol: 'TCP' },
      ],
    },
  };
}

/** At most one pod of an app down at a time for voluntary disruptions (node drains). */
export function disruptionBudgetOf(app: ServiceName): IPodDisruptionBudget {
  return {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: { name: app, labels: appLabels(app) },
    spec: { maxUnavailable: 1, selector: { matchLabels: appLabels(app) } },
  };
}

/** Two to six pods by CPU; scaling down slowly, so a short lull does not undo a scale-up. */
export function autoscalerOf(app: ServiceName): IHorizontalPodAutoscaler {
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name: app, labels: appLabels(app) },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: app },
      minReplicas: 2,
      maxReplicas: 6,
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }],
      behavior: { scaleDown: { stabilizationWindowSeconds: 300 } },
    },
  };
}
