import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, copyFileSync, existsSync, mkdirSync, openSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
// the entities' decorators need it, as each app's main loads it (prepareDatabases runs their modules here)
import 'reflect-metadata';
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

/** Written after `up` built: the build is current while no source is newer than it. */
const BUILD_STAMP = resolve(REPO_ROOT, '.run/build-stamp');

/** What `npm run build` reads: the apps, the libraries, the compiler and Nest settings, the packages. */
const BUILD_INPUTS = [
  'apps',
  'libs',
  'package.json',
  'package-lock.json',
  'tsconfig.json',
  'tsconfig.build.json',
  'nest-cli.json',
];

/** Newest modification time under `path` (a directory's own counts: a deleted file changes it). */
function newestMtime(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) {
    if (entry === 'node_modules' || entry === 'dist') continue;
    newest = Math.max(newest, newestMtime(join(path, entry)));
  }
  return newest;
}

/**
 * True if this `up` built before and nothing it builds from changed since (a build takes 10-20 s of
 * the start; BENCHMARKS.md, Footprint). A build made another way (`npm run build`, `npm test`)
 * leaves no stamp: the next `up` builds once more.
 */
function buildIsCurrent(): boolean {
  if (!existsSync(BUILD_STAMP) || !existsSync(resolve(REPO_ROOT, 'dist/apps'))) return false;
  const built = statSync(BUILD_STAMP).mtimeMs;
  return BUILD_INPUTS.every((input) => {
    const path = resolve(REPO_ROOT, input);
    return !existsSync(path) || newestMtime(path) < built;
  });
}

/** The function a built migration or seed module exports (`migrateOrders`, `seedCatalog`…). */
async function exportedFunction<T>(script: string, name: string | undefined): Promise<T> {
  const loaded = (await import(pathToFileURL(resolve(REPO_ROOT, script)).href)) as Record<string, unknown>;
  // a CommonJS module's exports, as named exports or under `default`
  const exports = { ...(loaded.default as Record<string, unknown> | undefined), ...loaded };
  const found = name === undefined ? undefined : exports[name];
  if (typeof found !== 'function') throw new Error(`${script} exports no function ${name}`);
  return found as T;
}

/**
 * Every app's migrations, then its demo data, the apps side by side (each has its own database), in
 * this process: the built modules' functions called with the variables the apps get, rather than a
 * `node` process each, which spent most of its time loading the same modules (7 of them: 7 s of the
 * 30 s `up` took, BENCHMARKS.md, Footprint).
 */
async function prepareDatabases(env: Record<string, string>): Promise<void> {
  await Promise.all(
    APPS.map(async (app) => {
      if (app.migrate) {
        const migrate = await exportedFunction<(source: Record<string, string>) => Promise<string[]>>(
          app.migrate,
          app.migrateExport,
        );
        const applied = await migrate(env).catch((error: unknown) => {
          throw new Error(`${app.name} migrations failed: ${error instanceof Error ? error.message : String(error)}`);
        });
        say(`${app.name}: ${applied.length} migration(s) applied`);
      }
      if (app.seed) {
        const seed = await exportedFunction<(source: Record<string, string>) => Promise<number>>(app.seed, app.seedExport);
        const created = await seed(env).catch((error: unknown) => {
          throw new Error(`${app.name} demo data failed: ${error instanceof Error ? error.message : String(error)}`);
        });
        say(`${app.name}: ${created} demo record(s) created`);
      }
    }),
  );
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
 * `npm run up [-- --scale <app>=N] [--no-fault-points] [--build]`: infrastructure, build (unless current), migrations, demo
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
    if (!args.includes('--build') && buildIsCurrent()) {
      say('build: dist/ is newer than every source (--build to build anyway)');
    } else {
      say('building…');
      // the apps (nest build) and the ops console page (vite build), as `npm run build`
      const build = spawnSync('npm', ['run', '--silent', 'build'], { cwd: REPO_ROOT, stdio: 'inherit' });
      if (build.status !== 0) throw new Error('build failed');
      mkdirSync(dirname(BUILD_STAMP), { recursive: true });
      writeFileSync(BUILD_STAMP, `${new Date().toISOString()}\n`);
    }
    await prepareDatabases(env);
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
