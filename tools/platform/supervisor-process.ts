import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { REPO_ROOT } from '../infra/infra-config';
import { ownedPid } from '../infra/processes';
import type { SupervisionPolicy } from './supervision-policy';
import type { SupervisedInstance, SupervisorOptions, SupervisorStatus } from './supervisor';

/** The supervisor's files: what `up` asks it to run, its pid, and where it listens. */
export const SUPERVISOR_DIR = resolve(REPO_ROOT, '.run/supervisor');
export const SUPERVISOR_SPEC = resolve(SUPERVISOR_DIR, 'spec.json');
export const SUPERVISOR_PID = resolve(SUPERVISOR_DIR, 'supervisor.pid');
export const SUPERVISOR_INFO = resolve(SUPERVISOR_DIR, 'supervisor.json');
export const SUPERVISOR_LOCK = resolve(SUPERVISOR_DIR, 'start.lock');
/** The script `up` runs detached (`node --import tsx <script> <spec>`). */
export const SUPERVISOR_SCRIPT = resolve(REPO_ROOT, 'tools/platform/supervisor-main.ts');
/** The targets file the repository's Prometheus discovers the instances from. */
export const SCRAPE_TARGETS_FILE = resolve(REPO_ROOT, '.run/prometheus/targets.json');

/** What `up` writes for the supervisor to run. */
export interface SupervisorSpec {
  instances: SupervisedInstance[];
  host: string;
  port: number;
  policy: SupervisionPolicy;
  balancer?: SupervisorOptions['balancer'];
  releaseSets?: SupervisorOptions['releaseSets'];
  faultPoints?: boolean;
}

/** What the running supervisor writes to `supervisor.json`: its pid, its address, and whether it runs fault points. */
export interface SupervisorInfo {
  pid: number;
  url: string;
  faultPoints?: boolean;
}

/** The supervisor of this checkout, if it runs: its pid and HTTP address. */
export function runningSupervisor(): SupervisorInfo | undefined {
  const pid = ownedPid(SUPERVISOR_PID, ['supervisor-main']);
  if (pid === undefined || !existsSync(SUPERVISOR_INFO)) return undefined;
  const info = JSON.parse(readFileSync(SUPERVISOR_INFO, 'utf8')) as SupervisorInfo;
  return info.pid === pid ? info : undefined;
}

export async function supervisorStatus(url: string): Promise<SupervisorStatus> {
  const res = await fetch(`${url}/status`, { signal: AbortSignal.timeout(5000) });
  if (res.status !== 200) throw new Error(`supervisor /status answered ${res.status}`);
  return (await res.json()) as SupervisorStatus;
}
