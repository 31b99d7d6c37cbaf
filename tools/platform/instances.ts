import { APP_NODE_FLAGS } from '@shopmesh/config';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { REPO_ROOT } from '../infra/infra-config';
import { isAlive, stopPid } from '../infra/processes';
import { waitFor } from '../infra/wait-until';
import type { AppSpec } from './apps';

export const LOG_DIR = resolve(REPO_ROOT, '.run/logs');
export const STATE_DIR = resolve(REPO_ROOT, '.run/instances');

/** One running process of an app, as `up` started it. */
export interface InstanceState {
  /** `catalog`, `catalog-2`, … */
  id: string;
  app: string;
  pid: number;
  httpPort: string;
  /** Variables that differ from `.env` for this instance (its ports). */
  env: Record<string, string>;
}

const stateFile = (id: string): string => resolve(STATE_DIR, `${id}.json`);
export const logFileOf = (id: string): string => resolve(LOG_DIR, `${id}.log`);

/** The instances `up` started that are still running (stale records are removed). */
export function runningInstances(app?: string): InstanceState[] {
  if (!existsSync(STATE_DIR)) return [];
  return readdirSync(STATE_DIR)
    .filter((f) => f.endsWith('.json'))
    .map((f) => JSON.parse(readFileSync(resolve(STATE_DIR, f), 'utf8')) as InstanceState)
    .filter((s) => (app === undefined || s.app === app) && (isAlive(s.pid) || (rmSync(stateFile(s.id), { force: true }), false)))
    .sort((a, b) => a.id.localeCompare(b.id, undefined, { numeric: true }));
}

/** Starts an instance detached (it outlives `up`), its output appended to `.run/logs/<id>.log`. */
export function startInstance(
  app: AppSpec,
  plan: { id: string; httpPort: string; env: Record<string, string> },
  extraEnv: Record<string, string> = {},
): InstanceState {
  mkdirSync(LOG_DIR, { recursive: true });
  mkdirSync(STATE_DIR, { recursive: true });
  const out = openSync(logFileOf(plan.id), 'a');
  const env = { ...plan.env, ...extraEnv };
  const child = spawn(process.execPath, [...APP_NODE_FLAGS, resolve(REPO_ROOT, `dist/apps/${app.name}/src/main.js`)], {
    cwd: REPO_ROOT,
    detached: true,
    stdio: ['ignore', out, out],
    env: { ...process.env, ...env },
  });
  child.unref();
  if (!child.pid) throw new Error(`${plan.id}: did not start`);
  const state: InstanceState = { id: plan.id, app: app.name, pid: child.pid, httpPort: plan.httpPort, env };
  writeFileSync(stateFile(plan.id), JSON.stringify(state));
  return state;
}

export async function waitReady(state: InstanceState): Promise<void> {
  await waitFor(
    `${state.id} readiness (see ${logFileOf(state.id)})`,
    async () => {
      if (!isAlive(state.pid)) throw new Error(`${state.id} exited; see ${logFileOf(state.id)}`);
      return (await fetch(`http://127.0.0.1:${state.httpPort}/health/ready`)).status === 200;
    },
    60_000,
    250,
  );
}

/** SIGTERM (the app drains: unready and deregistered first, in-flight calls finish), then forget it. */
export async function stopInstance(state: InstanceState): Promise<void> {
  await stopPid(state.pid, 30_000);
  rmSync(stateFile(state.id), { force: true });
}
