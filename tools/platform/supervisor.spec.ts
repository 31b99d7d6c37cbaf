import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitUntil } from '@shopmesh/testing';
import { DEFAULT_SUPERVISION_POLICY } from './supervision-policy';
import { Supervisor, type SupervisedInstance } from './supervisor';

/**
 * A stand-in app, a real process: serves `/health/ready` and `/health/live` on PORT; exits with 1
 * after EXIT_AFTER_MS, or answers 503 to liveness after LIVE_FOR_MS, when set.
 */
const FAKE_APP = `
const http = require('node:http');
const exitAfter = Number(process.env.EXIT_AFTER_MS || 0);
const liveFor = Number(process.env.LIVE_FOR_MS || 0);
const started = Date.now();
if (exitAfter) setTimeout(() => process.exit(1), exitAfter);
http.createServer((req, res) => {
  const live = !liveFor || Date.now() - started < liveFor;
  res.writeHead(req.url === '/health/live' && !live ? 503 : 200).end(JSON.stringify({ port: process.env.PORT, pid: process.pid }));
}).listen(Number(process.env.PORT), '127.0.0.1');
// a drain: still serving for DRAIN_MS after SIGTERM, as the apps do
process.on('SIGTERM', () => setTimeout(() => process.exit(0), Number(process.env.DRAIN_MS || 0)));
`;

type LogLine = { event: string; instanceId?: string; reason?: string; delayMs?: number; pid?: number };

describe('Supervisor (stand-in app processes)', () => {
  let dir: string;
  let script: string;
  let supervisor: Supervisor | undefined;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'supervisor-'));
    script = join(dir, 'fake-app.js');
    writeFileSync(script, FAKE_APP);
  });

  afterEach(async () => {
    await supervisor?.stop({ instances: true });
    supervisor = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  type Stand = Omit<SupervisedInstance, 'httpPort' | 'surge'> & { env: Record<string, string>; surge?: Record<string, string> };
  const supervise = async (instances: Stand[], balancer?: { app: string }) => {
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
      childEnv: { PATH: process.env.PATH ?? '' },
      cwd: dir,
      scriptOf: () => script,
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
});
