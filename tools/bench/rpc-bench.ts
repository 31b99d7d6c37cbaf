/**
 * The benchmark `npm run bench:rpc` runs (built to plain JavaScript by rpc.ts): requests per second and p50/p99 of a small echo and a ~10 kB echo over
 * (a) Nest's stock ClientTCP, (b) our RpcClient (deadline, breaker, balancing, metrics) with Nest's
 * stock socket to Nest's stock server and (c) to our server as the apps run (`RpcServer`, `rpcSocketClass`), and
 * (d) Moleculer's TCP transporter — same servers process, same machine, same concurrency, same run.
 * Ratios are against Nest's ClientTCP. `BENCH_CPU_PROF=<dir>` writes the servers' CPU profile there.
 */
import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { resolve } from 'node:path';
import { ClientProxyFactory, Transport } from '@nestjs/microservices';
import { Metrics } from '@shopmesh/metrics';
import { RpcClient } from '@shopmesh/rpc';
import { freePort } from '@shopmesh/testing';
import { ServiceBroker } from 'moleculer';
import { firstValueFrom } from 'rxjs';
import { percentile } from './stats';
import { runBench } from './run-bench';

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 5000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const WARM_UP = Number(process.env.BENCH_WARM_UP ?? 2000);

type Call = (payload: unknown) => Promise<unknown>;

interface Result {
  label: string;
  rps: number;
  p50: number;
  p99: number;
}

async function measure(label: string, call: Call, payload: unknown): Promise<Result> {
  for (let i = 0; i < WARM_UP; i += 1) await call(payload); // warm-up: the JIT compiles each client the same
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < REQUESTS) {
        next += 1;
        const t = performance.now();
        await call(payload);
        latencies.push(performance.now() - t);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return { label, rps: REQUESTS / seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

async function startServers(): Promise<{ nestPort: number; shopmeshPort: number; moleculerPort: number; stop: () => void }> {
  const [nestPort, shopmeshPort, moleculerPort] = [await freePort(), await freePort(), await freePort()];
  const child = spawn(
    process.execPath,
    [
      ...(process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : []),
      resolve(__dirname, 'rpc-servers.js'),
      String(nestPort),
      String(moleculerPort),
      String(shopmeshPort),
    ],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  await new Promise<void>((ok, fail) => {
    child.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && ok());
    child.once('exit', (code) => fail(new Error(`bench servers exited with ${code}`)));
  });
  return { nestPort, shopmeshPort, moleculerPort, stop: () => child.kill(process.env.BENCH_CPU_PROF ? 'SIGINT' : 'SIGKILL') };
}

async function main(): Promise<void> {
  const servers = await startServers();
  const nest = ClientProxyFactory.create({ transport: Transport.TCP, options: { host: '127.0.0.1', port: servers.nestPort } });
  await nest.connect();
  const oursStock = RpcClient.forAddresses(
    'bench',
    [`127.0.0.1:${servers.nestPort}`],
    { timeoutMs: 5000, socket: 'stock' },
    new Metrics('bench'),
  );
  // as the apps run: rpcSocketClass on both sides (the client's default), RpcServer (startApp's)
  const ours = RpcClient.forAddresses('bench', [`127.0.0.1:${servers.shopmeshPort}`], { timeoutMs: 5000 }, new Metrics('bench'));
  const broker = new ServiceBroker({
    nodeID: 'bench-client',
    logger: false,
    transporter: { type: 'TCP', options: { udpDiscovery: false, urls: `127.0.0.1:${servers.moleculerPort}/bench-server` } },
  });
  await broker.start();
  await broker.waitForServices(['bench'], 10_000);

  const calls: Array<[string, Call]> = [
    ['Nest ClientTCP (baseline)', (p) => firstValueFrom(nest.send('echo', { meta: {}, payload: p }))],
    ['ShopMesh RpcClient, stock socket → stock server', (p) => oursStock.send('echo', p)],
    ['ShopMesh RpcClient → RpcServer (as the apps run)', (p) => ours.send('echo', p)],
    ['Moleculer TCP transporter', (p) => broker.call('bench.echo', p)],
  ];
  const payloads: Array<[string, unknown]> = [
    ['small echo', { n: 1 }],
    ['~10 kB echo', { text: 'x'.repeat(10_000) }],
  ];
  const lines = [
    '| payload | client | req/s | p50 ms | p99 ms | req/s ratio | p50 ratio | p99 ratio |',
    '|---|---|---|---|---|---|---|---|',
  ];
  for (const [name, payload] of payloads) {
    const results: Result[] = [];
    for (const [label, call] of calls) results.push(await measure(label, call, payload));
    const base = results[0];
    for (const r of results) {
      lines.push(
        `| ${name} | ${r.label} | ${r.rps.toFixed(0)} | ${r.p50.toFixed(2)} | ${r.p99.toFixed(2)} | ${(r.rps / base.rps).toFixed(2)} | ${(r.p50 / base.p50).toFixed(2)} | ${(r.p99 / base.p99).toFixed(2)} |`,
      );
    }
  }
  process.stdout.write(`\n${REQUESTS} requests per case, ${CONCURRENCY} in flight\n\n${lines.join('\n')}\n`);
  await ours.close();
  await oursStock.close();
  await nest.close();
  await broker.stop();
  servers.stop();
}

runBench(main);
