/**
 * `npm run bench:gateway`: the HTTP edge, each target in its own process, all measured in one run.
 *
 * (a) `GET /v1/products/:id` and a search page through the full gateway (validation, logging,
 *     metrics, rate limits, auth guard, helmet) vs the baseline: a bare Nest Express app forwarding
 *     the same routes to the same catalog over Nest's stock ClientTCP (`bare-gateway.ts`).
 * (b) The same bare app on Fastify vs on Express.
 * (c) An authenticated `GET /v1/me` (JWT verification, cached session check, RPC to identity) and
 *     `GET /v1/cart` (the same token checks, an RPC to cart, which reads the cart from Redis; one
 *     line in it), one user logged in once.
 * (d) Logins per second at concurrency 1, 2, 4 and identity's CPU time per login, vs raw argon2 verify.
 *
 * Loads: open loop at `BENCH_RATES` (default 500,1500 req/s) and closed loop at saturation
 * (`BENCH_CONNECTIONS`, default 32), each for `BENCH_SECONDS` (default 10) after an untimed warm-up.
 * `BENCH_BUILD=0` skips `nest build`; `BENCH_BEFORE=<a copy of dist/>` adds to (a) a gateway started
 * from that build (an earlier commit's), so before and after are measured in one run;
 * `BENCH_CPU_PROFILE=1` (or a directory to keep it in) only runs
 * the saturation loads against a gateway under `--cpu-prof` and prints where its time goes
 * (`gateway-ablation.ts` measures the same by switching edge features off one at a time).
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createWriteStream, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { REPO_ROOT, freePort, waitUntil } from '@shopmesh/testing';
import { DEMO_PRODUCTS } from '@shopmesh/demo-data';
import { infraUp } from '../infra';
import { profileTables, summarizeProfile } from './cpu-profile';
import { startGatewayPlatform, type GatewayPlatform } from './gateway-platform';
import { closedLoop, openLoop, type HttpTarget, type LoadResult } from './http-load';
import { argon2Verifies, loginsThroughGateway, type CallsResult } from './logins';
import { processCpuMs } from './process-cpu';
import { Teardown } from './teardown';
import { runBench } from './run-bench';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const RATES = (process.env.BENCH_RATES ?? '500,1500').split(',').map(Number);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 3);
const LOGIN_CONCURRENCY = (process.env.BENCH_LOGIN_CONCURRENCY ?? '1,2,4').split(',').map(Number);
const SEARCH_WORD = process.env.BENCH_SEARCH_WORD ?? 'design';
const CPU_PROFILE = process.env.BENCH_CPU_PROFILE;
const BEFORE = process.env.BENCH_BEFORE;
const PASSWORD = 'correct horse battery staple';

interface Load {
  label: string;
  /** Requests per second offered (open loop); undefined at saturation. */
  rate?: number;
  run: (target: HttpTarget) => Promise<LoadResult>;
}

const SATURATION = `saturation (${CONNECTIONS} conn.)`;
const LOADS: Load[] = [
  ...RATES.map((rate) => ({ label: `${rate}/s`, rate, run: (t: HttpTarget) => openLoop(t, rate, SECONDS) })),
  { label: SATURATION, run: (t: HttpTarget) => closedLoop(t, CONNECTIONS, SECONDS) },
];

interface Target {
  name: string;
  base: string;
  pid: () => number | undefined;
  headers?: Record<string, string>;
}

interface Row {
  route: string;
  load: string;
  rate?: number;
  target: string;
  result: LoadResult;
  /** CPU µs of the edge process (gateway or bare app) per request answered. */
  cpuUs: number;
}

const say = (line: string): void => void process.stderr.write(`${line}\n`);
const fmt = (n: number, digits = 1): string => (Number.isFinite(n) ? n.toFixed(digits) : '-');

async function measure(route: string, path: string, target: Target, load: Load): Promise<Row> {
  say(`  ${route} · ${load.label} · ${target.name}`);
  const pid = target.pid();
  const cpuBefore = processCpuMs(pid);
  const result = await load.run({ url: `${target.base}${path}`, headers: target.headers });
  const cpuMs = processCpuMs(pid) - cpuBefore;
  const cpuUs = (1000 * cpuMs) / (result.ok + result.non2xx);
  return { route, load: load.label, rate: load.rate, target: target.name, result, cpuUs };
}

