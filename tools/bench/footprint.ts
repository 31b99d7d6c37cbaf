/**
 * `npm run bench:footprint` (after `npm run up` with the per-IP rate limits raised, as for any load run:
 * `RATE_LIMIT_<POLICY>_LIMIT=100000` in `.env` for login, register, auth, read and write, the `sed` line of
 * docs/chaos.md; the load is one client IP): the memory of every app instance the supervisor
 * runs, idle, then under `npm run load` for `BENCH_LOAD_DURATION` (default 10m) at `BENCH_LOAD_RATE`
 * sessions/s (default 20), then a minute after the load (`BENCH_AFTER_SECONDS`, default 60): resident
 * set (`/proc/<pid>/status` VmRSS) and V8's heap (used and total, from each app's `/metrics`), so that
 * memory that stays can be told apart: heap still in use, heap V8 keeps but has freed, or outside the
 * heap (code, buffers, malloc). Each app's ratio is RSS after ÷ RSS idle.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { REPO_ROOT } from '@shopmesh/testing';
import { runningSupervisor, supervisorStatus } from '../platform/supervisor-process';
import { runBench } from './run-bench';

const LOAD_DURATION = process.env.BENCH_LOAD_DURATION ?? '10m';
const LOAD_RATE = process.env.BENCH_LOAD_RATE ?? '20';
const AFTER_SECONDS = Number(process.env.BENCH_AFTER_SECONDS ?? 60);
const IDLE_SETTLE_SECONDS = Number(process.env.BENCH_IDLE_SECONDS ?? 30);

interface Reading {
  rssMb: number;
  heapUsedMb: number;
  heapTotalMb: number;
}

const mb = (bytes: number): number => bytes / 1024 / 1024;

function rssMbOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? NaN);
  return kb / 1024;
}

async function gauge(url: string, name: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(5000) })).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `));
  return Number(line?.split(' ').at(-1) ?? NaN);
}

/** Once more after a failed request: a kept-alive connection the server has just closed fails once. */
async function twice<T>(request: () => Promise<T>): Promise<T> {
  try {
    return await request();
  } catch {
    await sleep(500);
    return request();
  }
}

async function readAll(url: string): Promise<Map<string, Reading>> {
  const status = await twice(() => supervisorStatus(url));
  const readings = new Map<string, Reading>();
  for (const i of status.instances) {
    if (i.pid === undefined) continue;
    const metrics = `http://127.0.0.1:${i.httpPort}`;
    readings.set(i.id, {
      rssMb: rssMbOf(i.pid),
      heapUsedMb: mb(await twice(() => gauge(metrics, 'nodejs_heap_size_used_bytes'))),
      heapTotalMb: mb(await twice(() => gauge(metrics, 'nodejs_heap_size_total_bytes'))),
    });
  }
  return readings;
}

const f = (n: number | undefined): string => (n === undefined || !Number.isFinite(n) ? '—' : n.toFixed(0));

async function main(): Promise<void> {
  const supervisor = runningSupervisor();
  if (!supervisor) throw new Error('no supervisor runs: npm run up first');
  process.stderr.write(`idle ${IDLE_SETTLE_SECONDS} s…\n`);
  await sleep(IDLE_SETTLE_SECONDS * 1000);
  const idle = await readAll(supervisor.url);
  process.stderr.write(`npm run load -- --rate ${LOAD_RATE} --duration ${LOAD_DURATION}…\n`);
  const load = spawnSync(
    'npx',
    ['tsx', 'tools/load/cli.ts', '--rate', LOAD_RATE, '--duration', LOAD_DURATION, '--settle', '30s', '--no-invariants'],
    { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'inherit'] },
  );
  if (load.status !== 0) process.stderr.write(`the load ended with exit code ${load.status}\n`);
  const end = await readAll(supervisor.url);
  process.stderr.write(`after the load, ${AFTER_SECONDS} s…\n`);
  await sleep(AFTER_SECONDS * 1000);
  const after = await readAll(supervisor.url);
  const lines = [
    `load: ${LOAD_RATE} sessions/s for ${LOAD_DURATION}; MB (heap: used / total)`,
    '',
    '| instance | RSS idle | heap idle | RSS at the end of the load | heap then | RSS a minute after | heap then | after ÷ idle |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const [id, i] of idle) {
    const e = end.get(id);
    const a = after.get(id);
    lines.push(
      `| ${id} | ${f(i.rssMb)} | ${f(i.heapUsedMb)} / ${f(i.heapTotalMb)} | ${f(e?.rssMb)} | ${f(e?.heapUsedMb)} / ${f(e?.heapTotalMb)} | ${f(a?.rssMb)} | ${f(a?.heapUsedMb)} / ${f(a?.heapTotalMb)} | ${a ? (a.rssMb / i.rssMb).toFixed(2) : '—'} |`,
    );
  }
  process.stdout.write(`\n${lines.join('\n')}\n`);
}

runBench(main);
