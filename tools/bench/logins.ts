/**
 * Part (d) of `npm run bench:gateway`: logins per second through the gateway, and their CPU cost in
 * identity, next to the baseline of raw `@node-rs/argon2` verifications in the bench process.
 */
import { performance } from 'node:perf_hooks';
import { hash, verify, type Algorithm } from '@node-rs/argon2';
import { ownCpuMs, processCpuMs } from './process-cpu';
import { percentile } from './stats';

export interface CallsResult {
  perSecond: number;
  p50: number;
  p99: number;
  ok: number;
  failed: number;
  /** CPU ms of the measured process per successful call. */
  cpuMsPerCall: number;
}

export interface Argon2Parameters {
  memoryCost: number;
  timeCost: number;
  parallelism: number;
}

/** `concurrency` workers calling `call` back to back for `seconds`; `cpuMs` reads the process whose CPU is charged. */
async function workers(
  call: () => Promise<boolean>,
  concurrency: number,
  seconds: number,
  cpuMs: () => number,
): Promise<CallsResult> {
  const latencies: number[] = [];
  let failed = 0;
  const cpuBefore = cpuMs();
  const started = performance.now();
  const until = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < until) {
        const t = performance.now();
        if (await call().catch(() => false)) latencies.push(performance.now() - t);
        else failed += 1;
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  const cpu = cpuMs() - cpuBefore;
  return {
    perSecond: latencies.length / elapsed,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    ok: latencies.length,
    failed,
    cpuMsPerCall: cpu / latencies.length,
  };
}

/** `POST /v1/auth/login` with the same credentials; identity's CPU time is charged. */
export function loginsThroughGateway(
  api: string,
  credentials: { email: string; password: string },
  identityPid: number | undefined,
  concurrency: number,
  seconds: number,
): Promise<CallsResult> {
  const body = JSON.stringify(credentials);
  const login = async (): Promise<boolean> => {
    const res = await fetch(`${api}/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    await res.arrayBuffer();
    return res.status === 200;
  };
  return workers(login, concurrency, seconds, () => processCpuMs(identityPid));
}

// `Algorithm` is a const enum in the typings and an empty object at runtime (as in identity's PasswordHasher)
const ARGON2ID = 2 satisfies Algorithm.Argon2id as Algorithm;

/** Raw `verify` of an Argon2id hash made with `parameters`, in this process; its own CPU time is charged. */
export async function argon2Verifies(parameters: Argon2Parameters, concurrency: number, seconds: number): Promise<CallsResult> {
  const password = 'correct horse battery staple';
  const passwordHash = await hash(password, { ...parameters, algorithm: ARGON2ID });
  return workers(() => verify(passwordHash, password), concurrency, seconds, ownCpuMs);
}
