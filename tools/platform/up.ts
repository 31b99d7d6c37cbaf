import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, copyFileSync, existsSync, mkdirSync, openSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { generateDevKeyPair } from '@shopmesh/auth';
import { readEnvFile } from '@shopmesh/config';
import { infraUp } from '../infra';
import { REPO_ROOT } from '../infra/infra-config';
import { isAlive, tailOf } from '../infra/processes';
import { waitUntil } from '../infra/wait-until';
import { APPS } from './apps';
import { LOG_DIR, runningInstances } from './instances';
import { parseScale, platformPlan } from './plan';
import { supervisionPolicyFrom } from './supervision-policy';
import {
  SUPERVISOR_DIR,
  SUPERVISOR_SCRIPT,
  SUPERVISOR_SPEC,
  runningSupervisor,
  supervisorStatus,
  type SupervisorSpec,
} from './supervisor-process';

const say = (line: string): void => void process.stdout.write(`${line}\n`);

function runNode(script: string, label: string): void {
  const result = spawnSync(process.execPath, [resolve(REPO_ROOT, script)], { cwd: REPO_ROOT, stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`${label} failed (exit ${result.status})`);
}

function dotEnv(): Record<string, string> {
  const fromFile = readEnvFile(resolve(REPO_ROOT, '.env'));
  const fromProcess = Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined));
  return { ...fromFile, ...fromProcess };
}

/**
 * `.env` from `.env.example` on the first run; later, variables added to `.env.example` since
 * (a new app, a new setting) are appended to `.env` with their defaults, so an older `.env` keeps working.
 */
function prepareDotEnv(): void {
  const [example, dotEnvFile] = [resolve(REPO_ROOT, '.env.example'), resolve(REPO_ROOT, '.env')];
  if (!existsSync(dotEnvFile)) {
    copyFileSync(example, dotEnvFile);
    say('.env created from .env.example (development defaults)');
    return;
  }
  const have = readEnvFile(dotEnvFile);
  const missing = Object.entries(readEnvFile(example)).filter(([name]) => !(name in have));
  if (missing.length === 0) return;
  appendFileSync(dotEnvFile, `\n# added by npm run up from .env.example\n${missing.map(([k, v]) => `${k}=${v}`).join('\n')}\n`);
  say(`.env: added ${missing.map(([k]) => k).join(', ')} from .env.example`);
}

/**
 * Starts the supervisor detached (it outlives `up`, its output in `.run/logs/supervisor.out`) and
 * waits until it has every instance ready; the supervisor's own log says why one is not.
 */
async function startSupervisor(spec: SupervisorSpec): Promise<string> {
  mkdirSync(SUPERVISOR_DIR, { recursive: true });
  mkdirSync(LOG_DIR, { recursive: true });
  writeFileSync(SUPERVISOR_SPEC, JSON.stringify(spec, null, 2));
  const out = openSync(resolve(LOG_DIR, 'supervisor.out'), 'a');
  const child = spawn(process.execPath, ['--import', 'tsx', SUPERVISOR_SCRIPT, SUPERVISOR_SPEC], {
    cwd: REPO_ROOT,
    detached: true,
    stdio: ['ignore', out, out],
    env: process.env,
  });
  child.unref();
  const pid = child.pid ?? 0;
  const log = resolve(LOG_DIR, 'supervisor.log');
  const failIf = () =>
    isAlive(pid) ? undefined : `the supervisor exited: ${tailOf(resolve(LOG_DIR, 'supervisor.out'), 3) || tailOf(log, 3)}`;
  await waitUntil('the supervisor', () => Promise.resolve(runningSupervisor() !== undefined), { timeoutMs: 30_000, failIf });
  const url = runningSupervisor()?.url ?? '';
  say(`supervisor: started (pid ${pid}) at ${url}, log .run/logs/supervisor.log`);
  const shown = new Set<string>();
  await waitUntil(
    `every instance ready (see ${log})`,
    async () => {
      const status = await supervisorStatus(url);
      for (const i of status.instances.filter((i) => i.phase === 'ready' && !shown.has(i.id))) {
        shown.add(i.id);
        say(`${i.id}: ready (pid ${i.pid ?? '-'}), log .run/logs/${i.id}.log`);
      }
      return status.started;
    },
    { timeoutMs: spec.instances.length * spec.policy.readyTimeoutMs, intervalMs: 500, failIf },
  );
  return url;
}

