import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, createServer, type AddressInfo, type Server } from 'node:net';
import { freePort, waitUntil } from '@shopmesh/testing';
import { isAlive } from '../infra/processes';
import { checkMetrics } from '../prometheus/promtool';
import type { FaultPointStatus } from './fault-options';
import { DEFAULT_SUPERVISION_POLICY } from './supervision-policy';
import { Supervisor, type SupervisedInstance } from './supervisor';

/**
 * A stand-in app, a real process: serves `/health/ready` and `/health/live` on PORT; exits with 1
 * after EXIT_AFTER_MS, answers 503 to liveness after LIVE_FOR_MS, to readiness with NOT_READY or
 * for its first READY_AFTER_MS, when set. Every answer says which process (port, pid, script) and which release (SET, VERSION).
 * For the fault points: an echo server on ECHO_PORT (its "RPC server"), and `GET /dial/postgres` or
 * `/dial/redis` sends a ping to the address its variables give (200 once echoed, 504 after 400 ms);
 * every answer shows those variables (`links`).
 */
const FAKE_APP = `
const http = require('node:http');
const net = require('node:net');
if (process.env.ECHO_PORT) net.createServer((s) => s.on('error', () => {}).pipe(s)).listen(Number(process.env.ECHO_PORT), '127.0.0.1');
const { POSTGRES_HOST, POSTGRES_PORT, REDIS_URL, CATALOG_ADVERTISED_ADDRESS } = process.env;
const links = { postgres: POSTGRES_HOST + ':' + POSTGRES_PORT, redis: REDIS_URL, rpc: CATALOG_ADVERTISED_ADDRESS };
const dial = (link) => new Promise((ok) => {
  const url = link === 'redis' ? new URL(REDIS_URL) : { hostname: POSTGRES_HOST, port: POSTGRES_PORT };
  const socket = net.connect(Number(url.port), url.hostname, () => socket.write('ping'));
  const done = (status) => { clearTimeout(timer); socket.destroy(); ok(status); };
  const timer = setTimeout(() => done(504), 400);
  socket.on('data', () => done(200)).on('error', () => done(502));
});
const exitAfter = Number(process.env.EXIT_AFTER_MS || 0);
const liveFor = Number(process.env.LIVE_FOR_MS || 0);
const started = Date.now();
if (exitAfter) setTimeout(() => process.exit(1), exitAfter);
http.createServer(async (req, res) => {
  if (req.url.startsWith('/dial/')) return res.writeHead(await dial(req.url.slice(6))).end(JSON.stringify({ links }));
  const live = !liveFor || Date.now() - started < liveFor;
  const ready = !process.env.NOT_READY && Date.now() - started >= Number(process.env.READY_AFTER_MS || 0);
  const down = (req.url === '/health/live' && !live) || (req.url === '/health/ready' && !ready);
  const { PORT: port, SET: set, VERSION: version } = process.env;
  res.writeHead(down ? 503 : 200).end(JSON.stringify({ port, pid: process.pid, script: __filename, set, version, links }));
}).listen(Number(process.env.PORT), '127.0.0.1');
// a drain: still serving for DRAIN_MS after SIGTERM, as the apps do
process.on('SIGTERM', () => setTimeout(() => process.exit(0), Number(process.env.DRAIN_MS || 0)));
`;

type LogLine = {
  event: string;
  instanceId?: string;
  reason?: string;
  delayMs?: number;
  pid?: number;
  why?: string;
  link?: string;
  fault?: { mode: string };
};
type Answer = { status: number; port?: string; pid?: number; script?: string; set?: string; version?: string };

