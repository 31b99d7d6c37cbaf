/**
 * Where the full gateway's time goes, by subtraction (`npx tsx tools/bench/gateway-ablation.ts`):
 * the same saturation load (`GET /v1/products/:id`, 32 connections) against gateways that each lack
 * one edge feature, next to the full gateway and the bare Express baseline, all in one run, rounds
 * interleaved. Not a way to run ShopMesh: the features are switched off in a throwaway copy of
 * `dist/` (patched compiled code, switches read once at start-up), deleted at the end.
 * `BENCH_SECONDS` (default 5) per measurement, `BENCH_ROUNDS` (default 3), medians reported.
 */
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, createWriteStream, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { REPO_ROOT, freePort, waitUntil } from '@shopmesh/testing';
import { DEMO_PRODUCTS } from '@shopmesh/demo-data';
import { infraUp } from '../infra';
import { startGatewayPlatform } from './gateway-platform';
import { closedLoop } from './http-load';
import { processCpuMs } from './process-cpu';
import { Teardown } from './teardown';
import { runBench } from './run-bench';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);

/** Each switch: the files it patches in the copy, and how (the text must be there, once). */
const SWITCHES: Record<string, Array<{ file: string; find: string; replace: (flag: string) => string }>> = {
  'request logging': [
    {
      file: 'libs/logging/src/request-log.middleware.js',
      find: 'return (req, res, next) => {',
      replace: (flag) => `if (${flag}) return (req, res, next) => next(); return (req, res, next) => {`,
    },
  ],
  'rate limiting (Redis)': [
    {
      file: 'apps/gateway/src/edge/rate-limit/rate-limit.guard.js',
      find: 'async canActivate(context) {',
      replace: (flag) => `async canActivate(context) { if (${flag}) return true;`,
    },
  ],
  'security headers (helmet)': [
    {
      file: 'apps/gateway/src/edge/security-headers.js',
      find: 'return (req, res, next) => (isDocs(req.path)',
      replace: (flag) => `if (${flag}) return (req, res, next) => next(); return (req, res, next) => (isDocs(req.path)`,
    },
  ],
  'HTTP metrics (prom-client)': [
    {
      file: 'libs/metrics/src/http-metrics.middleware.js',
      find: 'return (req, res, next) => {',
      replace: (flag) => `if (${flag}) return (req, res, next) => next(); return (req, res, next) => {`,
    },
  ],
  'validation (zod: request and response)': [
    {
      file: 'libs/errors/src/validation.js',
      find: 'function createValidationPipe() {',
      replace: (flag) => `function createValidationPipe() { if (${flag}) return { transform: (value) => value };`,
    },
    {
      file: 'libs/rpc/src/rpc-client.js',
      find: 'const checked = definition.response.safeParse(raw);',
      replace: (flag) => `const checked = ${flag} ? { success: true, data: raw } : definition.response.safeParse(raw);`,
    },
  ],
};

