import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { SERVICES } from '@shopmesh/config';
import { REPO_ROOT, freePort, waitUntil } from '@shopmesh/testing';
import { RULE_FILES_GLOB, prometheusAnswers, startPrometheusProcess } from '../../tools/infra/local-prometheus';
import { stopPid } from '../../tools/infra/processes';
import { APPS } from '../../tools/platform/apps';
import { DEFAULT_SUPERVISION_POLICY } from '../../tools/platform/supervision-policy';
import { Supervisor, type InstanceStatus } from '../../tools/platform/supervisor';
import { readAuditRows } from '../../tools/invariants/read-audit-rows';
import { auditConnectionOf } from '../../tools/invariants/audit-invariants';
import { CheckoutClient } from './checkout-client';
import { preparePlatform, type PreparedPlatform } from './platform';
import { PrivateKafka } from './private-kafka';

/**
 * The first restart waits this long: longer than the alert's `for: 10s` plus a few scrapes, so
 * Prometheus sees the instance down long enough to fire ShopMeshInstanceDown (npm run up: 1 s).
 */
const RESTART_DELAY_MS = 20_000;

type Problem = { code?: string; orderId?: string };

/**
 * The supervisor of `npm run up`, run here on the suite's own directory, ports, databases and Kafka
 * broker, with a Prometheus of the suite's own scraping the targets file the supervisor writes
 * (scrape and rule evaluation every second, the repository's rules). Every app a real process.
 */