async function warmUp(path: string, target: Target): Promise<void> {
  await closedLoop({ url: `${target.base}${path}`, headers: target.headers }, 8, WARMUP_SECONDS);
}

const failures = (x: LoadResult): string =>
  x.errors + x.non2xx === 0
    ? '0'
    : Object.entries(x.failures)
        .map(([what, n]) => `${what} ×${n}`)
        .join(', ');

/**
 * One table: each group's first row is its baseline, the ratios of the others are against it.
 * "Utilisation" is the offered rate over the same target's saturation throughput on that route
 * (this run): open-loop latency depends on it, and past ~0.8 it is mostly queueing.
 */
function httpTable(groups: Row[][]): string {
  const all = groups.flat();
  const capacity = (r: Row): number =>
    all.find((s) => s.route === r.route && s.target === r.target && s.load === SATURATION)?.result.rps ?? Number.NaN;
  const lines = [
    '| route | load | target | utilisation | req/s | p50 ms | p99 ms | failed | edge CPU µs/req | req/s ratio | p50 ratio | p99 ratio | CPU ratio |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const [base, ...others] of groups) {
    if (!base) continue;
    for (const r of [base, ...others]) {
      const x = r.result;
      const utilisation = r.rate === undefined ? '1' : fmt(r.rate / capacity(r), 2);
      lines.push(
        `| ${r.route} | ${r.load} | ${r.target} | ${utilisation} | ${fmt(x.rps, 0)} | ${fmt(x.p50, 2)} | ${fmt(x.p99, 2)} | ${failures(x)} | ${fmt(r.cpuUs, 0)} | ${fmt(x.rps / base.result.rps, 2)} | ${fmt(x.p50 / base.result.p50, 2)} | ${fmt(x.p99 / base.result.p99, 2)} | ${fmt(r.cpuUs / base.cpuUs, 2)} |`,
      );
    }
  }
  return lines.join('\n');
}

function loginTable(rows: Array<{ concurrency: number; base: CallsResult; logins: CallsResult }>): string {
  const lines = [
    '| concurrency | what | per s | p50 ms | p99 ms | failed | CPU ms each | per s ratio | CPU ratio |',
    '|---|---|---|---|---|---|---|---|---|',
  ];
  for (const { concurrency, base, logins } of rows) {
    for (const [what, r] of [
      ['argon2 verify in-process (baseline)', base],
      ['login through the gateway (identity CPU)', logins],
    ] as const) {
      lines.push(
        `| ${concurrency} | ${what} | ${fmt(r.perSecond)} | ${fmt(r.p50)} | ${fmt(r.p99)} | ${r.failed} | ${fmt(r.cpuMsPerCall)} | ${fmt(r.perSecond / base.perSecond, 2)} | ${fmt(r.cpuMsPerCall / base.cpuMsPerCall, 2)} |`,
      );
    }
  }
  return lines.join('\n');
}

/** The issue's goal for the full gateway: ≥ 0.8× the baseline's req/s at saturation, p99 ≤ 1.25× at every load. */
function verdict(route: string, groups: Row[][]): string {
  const pairs = groups.filter((g) => g[0]?.route === route).map(([base, gateway]) => ({ base, gateway }));
  const saturation = pairs.at(-1);
  const rps = saturation?.gateway && saturation.base ? saturation.gateway.result.rps / saturation.base.result.rps : Number.NaN;
  const p99s = pairs.map(({ base, gateway }) =>
    base && gateway ? { load: base.load, ratio: gateway.result.p99 / base.result.p99 } : { load: '?', ratio: Number.NaN },
  );
  const p99Met = p99s.every((p) => p.ratio <= 1.25);
  return `- ${route}: req/s at saturation ${fmt(rps, 2)}× (goal ≥ 0.8: ${rps >= 0.8 ? 'met' : 'NOT met'}); p99 ${p99s
    .map((p) => `${fmt(p.ratio, 2)}× at ${p.load}`)
    .join(', ')} (goal ≤ 1.25: ${p99Met ? 'met' : 'NOT met'})`;
}