function patchedCopy(dir: string): void {
  cpSync(resolve(REPO_ROOT, 'dist'), dir, { recursive: true });
  Object.values(SWITCHES).forEach((patches, i) => {
    for (const { file, find, replace } of patches) {
      const path = join(dir, file);
      const source = readFileSync(path, 'utf8');
      if (source.split(find).length !== 2) throw new Error(`${file}: expected "${find}" once (rebuild, or update the ablation)`);
      const flag = `__benchAblated${i}`;
      const declaration = `const ${flag} = (process.env.BENCH_ABLATE ?? '').split(',').includes('${i}');`;
      // after "use strict", which must stay the file's first statement
      const [head, ...rest] = source.replace(find, replace(flag)).split('\n');
      writeFileSync(path, [head, ...(source.includes(declaration) ? [] : [declaration]), ...rest].join('\n'));
    }
  });
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
const fmt = (n: number, digits = 0): string => (Number.isFinite(n) ? n.toFixed(digits) : '-');

async function main(): Promise<void> {
  const started = performance.now();
  const teardown = new Teardown();
  teardown.onSignals();
  try {
    await infraUp({ verbose: false });
    if (process.env.BENCH_BUILD !== '0') {
      const build = spawnSync('npx', ['nest', 'build'], { cwd: REPO_ROOT, stdio: 'inherit' });
      if (build.status !== 0) throw new Error('nest build failed');
    }
    // inside the repository, so the copy resolves node_modules as dist/ does
    const copy = resolve(REPO_ROOT, `.run/bench-ablation-${process.pid}`);
    teardown.add('remove the patched copy of dist/', () => rmSync(copy, { recursive: true, force: true }));
    patchedCopy(copy);
    const platform = await startGatewayPlatform(teardown);
    const bare = await platform.startBare('express');
    const names = Object.keys(SWITCHES);
    const variants: Array<{ label: string; ablate: string }> = [
      { label: 'full gateway (patched copy, nothing off)', ablate: '' },
      ...names.map((name, i) => ({ label: `without ${name}`, ablate: String(i) })),
      { label: 'without all five', ablate: names.map((_, i) => i).join(',') },
    ];
    const targets = [{ label: 'bare Nest Express (baseline)', url: bare.url, pid: () => bare.pid }];
    for (const { label, ablate } of variants) {
      const port = await freePort();
      const log = createWriteStream(join(copy, `gateway-${port}.log`));
      const child = spawn(process.execPath, [join(copy, 'apps/gateway/src/main.js')], {
        cwd: REPO_ROOT,
        env: {
          PATH: process.env.PATH ?? '',
          ...platform.env,
          LOG_LEVEL: 'info',
          GATEWAY_PORT: String(port),
          BENCH_ABLATE: ablate,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child.stdout.pipe(log);
      child.stderr.pipe(log);
      const exited = new Promise<void>((done) => child.once('exit', () => done()));
      teardown.add(`stop the gateway ${label}`, () => {
        child.kill('SIGTERM');
        return exited;
      });
      const url = `http://127.0.0.1:${port}`;
      await waitUntil(`the gateway ${label} is ready`, async () => (await fetch(`${url}/health/ready`)).status === 200, {
        timeoutMs: 30_000,
      });
      targets.push({ label, url, pid: () => child.pid });
    }
    const path = `/v1/products/${DEMO_PRODUCTS[0]?.id ?? ''}`;
    process.stderr.write(`warming up, then ${ROUNDS} rounds of ${targets.length} × ${SECONDS} s…\n`);
    for (const t of targets) await closedLoop({ url: `${t.url}${path}` }, 8, 3);
    const runs = new Map(
      targets.map((t) => [t.label, { rps: [] as number[], p50: [] as number[], p99: [] as number[], cpu: [] as number[] }]),
    );
    for (let round = 0; round < ROUNDS; round += 1) {
      for (const t of round % 2 === 0 ? targets : [...targets].reverse()) {
        const cpuBefore = processCpuMs(t.pid());
        const r = await closedLoop({ url: `${t.url}${path}` }, CONNECTIONS, SECONDS);
        const run = runs.get(t.label);
        if (!run || r.non2xx + r.errors > 0) throw new Error(`${t.label}: ${r.non2xx} non-2xx, ${r.errors} errors`);
        run.rps.push(r.rps);
        run.p50.push(r.p50);
        run.p99.push(r.p99);
        run.cpu.push((1000 * (processCpuMs(t.pid()) - cpuBefore)) / r.ok);
      }
    }
    await teardown.run();
    const base = runs.get(targets[0]?.label ?? '');
    const full = runs.get(variants[0]?.label ?? '');
    const lines = [
      '| gateway | req/s | p50 ms | p99 ms | edge CPU µs/req (each round) | CPU saved vs full, µs/req | req/s ratio vs baseline |',
      '|---|---|---|---|---|---|---|',
      ...targets.map(({ label }) => {
        const r = runs.get(label);
        if (!r || !base || !full) return '';
        const saved = label === targets[0]?.label ? '' : fmt(median(full.cpu) - median(r.cpu));
        return `| ${label} | ${fmt(median(r.rps))} | ${fmt(median(r.p50), 2)} | ${fmt(median(r.p99), 2)} | ${fmt(median(r.cpu))} (${r.cpu.map((c) => fmt(c)).join(', ')}) | ${saved} | ${fmt(median(r.rps) / median(base.rps), 2)} |`;
      }),
    ];
    const wall = (performance.now() - started) / 1000;
    process.stdout.write(
      `\nGET /v1/products/:id at saturation (${CONNECTIONS} connections), medians of ${ROUNDS} rounds of ${SECONDS} s\n\n${lines.join('\n')}\n\nwall time ${Math.floor(wall / 60)} min ${Math.round(wall % 60)} s\n`,
    );
  } finally {
    await teardown.run();
  }
}

runBench(main);