describe('supervisor: automated recovery (real processes, private Kafka and Prometheus)', () => {
  let kafka: PrivateKafka;
  let platform: PreparedPlatform;
  let supervisor: Supervisor;
  let client: CheckoutClient;
  let runDir: string;
  let prometheus: string;
  let prometheusPid: number | undefined;
  let admin: string;

  const instance = (id: string): InstanceStatus => {
    const found = supervisor.status().instances.find((i) => i.id === id);
    if (!found) throw new Error(`no instance ${id}`);
    return found;
  };

  /** The series an instant PromQL query answers, as label sets. */
  const query = async (promql: string): Promise<Array<{ metric: Record<string, string>; value: [number, string] }>> => {
    const res = await fetch(`${prometheus}/api/v1/query?query=${encodeURIComponent(promql)}`);
    const body = (await res.json()) as {
      status: string;
      data: { result: Array<{ metric: Record<string, string>; value: [number, string] }> };
    };
    if (body.status !== 'success') throw new Error(`query ${promql}: ${JSON.stringify(body)}`);
    return body.data.result;
  };

  const alertOf = async (instanceId: string): Promise<string | undefined> =>
    (await query(`ALERTS{alertname="ShopMeshInstanceDown",instance_id="${instanceId}"}`))[0]?.metric.alertstate;

  beforeAll(async () => {
    const setupStarted = Date.now();
    kafka = await PrivateKafka.create();
    [platform] = await Promise.all([
      preparePlatform('supervisor', {
        KAFKA_BROKERS: kafka.brokers,
        // step deadlines longer than the outage: the saga resumes, it is not cancelled by a TIMEOUT
        ORDER_STEP_TIMEOUT_MS: '120000',
        RPC_TIMEOUT_MS: '5000',
      }),
      kafka.start(),
    ]);
    runDir = mkdtempSync(join(tmpdir(), 'shopmesh-supervisor-'));
    const targetsFile = join(runDir, 'prometheus', 'targets.json');
    supervisor = new Supervisor({
      // each app once the services it calls are ready, as npm run up does
      instances: APPS.map((app) => ({
        id: app.name,
        app: app.name,
        httpPort: String(platform.httpPorts[app.name]),
        env: {},
        after: SERVICES[app.name].calls,
      })),
      childEnv: { PATH: process.env.PATH ?? '', ...platform.env },
      cwd: REPO_ROOT,
      logDir: join(runDir, 'logs'),
      targetsFile,
      host: '127.0.0.1',
      port: 0,
      policy: {
        ...DEFAULT_SUPERVISION_POLICY,
        restartDelayMs: RESTART_DELAY_MS,
        maxRestartDelayMs: RESTART_DELAY_MS,
        livenessIntervalMs: 1000,
        livenessTimeoutMs: 1000,
        livenessFailures: 3,
      },
    });
    await supervisor.listen();
    const promPort = await freePort();
    prometheus = `http://127.0.0.1:${promPort}`;
    prometheusPid = startPrometheusProcess({
      dir: join(runDir, 'prometheus'),
      host: '127.0.0.1',
      port: promPort,
      config: { targetsFile, ruleFiles: [RULE_FILES_GLOB], scrapeIntervalSeconds: 1, evaluationIntervalSeconds: 1 },
    });
    const kafkaAndDatabases = Date.now() - setupStarted;
    await supervisor.start();
    process.stdout.write(
      `supervisor e2e setup: Kafka and databases ${kafkaAndDatabases} ms, 7 apps started (each after its callees) ${Date.now() - setupStarted - kafkaAndDatabases} ms\n`,
    );
    await waitUntil('Prometheus is ready', () => prometheusAnswers(prometheus), { timeoutMs: 30_000 });
    // every instance and the supervisor scraped and up
    await waitUntil(
      'Prometheus scrapes all 8 targets, each up',
      async () => {
        const up = await query('up{job="shopmesh"}');
        return up.length === APPS.length + 1 && up.every((s) => s.value[1] === '1');
      },
      { timeoutMs: 30_000, intervalMs: 500 },
    );
    client = new CheckoutClient({
      api: `http://127.0.0.1:${platform.httpPorts.gateway}`,
      env: platform.env,
      databases: platform.databases,
    });
    admin = await client.admin();
  }, 240_000);

  afterAll(async () => {
    await supervisor?.stop({ instances: true });
    if (prometheusPid !== undefined) await stopPid(prometheusPid, 10_000);
    await platform?.dropAll();
    await kafka?.destroy();
    if (runDir) rmSync(runDir, { recursive: true, force: true });
  }, 90_000);

  it('kill -9 of orders under checkout load: restarted without a hand, the alert fires then resolves, every order final, invariants hold', async () => {
    const buyers = await Promise.all(Array.from({ length: 4 }, () => client.customer()));
    const products = await Promise.all([client.product(admin, 100_000, 900), client.product(admin, 12, 1500)]);
    const before = instance('orders');
    expect(before).toMatchObject({ phase: 'ready', restarts: 0 });

    // load: 4 loops placing orders (each with its Idempotency-Key) until the restarted orders has taken some
    type Attempt = { at: number; buyer: string; key: string; body: unknown; status: number; answer: Problem };
    const attempts: Attempt[] = [];
    let running = true;
    const loops = buyers.map(async (buyer, w) => {
      for (let i = 0; running; i += 1) {
        const body = client.orderBody((products[(w + i) % 2] as { id: string }).id, 1, 'tok_visa');
        const key = randomUUID();
        const at = Date.now();
        const res = await client.place(buyer, body, key);
        attempts.push({ at, buyer, key, body, status: res.status, answer: (await res.json()) as Problem });
        await sleep(100);
      }
    });

    await sleep(6000);
    const killedAt = Date.now();
    process.kill(before.pid as number, 'SIGKILL');
    const timeline: Record<string, number> = {};
    await waitUntil(
      'orders restarted and ready, and the alert seen firing',
      async () => {
        const now = Date.now() - killedAt;
        const state = await alertOf('orders');
        if (state === 'pending') timeline.alertPending ??= now;
        if (state === 'firing') timeline.alertFiring ??= now;
        const orders = instance('orders');
        if (orders.phase === 'starting') timeline.restarted ??= now;
        if (orders.phase === 'ready' && orders.restarts === 1) timeline.ready ??= now;
        return timeline.ready !== undefined && timeline.alertFiring !== undefined;
      },
      { timeoutMs: RESTART_DELAY_MS + 90_000, intervalMs: 250 },
    );
    await waitUntil(
      'the alert resolved',
      async () => {
        const state = await alertOf('orders');
        if (state === undefined) timeline.alertResolved = Date.now() - killedAt;
        return state === undefined;
      },
      { timeoutMs: 60_000, intervalMs: 250 },
    );
    // a few more seconds of orders placed on the restarted process
    const readyAt = killedAt + (timeline.ready ?? 0);
    await waitUntil(
      'orders accepted after the restart',
      () => Promise.resolve(attempts.filter((a) => a.at > readyAt && a.status === 202).length >= 10),
      {
        timeoutMs: 30_000,
      },
    );
    running = false;
    await Promise.all(loops);

    process.stdout.write(`supervisor kill -9 of orders at t=0: ${JSON.stringify(timeline)} (ms after the kill)\n`);
    // the supervisor: one restart, after the backoff, a new process; nothing else restarted
    const after = instance('orders');
    expect(after).toMatchObject({
      phase: 'ready',
      restarts: 1,
      lastRestart: { reason: 'exit', exit: 'signal SIGKILL', delayMs: RESTART_DELAY_MS },
    });
    expect(after.pid).not.toBe(before.pid);
    expect(
      supervisor
        .status()
        .instances.filter((i) => i.id !== 'orders')
        .map((i) => [i.id, i.restarts]),
    ).toEqual(APPS.filter((a) => a.name !== 'orders').map((a) => [a.name, 0]));
    expect(timeline.restarted).toBeGreaterThanOrEqual(RESTART_DELAY_MS - 500);
    expect(timeline.alertFiring).toBeLessThan(timeline.ready ?? 0);
    // counted on the supervisor's /metrics, and scraped from there by Prometheus
    const metrics = await (await fetch(`${supervisor.url}/metrics`)).text();
    expect(metrics).toContain('shopmesh_supervisor_restarts_total{app="orders",instance_id="orders",reason="exit"} 1');
    await waitUntil(
      'Prometheus has the restart count',
      async () => (await query('shopmesh_supervisor_restarts_total{instance_id="orders"}'))[0]?.value[1] === '1',
      { timeoutMs: 10_000, intervalMs: 250 },
    );
    // logged, as JSON lines
    const logged = readFileSync(join(runDir, 'logs', 'supervisor.log'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { event: string; instanceId?: string; reason?: string; pid?: number });
    expect(logged.filter((l) => l.instanceId === 'orders' && l.event === 'instance_failed')).toEqual([
      expect.objectContaining({ reason: 'exit', exit: 'signal SIGKILL', pid: before.pid, delayMs: RESTART_DELAY_MS }),
    ]);
    expect(logged.filter((l) => l.instanceId === 'orders' && l.event === 'instance_restarted')).toEqual([
      expect.objectContaining({ reason: 'exit', pid: after.pid, restarts: 1 }),
    ]);

    // placements while orders was down failed cleanly (503), and nothing else
    const failures = attempts.filter((a) => a.status !== 202);
    for (const f of failures) {
      expect([f.status, f.answer.code]).toEqual(
        f.status === 409 ? [409, 'IDEMPOTENCY.IN_PROGRESS'] : [503, expect.stringMatching(/^UPSTREAM\.(UNAVAILABLE|TIMEOUT)$/)],
      );
    }
    // every order that exists reaches a final status (one in flight at the kill included: the saga resumes)
    const accepted = attempts.filter((a) => a.status === 202);
    expect(accepted.length).toBeGreaterThan(20);
    await waitUntil(
      'every order of the database is final',
      async () => {
        const rows = await readAuditRows(auditConnectionOf(platform.env, platform.databases));
        return (
          rows.orders.length >= accepted.length && rows.orders.every((o) => o.status === 'CONFIRMED' || o.status === 'CANCELLED')
        );
      },
      { timeoutMs: 120_000, intervalMs: 1000 },
    );
    const rows = await readAuditRows(auditConnectionOf(platform.env, platform.databases));
    const known = new Set(rows.orders.map((o) => o.id));
    expect(accepted.filter((a) => !known.has(a.answer.orderId ?? ''))).toEqual([]);
    const outcomes = rows.orders.reduce<Record<string, number>>(
      (acc, o) => ({ ...acc, [o.status]: (acc[o.status] ?? 0) + 1 }),
      {},
    );
    expect(await client.violations()).toEqual([]);
    process.stdout.write(
      `supervisor kill -9 of orders: restarts ${JSON.stringify(
        supervisor.status().instances.map((i) => [i.id, i.restarts]),
      )}; ${attempts.length} placements (${accepted.length} accepted, ${failures.length} refused: ${JSON.stringify(
        failures.reduce<Record<string, number>>(
          (acc, f) => ({ ...acc, [`${f.status} ${f.answer.code}`]: (acc[`${f.status} ${f.answer.code}`] ?? 0) + 1 }),
          {},
        ),
      )}); orders ${JSON.stringify(outcomes)}\n`,
    );
  }, 300_000);

  it('a stopped (SIGSTOP) inventory fails its liveness checks: killed and restarted, it then reserves stock again', async () => {
    const before = instance('inventory');
    const stoppedAt = Date.now();
    process.kill(before.pid as number, 'SIGSTOP');
    await waitUntil('inventory killed for its liveness', () => Promise.resolve(instance('inventory').phase === 'backoff'), {
      timeoutMs: 20_000,
      intervalMs: 100,
    });
    const killedAfter = Date.now() - stoppedAt;
    await waitUntil('inventory restarted and ready', () => Promise.resolve(instance('inventory').phase === 'ready'), {
      timeoutMs: RESTART_DELAY_MS + 90_000,
      intervalMs: 250,
    });
    const after = instance('inventory');
    expect(after).toMatchObject({ restarts: 1, lastRestart: { reason: 'liveness', exit: 'signal SIGKILL' } });
    expect(after.pid).not.toBe(before.pid);
    // 3 checks a second apart, each given 1 s
    expect(killedAfter).toBeGreaterThanOrEqual(3000);
    expect(killedAfter).toBeLessThan(12_000);
    expect(await (await fetch(`${supervisor.url}/metrics`)).text()).toContain(
      'shopmesh_supervisor_restarts_total{app="inventory",instance_id="inventory",reason="liveness"} 1',
    );
    // its consumers rejoined: a checkout goes through
    const buyer = await client.customer();
    const product = await client.product(admin, 3, 700);
    const order = await client.finalOrder(buyer, await client.placed(buyer, product.id, 1, 'tok_visa'), 90_000);
    expect(order.status).toBe('CONFIRMED');
    expect(await client.violations()).toEqual([]);
    process.stdout.write(
      `supervisor SIGSTOP of inventory: killed after ${killedAfter} ms, ready after ${Date.now() - stoppedAt} ms\n`,
    );
  }, 180_000);
});
