import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { readEnvFile } from '@shopmesh/config';
import { REPO_ROOT } from '../infra/infra-config';
import { withFileLock } from '../infra/file-lock';
import { LOG_DIR, STATE_DIR } from './instances';
import { Supervisor } from './supervisor';
import {
  SCRAPE_TARGETS_FILE,
  SUPERVISOR_DIR,
  SUPERVISOR_INFO,
  SUPERVISOR_LOCK,
  SUPERVISOR_PID,
  runningSupervisor,
  type SupervisorInfo,
  type SupervisorSpec,
} from './supervisor-process';

/**
 * The supervisor process `npm run up` starts detached (one per checkout): runs the instances of
 * the spec `up` wrote, until SIGTERM (`npm run down`), which ends the supervision and leaves the
 * instances for `down` to stop. With fault points it stops the instances itself first (callers
 * first, each drained): they reach Postgres, Redis and each other through its points, which end with it.
 */
async function main(specFile: string): Promise<void> {
  const spec = JSON.parse(readFileSync(specFile, 'utf8')) as SupervisorSpec;
  mkdirSync(SUPERVISOR_DIR, { recursive: true });
  withFileLock(SUPERVISOR_LOCK, 10_000, () => {
    const other = runningSupervisor();
    if (other) throw new Error(`a supervisor already runs (pid ${other.pid}, ${other.url})`);
    writeFileSync(SUPERVISOR_PID, `${process.pid}\n`);
  });
  // `.env` under the process's own variables, as every app reads them: the fault points need the
  // addresses the apps will use (POSTGRES_*, REDIS_URL), which most often come from `.env` alone
  const childEnv = {
    ...readEnvFile(resolve(REPO_ROOT, '.env')),
    ...Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined)),
  };
  const supervisor = new Supervisor({
    instances: spec.instances,
    childEnv,
    cwd: REPO_ROOT,
    logDir: LOG_DIR,
    stateDir: STATE_DIR,
    targetsFile: SCRAPE_TARGETS_FILE,
    host: spec.host,
    port: spec.port,
    policy: spec.policy,
    balancer: spec.balancer,
    releaseSets: spec.releaseSets,
    faultPoints: spec.faultPoints,
    echo: (line) => void process.stdout.write(`${line}\n`),
  });
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    void supervisor.stop({ instances: spec.faultPoints === true }).finally(() => {
      rmSync(SUPERVISOR_INFO, { force: true });
      rmSync(SUPERVISOR_PID, { force: true });
      process.exit(0);
    });
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  await supervisor.listen();
  const info: SupervisorInfo = { pid: process.pid, url: supervisor.url, faultPoints: spec.faultPoints === true };
  writeFileSync(SUPERVISOR_INFO, JSON.stringify(info));
  await supervisor.start();
}

main(process.argv[2] ?? resolve(SUPERVISOR_DIR, 'spec.json')).catch((error: unknown) => {
  process.stderr.write(`supervisor: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
