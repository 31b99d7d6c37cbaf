import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { PaymentAuthorized } from '@shopmesh/contracts';
import type { Envelope } from '@shopmesh/messaging';
import {
  AppProcess,
  REPO_ROOT,
  createTestDatabase,
  dropTestDatabase,
  freePort,
  pgConnectionOf,
  testEnv,
  waitUntil,
} from '@shopmesh/testing';
import { Client } from 'pg';
import { migratePayments } from '../src/database/migrate';
import { TEST_HOOK_VARIABLES } from '../src/faults/test-hooks';
import { PaymentTopics, TEST_PROVIDER, authorizeEnvelope, newPaymentSpace, refundEnvelope } from './payments-harness';

const MAIN = resolve(REPO_ROOT, 'dist/apps/payments/src/main.js');

describe('payments killed (SIGKILL) between the provider approving and its own commit (real process, Postgres, Kafka)', () => {
  const space = newPaymentSpace('crash');
  let env: Record<string, string>;
  let database: string;
  let db: Client;
  let topics: PaymentTopics;
  let payments: AppProcess;
  const groupId = `payments.${space.consumerName}`;

  const rows = async <T>(sql: string, parameters: unknown[]): Promise<T[]> => (await db.query(sql, parameters)).rows as T[];
  const ready = () =>
    waitUntil('payments is ready', async () => (await fetch(`${payments.url}/health/ready`)).ok, {
      timeoutMs: 30_000,
      intervalMs: 200,
    });

  beforeAll(async () => {
    if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run \`npx nest build\` before this suite`);
    const base = testEnv();
    database = await createTestDatabase(pgConnectionOf(base), 'shopmesh_payments', 'crash');
    const opsPort = await freePort();
    env = {
      ...base,
      PAYMENTS_DB_NAME: database,
      PAYMENTS_TCP_PORT: String(await freePort()),
      PAYMENTS_OPS_PORT: String(opsPort),
      PAYMENTS_OPS_HOST: '127.0.0.1',
      PAYMENT_PROVIDER_TIMEOUT_MS: String(TEST_PROVIDER.timeoutMs),
      PAYMENT_PROVIDER_MAX_ATTEMPTS: String(TEST_PROVIDER.maxAttempts),
      [TEST_HOOK_VARIABLES.consumerName]: space.consumerName,
      [TEST_HOOK_VARIABLES.orderIdPrefix]: space.prefix,
      [TEST_HOOK_VARIABLES.killAfterProviderCharge]: '1',
    };
    await migratePayments(env);
    db = new Client({ ...pgConnectionOf(env), database });
    await db.connect();
    topics = await PaymentTopics.connect();
    payments = new AppProcess('payments', env, opsPort);
    await payments.start();
    await ready();
    await topics.waitForGroup(groupId);
  }, 90_000);
  afterAll(async () => {
    await payments?.stop();
    await topics?.deleteGroups([groupId]);
    await topics?.close();
    await db?.end();
    if (database) await dropTestDatabase(pgConnectionOf(env), database);
  });

  it('charges once, captures once and answers once after the restart', async () => {
    // a committed offset on every partition first, so the restarted group resumes where it was
    const warmUps = (await topics.partitions()).map((partition) => ({ partition, orderId: space.newOrderId() }));
    for (const { partition, orderId } of warmUps) await topics.send([refundEnvelope(orderId, 'WARM_UP')], partition);
    await waitUntil('the warm-up commands are handled', async () => {
      const voided = await rows(`SELECT 1 FROM payments WHERE order_id = ANY($1) AND status = 'VOIDED'`, [
        warmUps.map((w) => w.orderId),
      ]);
      return voided.length === warmUps.length;
    });
    await topics.waitForCommits(groupId);
    const events: Envelope[] = await topics.read(PaymentAuthorized.topic, space.prefix);

    const orderId = space.newOrderId();
    await topics.send([authorizeEnvelope(orderId, 'tok_visa')]);
    const exit = await Promise.race([payments.exited(), sleep(20_000).then(() => 'still running')]);
    expect(exit).toBeNull(); // killed by a signal, not exited
    expect(payments.logs()).not.toContain('"level":50'); // it died of the fault, not of an error

    // the provider remembers the charge; payments' transaction never committed
    const chargesAfterCrash = await rows<{ status: string; attempts: number }>(
      `SELECT status, attempts FROM provider_charges WHERE order_id = $1`,
      [orderId],
    );
    expect(chargesAfterCrash).toEqual([{ status: 'APPROVED', attempts: 1 }]);
    expect(await rows(`SELECT 1 FROM payments WHERE order_id = $1`, [orderId])).toEqual([]);
    expect(await rows(`SELECT 1 FROM outbox WHERE message_key = $1`, [orderId])).toEqual([]);

    await payments.start(); // the same settings: the fault fires on a new approval only
    await ready();
    const ledger = await waitUntil(
      'the capture is recorded after the restart',
      async () => {
        const found = await rows<{ kind: string; amount: string; payment_id: string }>(
          `SELECT kind, amount, payment_id FROM ledger WHERE order_id = $1`,
          [orderId],
        );
        return found.length > 0 ? found : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 200 },
    );
    await waitUntil('PaymentAuthorized is on payments.events', () => events.some((e) => e.aggregateId === orderId), {
      timeoutMs: 20_000,
    });
    await sleep(1500); // a second answer would have come by now

    const charges = await rows<{ status: string; attempts: number; charge_id: string }>(
      `SELECT status, attempts, charge_id FROM provider_charges WHERE order_id = $1`,
      [orderId],
    );
    expect(charges).toEqual([{ status: 'APPROVED', attempts: 2, charge_id: expect.any(String) as string }]);
    const chargeId = charges[0]?.charge_id;
    expect(ledger).toEqual([{ kind: 'CAPTURE', amount: '4200', payment_id: chargeId }]);
    expect(await rows(`SELECT status, payment_id FROM payments WHERE order_id = $1`, [orderId])).toEqual([
      { status: 'CAPTURED', payment_id: chargeId },
    ]);
    const answers = events.filter((e) => e.aggregateId === orderId);
    expect(answers.map((e) => [e.type, e.payload])).toEqual([
      ['PaymentAuthorized', { orderId, paymentId: chargeId, amount: { amount: 4200, currency: 'EUR' } }],
    ]);
  }, 150_000);
});