/** The fault points the supervisor at `url` runs, as `GET /faults` lists them (none if it runs without). */
async function faultPointsOf(url: string): Promise<Array<{ fault: { mode: string } }>> {
  const res = await fetch(`${url}/faults`, { signal: AbortSignal.timeout(5000) });
  return res.status === 200 ? ((await res.json()) as { points: Array<{ fault: { mode: string } }> }).points : [];
}

/**
 * `npm run up [-- --scale <app>=N] [--no-fault-points]`: infrastructure, build, migrations, demo
 * data, every app under a supervisor (with a fault point on every link of every instance, unless
 * `--no-fault-points`); then where to look.
 */
async function up(args: readonly string[]): Promise<void> {
  const started = Date.now();
  const scale = parseScale(args);
  const faultPoints = !args.includes('--no-fault-points');
  prepareDotEnv();
  const infra = await infraUp({ observability: true });
  if (generateDevKeyPair(resolve(REPO_ROOT, '.data/keys')).created) say('development access-token keys created in .data/keys');
  const env = dotEnv();
  const gatewayPort = env.GATEWAY_PORT ?? '3000';
  const running = runningSupervisor();
  if (running) {
    say(`supervisor: already running (pid ${running.pid}) at ${running.url}; npm run down first to change what runs`);
  } else {
    const strays = runningInstances();
    if (strays.length > 0) {
      throw new Error(
        `instances started without a supervisor still run (${strays.map((s) => s.id).join(', ')}): npm run down first`,
      );
    }
    say('building…');
    // the apps (nest build) and the ops console page (vite build), as `npm run build`
    const build = spawnSync('npm', ['run', '--silent', 'build'], { cwd: REPO_ROOT, stdio: 'inherit' });
    if (build.status !== 0) throw new Error('build failed');
    for (const app of APPS) {
      if (app.migrate) runNode(app.migrate, `${app.name} migrations`);
      if (app.seed) runNode(app.seed, `${app.name} demo data`);
    }
    // services in the Redis registry, the gateways behind the supervisor's balancer (tools/platform/plan.ts)
    const { instances, balancer, releaseSets } = platformPlan(env, scale);
    await startSupervisor({
      instances,
      balancer,
      releaseSets,
      host: env.SUPERVISOR_HOST ?? '127.0.0.1',
      port: Number(env.SUPERVISOR_PORT ?? '9100'),
      policy: supervisionPolicyFrom(env),
      faultPoints,
    });
  }
  const supervisor = runningSupervisor()?.url ?? '';
  const prometheus = infra.components.prometheus ? infra.config.prometheus.url : undefined;
  say(`\nShopMesh is up in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  say(`  API          http://localhost:${gatewayPort}/v1/products  (the supervisor's balancer over every gateway instance)`);
  say(`  API docs     http://localhost:${gatewayPort}/docs  (OpenAPI: /docs-json)`);
  const { zipkin } = infra.config;
  say(
    `  traces       ${zipkin.enabled ? `${zipkin.url}/zipkin/  (Zipkin; an order's: /zipkin/traces/<its traceId>)` : 'off (TRACING_EXPORTER=none)'}`,
  );
  for (const s of runningInstances()) {
    say(`  ${s.id.padEnd(12)} http://localhost:${s.httpPort}/health/ready  /health/live  /metrics   log: .run/logs/${s.id}.log`);
  }
  say(`  supervisor   ${supervisor}/status  /metrics   log: .run/logs/supervisor.log`);
  const points = supervisor ? await faultPointsOf(supervisor) : [];
  const faulted = points.filter((p) => p.fault.mode !== 'pass').length;
  say(
    points.length === 0
      ? '  faults       off (--no-fault-points): every instance connects directly'
      : `  faults       ${supervisor}/faults  ${points.length} fault points (each instance's postgres, redis, rpc), ${faulted === 0 ? 'idle: they only relay bytes' : `${faulted} injecting a fault`}`,
  );
  if (prometheus) {
    say(`  Prometheus   ${prometheus}/targets  (queries: ${prometheus}/graph)`);
    say(`  alerts       ${prometheus}/alerts`);
  } else {
    say('  Prometheus   not running (install prometheus, or set PROMETHEUS_URL)');
  }
  say('  rolling restart: npm run restart -- <app>     stop: npm run down');
}

up(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`up failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