describe('Supervisor (stand-in app processes)', () => {
  let dir: string;
  let supervisor: Supervisor | undefined;
  const echoServers: Server[] = [];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'supervisor-'));
    // two builds of the stand-in app: dist/ (the running one) and next/ (a release's)
    for (const build of ['dist', 'next']) {
      mkdirSync(join(dir, build));
      writeFileSync(join(dir, build, 'fake-app.js'), FAKE_APP);
    }
  });

  afterEach(async () => {
    await supervisor?.stop({ instances: true });
    supervisor = undefined;
    for (const server of echoServers.splice(0)) server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  type Stand = Omit<SupervisedInstance, 'httpPort' | 'surge'> & { env: Record<string, string>; surge?: Record<string, string> };
  const supervise = async (
    instances: Stand[],
    balancer?: { app: string },
    extra: { faultPoints?: boolean; childEnv?: Record<string, string> } = {},
  ) => {
    const withPorts = await Promise.all(
      instances.map(async ({ surge, ...i }): Promise<SupervisedInstance> => {
        const port = String(await freePort());
        const surgePort = String(await freePort());
        return {
          ...i,
          httpPort: port,
          env: { ...i.env, PORT: port },
          ...(surge ? { surge: { httpPort: surgePort, env: { ...i.env, ...surge, PORT: surgePort } } } : {}),
        };
      }),
    );
    supervisor = new Supervisor({
      instances: withPorts,
      ...(balancer ? { balancer: { app: balancer.app, host: '127.0.0.1', port: await freePort() } } : {}),
      childEnv: { PATH: process.env.PATH ?? '', ...extra.childEnv },
      faultPoints: extra.faultPoints,
      cwd: dir,
      scriptOf: (_app, dist) => join(dir, dist, 'fake-app.js'),
      releaseSets: { blue: { SET: 'blue' }, green: { SET: 'green' } },
      logDir: join(dir, 'logs'),
      stateDir: join(dir, 'instances'),
      targetsFile: join(dir, 'targets.json'),
      host: '127.0.0.1',
      port: 0,
      policy: {
        ...DEFAULT_SUPERVISION_POLICY,
        restartDelayMs: 100,
        maxRestartDelayMs: 400,
        livenessIntervalMs: 100,
        livenessTimeoutMs: 200,
        livenessFailures: 3,
      },
    });
    await supervisor.listen();
    return supervisor;
  };

  const logged = (): LogLine[] =>
    readFileSync(join(dir, 'logs', 'supervisor.log'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as LogLine);

  it('restarts a crashing instance with a doubling delay, at most the cap; each restart counted and logged', async () => {
    const s = await supervise([{ id: 'crashy', app: 'crashy', env: { EXIT_AFTER_MS: '150' } }]);
    void s.start().catch(() => undefined);
    await waitUntil('5 restarts', () => Promise.resolve((s.status().instances[0]?.restarts ?? 0) >= 5), {
      timeoutMs: 20_000,
      intervalMs: 50,
    });
    const failed = logged().filter((l) => l.event === 'instance_failed');
    expect(failed.slice(0, 5).map((l) => [l.reason, l.delayMs])).toEqual([
      ['exit', 100],
      ['exit', 200],
      ['exit', 400],
      ['exit', 400],
      ['exit', 400],
    ]);
    const restarts = s.status().instances[0]?.restarts ?? 0;
    expect(await (await fetch(`${s.url}/metrics`)).text()).toContain(
      `shopmesh_supervisor_restarts_total{app="crashy",instance_id="crashy",reason="exit"} ${restarts}`,
    );
    // the targets file lists the instance and the supervisor itself
    expect(JSON.parse(readFileSync(join(dir, 'targets.json'), 'utf8'))).toEqual([
      { targets: [`127.0.0.1:${s.status().instances[0]?.httpPort}`], labels: { app: 'crashy', instance_id: 'crashy' } },
      { targets: [`127.0.0.1:${s.port}`], labels: { app: 'supervisor', instance_id: 'supervisor' } },
    ]);
  }, 30_000);

  it('kills and restarts an instance whose liveness fails 3 times in a row', async () => {
    const s = await supervise([{ id: 'wedged', app: 'wedged', env: { LIVE_FOR_MS: '1000' } }]);
    await s.start();
    const first = s.status().instances[0]?.pid;
    await waitUntil('a restart', () => Promise.resolve(s.status().instances[0]?.restarts === 1), {
      timeoutMs: 10_000,
      intervalMs: 50,
    });
    expect(s.status().instances[0]).toMatchObject({ lastRestart: { reason: 'liveness', exit: 'signal SIGKILL' } });
    expect(logged().filter((l) => l.event === 'liveness_failed').length).toBeGreaterThanOrEqual(2);
    expect(logged().find((l) => l.event === 'instance_killed')).toMatchObject({ reason: 'liveness', pid: first });
  }, 20_000);

  it('starts instances after the apps they call, and a rolling restart is planned: not fought, not counted', async () => {
    const s = await supervise([
      { id: 'front', app: 'front', env: {}, after: ['back'] },
      { id: 'back', app: 'back', env: {}, after: [] },
      { id: 'back-2', app: 'back', env: {}, after: [] },
    ]);
    await s.start();
    const started = logged().filter((l) => l.event === 'instance_started');
    expect(started.map((l) => l.instanceId).pop()).toBe('front');
    const before = s.status().instances.map((i) => i.pid);
    const res = await fetch(`${s.url}/restart?app=back`, { method: 'POST' });
    expect(res.status).toBe(200);
    const { restarted } = (await res.json()) as { restarted: Array<{ id: string; pid: number }> };
    expect(restarted.map((r) => r.id)).toEqual(['back', 'back-2']);
    const after = s.status();
    expect(after.ready).toBe(true);
    expect(after.instances.map((i) => [i.id, i.restarts, i.pid === before[after.instances.indexOf(i)]])).toEqual([
      ['front', 0, true],
      ['back', 0, false],
      ['back-2', 0, false],
    ]);
    expect(logged().filter((l) => l.event === 'instance_failed')).toEqual([]);
    expect((await fetch(`${s.url}/restart?app=nope`, { method: 'POST' })).status).toBe(404);
  }, 20_000);

  it('replaces each instance beside the running one, behind the balancer: no request fails through two rolling restarts', async () => {
    const s = await supervise(
      [
        { id: 'web', app: 'web', env: { DRAIN_MS: '300' }, surge: {} },
        { id: 'web-2', app: 'web', env: { DRAIN_MS: '300' }, surge: {} },
      ],
      { app: 'web' },
    );
    await s.start();
    const home = s.status().instances.map((i) => i.httpPort);
    const answers: Array<{ status: number; port?: string }> = [];
    let running = true;
    const load = (async () => {
      while (running) {
        const res = await fetch(`${s.balancerUrl}/anything`, { method: 'POST', body: '{}' });
        answers.push({ status: res.status, ...((await res.json()) as { port?: string }) });
      }
    })();
    await s.restartApp('web');
    const surged = s.status().instances.map((i) => i.httpPort);
    await s.restartApp('web');
    running = false;
    await load;

    expect(surged.filter((port) => home.includes(port))).toEqual([]);
    expect(s.status().instances.map((i) => i.httpPort)).toEqual(home); // back on its own ports
    expect(answers.length).toBeGreaterThan(20);
    expect(answers.filter((a) => a.status !== 200)).toEqual([]);
    expect(new Set(answers.map((a) => a.port))).toEqual(new Set([...home, ...surged]));
    const replaced = logged().filter((l) => l.event === 'instance_replaced');
    expect(replaced.map((l) => l.instanceId)).toEqual(['web', 'web-2', 'web', 'web-2']);
    expect(logged().filter((l) => l.event === 'instance_failed')).toEqual([]);
  }, 30_000);

  it('rolls back a replacement that dies before it is ready: the previous process keeps serving', async () => {
    const s = await supervise([{ id: 'api', app: 'api', env: {}, surge: { EXIT_AFTER_MS: '50' } }], { app: 'api' });
    await s.start();
    const before = s.status().instances[0];
    await expect(s.restartApp('api')).rejects.toThrow(/the replacement failed .*rolled back to pid/);
    expect(s.status().instances[0]).toMatchObject({ phase: 'ready', pid: before?.pid, httpPort: before?.httpPort });
    const res = await fetch(`${s.balancerUrl}/x`);
    expect({ status: res.status, port: ((await res.json()) as { port: string }).port }).toEqual({
      status: 200,
      port: before?.httpPort,
    });
    expect(logged().find((l) => l.event === 'replacement_rolled_back')).toMatchObject({ instanceId: 'api' });
  }, 20_000);

  /** A service and two web instances that call it, behind the balancer; requests (POST: never repeated by it) until stopped. */
  const releasable = async () => {
    const s = await supervise(
      [
        { id: 'back', app: 'back', env: { DRAIN_MS: '300' }, after: [], surge: {} },
        { id: 'web', app: 'web', env: { DRAIN_MS: '300' }, after: ['back'], surge: {} },
        // ready a second after the other: the first new gateway waits out of rotation until the switch
        { id: 'web-2', app: 'web', env: { DRAIN_MS: '300', READY_AFTER_MS: '1000' }, after: ['back'], surge: {} },
      ],
      { app: 'web' },
    );
    await s.start();
    const answers: Answer[] = [];
    let running = true;
    const ask = async (): Promise<Answer> => {
      const res = await fetch(`${s.balancerUrl}/orders`, { method: 'POST', body: '{}' });
      return { status: res.status, ...((await res.json()) as Omit<Answer, 'status'>) };
    };
    const load = (async () => {
      while (running) answers.push(await ask());
    })();
    const stopLoad = async () => {
      running = false;
      await load;
      return answers;
    };
    return { s, ask, stopLoad, pids: () => s.status().instances.map((i) => i.pid) };
  };

  it('releases a whole new set beside the running one under a stream of requests: zero failed, one switch, every old process gone', async () => {
    const { s, ask, stopLoad, pids } = await releasable();
    const old = pids();
    const releasing = s.release({ dist: 'next', env: { web: { VERSION: '2' } } });
    // one restart or release at a time
    const busy = await fetch(`${s.url}/restart?app=web`, { method: 'POST' });
    expect([busy.status, ((await busy.json()) as { code: string }).code]).toEqual([409, 'SUPERVISOR.BUSY']);
    await expect(s.release()).rejects.toMatchObject({ status: 409, code: 'SUPERVISOR.BUSY' });
    const report = await releasing;
    const after = await Promise.all([ask(), ask(), ask(), ask()]);
    const answers = await stopLoad();

    expect(answers.length).toBeGreaterThan(20);
    expect(answers.filter((a) => a.status !== 200)).toEqual([]);
    expect(old.filter((pid) => pid !== undefined && isAlive(pid))).toEqual([]);
    const current = pids();
    expect(current.filter((pid) => old.includes(pid))).toEqual([]);
    expect(report).toMatchObject({ set: 'green', instances: current.map((pid) => ({ pid })) });
    expect(s.status()).toMatchObject({ set: 'green', ready: true });
    // before the switch only the old gateways served, after it only the new ones, of the new build and variables
    const byOld = answers.filter((a) => old.includes(a.pid));
    const byNew = answers.filter((a) => current.includes(a.pid));
    expect(byOld.length + byNew.length).toBe(answers.length);
    expect(answers.findIndex((a) => current.includes(a.pid))).toBeGreaterThan(answers.findLastIndex((a) => old.includes(a.pid)));
    expect(new Set([...byNew, ...after].map((a) => `${a.set} ${a.version} ${a.script}`))).toEqual(
      new Set([`green 2 ${join(dir, 'next', 'fake-app.js')}`]),
    );
    // the new set started in dependency order: the new web instances once the new back was ready
    const events = logged().map((l) => `${l.event} ${l.instanceId ?? ''}`);
    const releaseStart = events.indexOf('release_started ');
    const newBackReady = events.indexOf('instance_ready back', releaseStart);
    expect(events.indexOf('instance_started web', releaseStart)).toBeGreaterThan(newBackReady);
    expect(events.filter((e) => e.startsWith('release_switched'))).toHaveLength(1);
    expect(events.filter((e) => e.startsWith('instance_failed'))).toEqual([]);
  }, 30_000);

  it('rolls a release back when its new set is not ready in time or a process of it exits: the old set serves on untouched, zero failed', async () => {
    const { s, stopLoad, pids } = await releasable();
    const old = pids();
    await expect(s.release({ env: { web: { NOT_READY: '1' } }, deadlineMs: 1500 })).rejects.toMatchObject({
      code: 'SUPERVISOR.RELEASE_ROLLED_BACK',
      message: expect.stringMatching(/rolled back: the new set was not ready within 1500 ms/) as unknown,
    });
    await expect(s.release({ env: { back: { NOT_READY: '1', EXIT_AFTER_MS: '300' } } })).rejects.toThrow(
      /rolled back: back: the new process exited \(code 1\)/,
    );
    const answers = await stopLoad();

    expect(pids()).toEqual(old);
    expect(s.status()).toMatchObject({ set: 'blue', ready: true });
    expect(answers.length).toBeGreaterThan(10);
    expect(answers.filter((a) => a.status !== 200 || !old.includes(a.pid))).toEqual([]);
    const started = logged().filter((l) => l.event === 'instance_started' && !old.includes(l.pid));
    // one new process starting at a time: web-2 never started, web not ready in time
    expect(started.map((l) => l.instanceId)).toEqual(['back', 'web', 'back']);
    expect(started.map((l) => l.pid).filter((pid) => pid !== undefined && isAlive(pid))).toEqual([]);
    expect(logged().filter((l) => l.event === 'release_rolled_back')).toHaveLength(2);
  }, 30_000);

  it('POST /release: a malformed or invalid body, an unknown app or build are refused with a problem+json code; {} releases', async () => {
    const s = await supervise([{ id: 'api', app: 'api', env: {}, surge: {} }], { app: 'api' });
    await s.start();
    const post = async (body: string) => {
      const res = await fetch(`${s.url}/release`, { method: 'POST', body });
      return [res.status, res.headers.get('content-type'), ((await res.json()) as { code?: string; set?: string }).code];
    };
    expect(await post('{')).toEqual([400, 'application/problem+json', 'SUPERVISOR.MALFORMED_BODY']);
    expect(await post('{"deadlineMs": -1}')).toEqual([400, 'application/problem+json', 'SUPERVISOR.INVALID_RELEASE']);
    expect(await post('{"surprise": true}')).toEqual([400, 'application/problem+json', 'SUPERVISOR.INVALID_RELEASE']);
    expect(await post('{"env": {"nope": {"X": "1"}}}')).toEqual([422, 'application/problem+json', 'SUPERVISOR.UNKNOWN_APP']);
    expect(await post('{"dist": "missing"}')).toEqual([422, 'application/problem+json', 'SUPERVISOR.BUILD_NOT_FOUND']);
    const before = s.status().instances[0]?.pid;
    expect(await post('{}')).toEqual([200, 'application/json; charset=utf-8', undefined]);
    expect(s.status()).toMatchObject({ set: 'green', instances: [{ phase: 'ready' }] });
    expect(s.status().instances[0]?.pid).not.toBe(before);
  }, 20_000);

  /** Two catalog instances (postgres, redis, rpc links) and a web app ShopMesh does not declare (none), under fault points. */
  const withFaultPoints = async () => {
    const echo = createServer((socket) => socket.on('error', () => undefined).pipe(socket));
    echoServers.push(echo);
    await new Promise<void>((ok) => echo.listen(0, '127.0.0.1', ok));
    const target = (echo.address() as AddressInfo).port;
    const [rpc, rpc2, surgeRpc] = [await freePort(), await freePort(), await freePort()];
    const rpcOf = (port: number) => ({ CATALOG_TCP_PORT: String(port), ECHO_PORT: String(port) });
    const s = await supervise(
      [
        { id: 'catalog', app: 'catalog', env: rpcOf(rpc), surge: rpcOf(surgeRpc) },
        { id: 'catalog-2', app: 'catalog', env: rpcOf(rpc2) },
        { id: 'web', app: 'web', env: {} },
      ],
      undefined,
      {
        faultPoints: true,
        // one echo server stands in for both: what matters is which path a byte takes
        childEnv: {
          POSTGRES_HOST: '127.0.0.1',
          POSTGRES_PORT: String(target),
          REDIS_URL: `redis://:secret@127.0.0.1:${target}/3`,
        },
      },
    );
    await s.start();
    const port = (instance: string, link: string) => s.faults().find((p) => p.instance === instance && p.link === link)?.port;
    const ask = async (id: string, path: string) => {
      const res = await fetch(`http://127.0.0.1:${s.status().instances.find((i) => i.id === id)?.httpPort}${path}`);
      return { status: res.status, ...((await res.json()) as { links: Record<string, string> }) };
    };
    return { s, target, rpc, rpc2, port, ask };
  };

  /** Milliseconds a ping takes there and back through `port`. */
  const echoed = async (port: number | undefined) => {
    const started = Date.now();
    const socket = connect(Number(port), '127.0.0.1');
    await new Promise<void>((ok, fail) =>
      socket
        .once('error', fail)
        .once('connect', () => socket.write('ping'))
        .once('data', () => ok()),
    );
    socket.destroy();
    return Date.now() - started;
  };

  const postFault = async (s: Supervisor, body: unknown) => {
    const res = await fetch(`${s.url}/faults`, { method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body) });
    return {
      status: res.status,
      type: res.headers.get('content-type'),
      body: (await res.json()) as { points?: FaultPointStatus[]; code?: string },
    };
  };

  it('fault points: every link of an instance through a point of its own, faults on one leave the others alone, logged and counted', async () => {
    const { s, target, rpc, rpc2, port, ask } = await withFaultPoints();
    const pass = { mode: 'pass' } as const;
    expect(s.faults().map((p) => [p.instance, p.app, p.link, p.target, p.fault])).toEqual([
      ['catalog', 'catalog', 'postgres', `127.0.0.1:${target}`, pass],
      ['catalog', 'catalog', 'redis', `127.0.0.1:${target}`, pass],
      ['catalog', 'catalog', 'rpc', `127.0.0.1:${rpc}`, pass],
      ['catalog-2', 'catalog', 'postgres', `127.0.0.1:${target}`, pass],
      ['catalog-2', 'catalog', 'redis', `127.0.0.1:${target}`, pass],
      ['catalog-2', 'catalog', 'rpc', `127.0.0.1:${rpc2}`, pass],
    ]);
    expect(await (await fetch(`${s.url}/faults`)).json()).toEqual({ points: s.faults() });
    // the instance reaches Postgres and Redis through its points (the Redis URL's password and database kept), and advertises its rpc point
    expect((await ask('catalog', '/health/ready')).links).toEqual({
      postgres: `127.0.0.1:${port('catalog', 'postgres')}`,
      redis: `redis://:secret@127.0.0.1:${port('catalog', 'redis')}/3`,
      rpc: `127.0.0.1:${port('catalog', 'rpc')}`,
    });
    expect((await ask('web', '/health/ready')).links).toEqual({
      postgres: `127.0.0.1:${target}`,
      redis: expect.stringContaining(`:${target}/3`),
    });
    expect((await ask('catalog', '/dial/postgres')).status).toBe(200);

    const partitioned = await postFault(s, { instance: 'catalog', link: 'postgres', fault: { mode: 'partition' } });
    expect(partitioned).toMatchObject({
      status: 200,
      body: { points: [{ instance: 'catalog', link: 'postgres', fault: { mode: 'partition' } }] },
    });
    expect([(await ask('catalog', '/dial/postgres')).status, (await ask('catalog', '/dial/redis')).status]).toEqual([504, 200]);
    expect((await ask('catalog-2', '/dial/postgres')).status).toBe(200);
    // the network in front of both catalog instances: every caller's bytes 150 ms later each way
    expect(s.setFault({ app: 'catalog', link: 'rpc' }, { mode: 'latency', ms: 150 }).map((p) => p.instance)).toEqual([
      'catalog',
      'catalog-2',
    ]);
    expect(await echoed(port('catalog-2', 'rpc'))).toBeGreaterThanOrEqual(300);
    // the heal: every postgres point (the same fault again on catalog-2's changes nothing)
    expect((await postFault(s, { link: 'postgres', fault: pass })).body.points).toHaveLength(2);
    s.setFault({ link: 'rpc' }, pass);
    expect((await ask('catalog', '/dial/postgres')).status).toBe(200);
    expect(await echoed(port('catalog', 'rpc'))).toBeLessThan(150);

    const metrics = await (await fetch(`${s.url}/metrics`)).text();
    const count = (labels: string) => metrics.match(new RegExp(`shopmesh_supervisor_faults_total\\{${labels}\\} (\\d+)`))?.[1];
    expect(count('app="catalog",instance_id="catalog",link="postgres",mode="partition"')).toBe('1');
    expect(count('app="catalog",instance_id="catalog",link="postgres",mode="pass"')).toBe('1');
    expect(count('app="catalog",instance_id="catalog-2",link="postgres",mode="pass"')).toBeUndefined();
    expect(count('app="catalog",instance_id="catalog-2",link="rpc",mode="latency"')).toBe('1');
    expect(checkMetrics(metrics)).toEqual({ ok: true, output: '' });
    const faultsLogged = logged().filter((l) => l.event === 'fault_set');
    expect(faultsLogged.map((l) => `${l.instanceId} ${l.link} ${l.fault?.mode}`)).toEqual([
      'catalog postgres partition',
      'catalog rpc latency',
      'catalog-2 rpc latency',
      'catalog postgres pass',
      'catalog rpc pass',
      'catalog-2 rpc pass',
    ]);
  }, 20_000);

  it('fault points: a surge replacement connects directly; back on its own ports the instance goes through its points again', async () => {
    const { s, target, port, ask } = await withFaultPoints();
    await s.restartApp('catalog');
    expect((await ask('catalog', '/health/ready')).links).toMatchObject({ postgres: `127.0.0.1:${target}` });
    await s.restartApp('catalog');
    expect((await ask('catalog', '/health/ready')).links).toMatchObject({ postgres: `127.0.0.1:${port('catalog', 'postgres')}` });
  }, 20_000);

  it('POST /faults: a malformed body, an invalid link, fault or field, and a selector matching no point are refused with a problem+json code', async () => {
    const { s } = await withFaultPoints();
    const refused = async (body: unknown) => {
      const { status, type, body: problem } = await postFault(s, body);
      return [status, type, problem.code];
    };
    const invalid = [400, 'application/problem+json', 'SUPERVISOR.INVALID_FAULT'];
    expect(await refused('{')).toEqual([400, 'application/problem+json', 'SUPERVISOR.MALFORMED_BODY']);
    expect(await refused({})).toEqual(invalid);
    expect(await refused({ link: 'kafka', fault: { mode: 'pass' } })).toEqual(invalid);
    expect(await refused({ link: 'postgres', fault: { mode: 'jam' } })).toEqual(invalid);
    expect(await refused({ link: 'postgres', fault: { mode: 'latency', ms: -5 } })).toEqual(invalid);
    expect(await refused({ link: 'postgres', fault: { mode: 'latency' } })).toEqual(invalid);
    expect(await refused({ link: 'postgres', fault: { mode: 'loss', rate: 1.5 } })).toEqual(invalid);
    expect(await refused({ link: 'postgres', fault: { mode: 'pass', ms: 3 } })).toEqual(invalid);
    expect(await refused({ link: 'postgres', fault: { mode: 'pass' }, surprise: true })).toEqual(invalid);
    const none = [422, 'application/problem+json', 'SUPERVISOR.NO_SUCH_FAULT_POINT'];
    expect(await refused({ instance: 'nope', link: 'postgres', fault: { mode: 'pass' } })).toEqual(none);
    expect(await refused({ app: 'web', link: 'redis', fault: { mode: 'partition' } })).toEqual(none);
    // the same refusals programmatically (their codes as above: SupervisorError)
    expect(() => s.setFault({ link: 'rpc', instance: 'web' }, { mode: 'pass' })).toThrow('no rpc fault point of instance web');
    expect(() => s.setFault({ link: 'rpc' }, { mode: 'loss', rate: -1 })).toThrow(/^invalid fault: fault.rate: /);
    expect(s.faults().every((p) => p.fault.mode === 'pass')).toBe(true);
  }, 20_000);

  it('without fault points: /faults answers 409 SUPERVISOR.FAULT_POINTS_OFF and the instances connect directly', async () => {
    const s = await supervise([{ id: 'catalog', app: 'catalog', env: {} }], undefined, {
      childEnv: { POSTGRES_HOST: '127.0.0.1', POSTGRES_PORT: '5432', REDIS_URL: 'redis://127.0.0.1:6379' },
    });
    await s.start();
    const off = [409, 'application/problem+json', 'SUPERVISOR.FAULT_POINTS_OFF'];
    const get = await fetch(`${s.url}/faults`);
    expect([get.status, get.headers.get('content-type'), ((await get.json()) as { code: string }).code]).toEqual(off);
    const { status, type, body } = await postFault(s, { link: 'postgres', fault: { mode: 'partition' } });
    expect([status, type, body.code]).toEqual(off);
    expect(() => s.faults()).toThrow('the supervisor runs without fault points');
    const res = await fetch(`http://127.0.0.1:${s.status().instances[0]?.httpPort}/health/ready`);
    expect(((await res.json()) as { links: Record<string, string> }).links.postgres).toBe('127.0.0.1:5432');
  }, 20_000);
});