async function accessToken(api: string): Promise<{ email: string; token: string }> {
  const email = `bench-${randomUUID()}@example.com`;
  const post = (path: string, body: unknown) =>
    fetch(`${api}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const registered = await post('/v1/auth/register', { email, password: PASSWORD, name: 'Bench' });
  if (registered.status !== 201) throw new Error(`register answered ${registered.status}: ${await registered.text()}`);
  const login = await post('/v1/auth/login', { email, password: PASSWORD });
  if (login.status !== 200) throw new Error(`login answered ${login.status}: ${await login.text()}`);
  return { email, token: ((await login.json()) as { accessToken: string }).accessToken };
}

/** Puts one product in the user's cart, so `GET /v1/cart` answers a line (snapshotted from catalog). */
async function fillCart(api: string, token: string): Promise<void> {
  const res = await fetch(`${api}/v1/cart/items/${DEMO_PRODUCTS[1]?.id ?? ''}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ quantity: 2 }),
  });
  if (res.status !== 200) throw new Error(`PUT /v1/cart/items answered ${res.status}: ${await res.text()}`);
}

/** The gateway of another build (`BENCH_BEFORE`), on the same platform, logging as the other one. */
async function startGatewayFrom(teardown: Teardown, platform: GatewayPlatform, dist: string): Promise<Target> {
  const port = await freePort();
  const logFile = join(tmpdir(), `shopmesh-bench-gateway-before-${port}.log`);
  const log = createWriteStream(logFile);
  const child = spawn(process.execPath, [resolve(dist, 'apps/gateway/src/main.js')], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? '', ...platform.env, LOG_LEVEL: 'info', GATEWAY_PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  teardown.add(`stop the gateway from ${dist}`, async () => {
    child.kill('SIGTERM');
    await exited;
    rmSync(logFile, { force: true });
  });
  const base = `http://127.0.0.1:${port}`;
  await waitUntil(`the gateway from ${dist} is ready`, async () => (await fetch(`${base}/health/ready`)).status === 200, {
    timeoutMs: 30_000,
  });
  return { name: `full gateway before (${dist})`, base, pid: () => child.pid };
}

const ROUTES = [
  { route: 'GET /v1/products/:id', path: `/v1/products/${DEMO_PRODUCTS[0]?.id ?? ''}` },
  { route: `GET /v1/products?query=${SEARCH_WORD}&limit=20`, path: `/v1/products?query=${SEARCH_WORD}&limit=20` },
];

async function benchmark(teardown: Teardown, platform: GatewayPlatform): Promise<string> {
  const gateway: Target = { name: 'full gateway', base: platform.gateway.url, pid: () => platform.gateway.pid };
  const before = BEFORE ? await startGatewayFrom(teardown, platform, BEFORE) : undefined;
  const [express, fastify] = await Promise.all([platform.startBare('express'), platform.startBare('fastify')]);
  const bareExpress: Target = { name: 'bare Nest Express (baseline)', base: express.url, pid: () => express.pid };
  const bareFastify: Target = { name: 'bare Nest Fastify', base: fastify.url, pid: () => fastify.pid };
  const { email, token } = await accessToken(platform.gateway.url);
  const authenticated: Target = { ...gateway, headers: { authorization: `Bearer ${token}` } };
  await fillCart(platform.gateway.url, token);

  say(`warming up (${WARMUP_SECONDS} s per target and route, untimed)…`);
  for (const { path } of ROUTES)
    for (const t of [bareExpress, gateway, ...(before ? [before] : []), bareFastify]) await warmUp(path, t);
  await warmUp('/v1/me', authenticated);
  await warmUp('/v1/cart', authenticated);

  const a: Row[][] = [];
  const b: Row[][] = [];
  const c: Row[][] = [];
  for (const { route, path } of ROUTES) {
    for (const load of LOADS) {
      const base = await measure(route, path, bareExpress, load);
      a.push([base, await measure(route, path, gateway, load), ...(before ? [await measure(route, path, before, load)] : [])]);
      b.push([base, await measure(route, path, bareFastify, load)]);
    }
  }
  for (const [i, load] of LOADS.entries()) {
    const [base, byId] = a[i] ?? [];
    if (base && byId) {
      c.push([
        base,
        byId,
        await measure('GET /v1/me', '/v1/me', authenticated, load),
        await measure('GET /v1/cart', '/v1/cart', authenticated, load),
      ]);
    }
  }

  const params = {
    memoryCost: Number(platform.env.ARGON2_MEMORY_KIB),
    timeCost: Number(platform.env.ARGON2_TIME_COST),
    parallelism: Number(platform.env.ARGON2_PARALLELISM),
  };
  const d: Array<{ concurrency: number; base: CallsResult; logins: CallsResult }> = [];
  for (const concurrency of LOGIN_CONCURRENCY) {
    say(`  logins · concurrency ${concurrency}`);
    const base = await argon2Verifies(params, concurrency, SECONDS);
    const logins = await loginsThroughGateway(
      platform.gateway.url,
      { email, password: PASSWORD },
      platform.identity.pid,
      concurrency,
      SECONDS,
    );
    d.push({ concurrency, base, logins });
  }

  const loads = `open loop at ${RATES.join(' and ')} req/s and closed loop with ${CONNECTIONS} connections, ${SECONDS} s each`;
  return [
    `### (a) full gateway vs bare Nest Express → ClientTCP (${loads})`,
    httpTable(a),
    ROUTES.map(({ route }) => verdict(route, a)).join('\n'),
    `### (b) bare forwarding app: Fastify vs Express`,
    httpTable(b),
    `### (c) authenticated GET /v1/me and GET /v1/cart (one user, one line in the cart; session check cached ${platform.env.SESSION_CHECK_CACHE_MS} ms) vs (a)'s baseline`,
    httpTable(c),
    `### (d) logins (argon2id m=${params.memoryCost} KiB, t=${params.timeCost}, p=${params.parallelism}), ${SECONDS} s each`,
    loginTable(d),
  ].join('\n\n');
}

/** Saturation only, against a gateway under `--cpu-prof`: where its CPU time goes. */
async function profile(teardown: Teardown, dir: string, keepProfile: boolean): Promise<string> {
  const platform = await startGatewayPlatform(teardown, {
    gatewayNodeArgs: ['--cpu-prof', `--cpu-prof-dir=${dir}`],
  });
  const gateway: Target = { name: 'full gateway (profiled)', base: platform.gateway.url, pid: () => platform.gateway.pid };
  const saturation = LOADS.at(-1) as Load;
  const rows: Row[][] = [];
  for (const { route, path } of ROUTES) {
    await warmUp(path, gateway);
    rows.push([await measure(route, path, gateway, saturation)]);
  }
  await platform.gateway.stop(); // the profile is written as the process exits
  const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  if (!file) throw new Error(`no .cpuprofile in ${dir}`);
  return [
    `### Gateway CPU profile (saturation, ${CONNECTIONS} connections, ${SECONDS} s per route, start-up included)`,
    httpTable(rows),
    keepProfile ? `profile: ${join(dir, file)}` : 'profile deleted (BENCH_CPU_PROFILE=<directory> keeps it)',
    profileTables(summarizeProfile(join(dir, file))),
  ].join('\n\n');
}

async function main(): Promise<void> {
  const started = performance.now();
  const teardown = new Teardown();
  teardown.onSignals();
  try {
    await infraUp({ verbose: false });
    if (process.env.BENCH_BUILD !== '0') {
      say('building (nest build)…');
      const build = spawnSync('npx', ['nest', 'build'], { cwd: REPO_ROOT, stdio: 'inherit' });
      if (build.status !== 0) throw new Error('nest build failed');
    }
    let report: string;
    if (CPU_PROFILE) {
      const keep = CPU_PROFILE !== '1';
      const dir = keep ? resolve(CPU_PROFILE) : mkdtempSync(join(tmpdir(), 'shopmesh-bench-profile-'));
      mkdirSync(dir, { recursive: true });
      if (!keep) teardown.add('remove the CPU profile', () => rmSync(dir, { recursive: true, force: true }));
      report = await profile(teardown, dir, keep);
    } else {
      say('starting catalog, identity, inventory, orders and the gateway on fresh test databases and a private Kafka…');
      report = await benchmark(teardown, await startGatewayPlatform(teardown));
    }
    await teardown.run();
    const wall = (performance.now() - started) / 1000;
    process.stdout.write(
      `\n${report}\n\nratios: target / baseline of the same load in this run (req/s: higher is better; latency, CPU: lower is better)\nwall time ${Math.floor(wall / 60)} min ${Math.round(wall % 60)} s\n`,
    );
  } finally {
    await teardown.run();
  }
}

runBench(main);
