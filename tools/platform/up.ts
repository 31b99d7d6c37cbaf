import { spawnSync } from 'node:child_process';
import { appendFileSync, copyFileSync, existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { generateDevKeyPair } from '@shopmesh/auth';
import { readEnvFile } from '@shopmesh/config';
import { infraUp } from '../infra';
import { REPO_ROOT } from '../infra/infra-config';
import { APPS, INSTANCE_PORT_STEP } from './apps';
import { instancePlan, runningInstances, startInstance, waitReady } from './instances';

const say = (line: string): void => void process.stdout.write(`${line}\n`);

/** `--scale catalog=2 --scale orders=3` (or `--scale=catalog=2`). */
function parseScale(args: readonly string[]): Map<string, number> {
  const scale = new Map<string, number>();
  args.forEach((arg, i) => {
    const value = arg.startsWith('--scale=') ? arg.slice(8) : arg === '--scale' ? args[i + 1] : undefined;
    if (value === undefined) return;
    const [app, n] = value.split('=');
    const spec = APPS.find((a) => a.name === app);
    if (!spec?.scaling || !n || !/^[1-9]\d?$/.test(n))
      throw new Error(
        `--scale ${value}: expected <service>=<1-99> for one of ${APPS.filter((a) => a.scaling)
          .map((a) => a.name)
          .join(', ')}`,
      );
    scale.set(spec.name, Number(n));
  });
  return scale;
}

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

/** `npm run up [-- --scale <app>=N]`: infrastructure, build, migrations, demo data, every app; then where to look. */
async function up(args: readonly string[]): Promise<void> {
  const started = Date.now();
  const scale = parseScale(args);
  prepareDotEnv();
  await infraUp();
  if (generateDevKeyPair(resolve(REPO_ROOT, '.data/keys')).created) say('development access-token keys created in .data/keys');
  say('building…');
  // the apps (nest build) and the ops console page (vite build), as `npm run build`
  const build = spawnSync('npm', ['run', '--silent', 'build'], { cwd: REPO_ROOT, stdio: 'inherit' });
  if (build.status !== 0) throw new Error('build failed');
  for (const app of APPS) {
    if (app.migrate) runNode(app.migrate, `${app.name} migrations`);
    if (app.seed) runNode(app.seed, `${app.name} demo data`);
  }
  const env = dotEnv();
  // callers find every instance of a scaled service through static discovery's address list
  const callerEnv: Record<string, string> = {};
  for (const app of APPS) {
    const count = scale.get(app.name) ?? 1;
    if (app.scaling && count > 1) {
      const tcp = Number(env[app.scaling.tcpPortVar]);
      const host = (env[app.scaling.advertisedVar] ?? '127.0.0.1').split(':')[0];
      callerEnv[app.scaling.addressesVar] = Array.from(
        { length: count },
        (_, i) => `${host}:${tcp + i * INSTANCE_PORT_STEP}`,
      ).join(',');
    }
  }
  for (const app of APPS) {
    const count = scale.get(app.name) ?? 1;
    for (let n = 1; n <= count; n += 1) {
      const plan = instancePlan(app, n, env);
      const running = runningInstances(app.name).find((s) => s.id === plan.id);
      if (running) {
        say(`${plan.id}: already running (pid ${running.pid})`);
        continue;
      }
      const state = startInstance(app, plan, callerEnv);
      say(`${state.id}: started (pid ${state.pid}), log .run/logs/${state.id}.log`);
      await waitReady(state);
    }
  }
  const gatewayPort = env.GATEWAY_PORT ?? '3000';
  say(`\nShopMesh is up in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  say(`  API          http://localhost:${gatewayPort}/v1/products`);
  say(`  API docs     http://localhost:${gatewayPort}/docs  (OpenAPI: /docs-json)`);
  for (const s of runningInstances()) {
    say(`  ${s.id.padEnd(12)} http://localhost:${s.httpPort}/health/ready  /health/live  /metrics   log: .run/logs/${s.id}.log`);
  }
  say('  rolling restart: npm run restart -- <app>     stop: npm run down');
}

up(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`up failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
