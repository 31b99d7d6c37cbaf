import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IHorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import type { IJob } from 'kubernetes-models/batch/v1/Job';
import type { INetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import type { IPodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import type { ISecret } from 'kubernetes-models/v1/Secret';
import type { IService } from 'kubernetes-models/v1/Service';
import { parseAllDocuments } from 'yaml';
import { REPO_ROOT } from '../infra/infra-config';

/** The kustomize overlays, by directory name under deploy/k8s/overlays. */
export const OVERLAYS = ['dev', 'prod'] as const;
export type Overlay = (typeof OVERLAYS)[number];

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  [field: string]: unknown;
}

interface KindMap {
  Deployment: IDeployment;
  Job: IJob;
  Service: IService;
  PodDisruptionBudget: IPodDisruptionBudget;
  HorizontalPodAutoscaler: IHorizontalPodAutoscaler;
  NetworkPolicy: INetworkPolicy;
  Secret: ISecret;
}

const run = (command: string, args: string[], input?: string) => {
  const result = spawnSync(command, args, { cwd: REPO_ROOT, input, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.error) throw new Error(`${command}: ${result.error.message} (is kubectl installed?)`);
  return result;
};

/** An overlay as `kubectl kustomize` renders it (offline: kustomize needs no cluster). */
export function renderOverlay(overlay: Overlay): { yaml: string; objects: K8sObject[] } {
  const result = run('kubectl', ['kustomize', resolve(REPO_ROOT, 'deploy/k8s/overlays', overlay)]);
  if (result.status !== 0) throw new Error(`kubectl kustomize ${overlay} failed: ${result.stderr}`);
  const objects = parseAllDocuments(result.stdout)
    .map((doc) => doc.toJS() as K8sObject | null)
    .filter((o): o is K8sObject => o !== null);
  return { yaml: result.stdout, objects };
}

/** Every object checked against the Kubernetes API schema (tools/k8s/check-schema.ts). */
export function checkSchema(yaml: string): { status: number | null; results: { kind: string; name: string; error?: string }[] } {
  const result = run('npx', ['--no-install', 'tsx', 'tools/k8s/check-schema.ts'], yaml);
  const results = result.stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { kind: string; name: string; error?: string });
  if (results.length === 0) throw new Error(`check-schema printed nothing: ${result.stderr}`);
  return { status: result.status, results };
}

/** Whether deploy/k8s/base is what the generator writes (`write-base.ts --check`; Prettier needs a real ESM loader). */
export function checkBaseIsGenerated(): { status: number | null; stale: string[] } {
  const result = run('npx', ['--no-install', 'tsx', 'tools/k8s/write-base.ts', '--check']);
  if (result.status !== 0 && !result.stdout) throw new Error(`write-base --check failed: ${result.stderr}`);
  return { status: result.status, stale: result.stdout.split('\n').filter(Boolean) };
}

/** The objects of one kind, typed. */
export const ofKind = <K extends keyof KindMap>(objects: readonly K8sObject[], kind: K): KindMap[K][] =>
  objects.filter((o) => o.kind === kind) as unknown as KindMap[K][];

/** The one object of a kind and name; fails the test if there is none. */
export function named<K extends keyof KindMap>(objects: readonly K8sObject[], kind: K, name: string): KindMap[K] {
  const found = ofKind(objects, kind).find((o) => o.metadata?.name === name);
  if (!found) throw new Error(`no ${kind} named ${name}`);
  return found;
}
