import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, openSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { infraUp } from '../infra';
import { REPO_ROOT } from '../infra/infra-config';
import { waitFor } from '../infra/probes';
import { APPS, type AppSpec } from './apps';
import { ensureRunDirs, logFileOf, pidFileOf, platformEnv, runningPid } from './run-files';

const say = (line: string): void => void process.stdout.write(`${line}\n`);

function runNode(script: string, label: string): void {
  const result = spawnSync(process.execPath, [resolve(REPO_ROOT, script)], { cwd: REPO_ROOT, stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`${label} failed (exit ${result.status})`);
}

function startApp(app: AppSpec): number {
  const running = runningPid(app.name);
  if (running) {
    say(`${app.name}: already running (pid ${running})`);
    return running;
  }
  const out = openSync(logFileOf(app.name), 'a');
  const child = spawn(process.execPath, [resolve(REPO_ROOT, `dist/apps/${app.name}/src/main.js`)], {
    cwd: REPO_ROOT,
    detached: true,
    stdio: ['ignore', out, out],
  });
  child.unref();
  if (!child.pid) throw new Error(`${app.name}: did not start`);
  writeFileSync(pidFileOf(app.name), String(child.pid));
  say(`${app.name}: started (pid ${child.pid}), log ${logFileOf(app.name)}`);
  return child.pid;
}

async function waitReady(app: AppSpec, port: string): Promise<void> {
  await waitFor(
    `${app.name} readiness (see ${logFileOf(app.name)})`,
    async () => {
      if (!runningPid(app.name)) throw new Error(`${app.name} exited; see ${logFileOf(app.name)}`);
      return (await fetch(`http://127.0.0.1:${port}/health/ready`)).status === 200;
    },
    60_000,
    250,
  );
}

/** `npm run up`: infrastructure, build, migrations, demo data, every app; then where to look. */
async function up(): Promise<void> {
  const started = Date.now();
  if (!existsSync(resolve(REPO_ROOT, '.env'))) {
    copyFileSync(resolve(REPO_ROOT, '.env.example'), resolve(REPO_ROOT, '.env'));
    say('.env created from .env.example (development defaults)');
  }
  await infraUp();
  say('building…');
  const build = spawnSync('npx', ['nest', 'build'], { cwd: REPO_ROOT, stdio: 'inherit' });
  if (build.status !== 0) throw new Error('build failed');
  for (const app of APPS) {
    if (app.migrate) runNode(app.migrate, `${app.name} migrations`);
    if (app.seed) runNode(app.seed, `${app.name} demo data`);
  }
  ensureRunDirs();
  const env = platformEnv();
  for (const app of APPS) {
    startApp(app);
    await waitReady(app, env[app.httpPortVar] ?? '');
  }
  const gatewayPort = env.GATEWAY_PORT ?? '3000';
  say(`\nShopMesh is up in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  say(`  API          http://localhost:${gatewayPort}/v1/products`);
  say(`  API docs     http://localhost:${gatewayPort}/docs  (OpenAPI: /docs-json)`);
  for (const app of APPS) {
    const port = env[app.httpPortVar] ?? '?';
    say(
      `  ${app.name.padEnd(12)} http://localhost:${port}/health/ready  /health/live  /metrics   log: .run/logs/${app.name}.log`,
    );
  }
  say('  stop with    npm run down');
}

up().catch((error: unknown) => {
  process.stderr.write(`up failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
