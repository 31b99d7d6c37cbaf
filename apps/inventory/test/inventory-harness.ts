import { randomBytes, randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import type { INestApplication } from '@nestjs/common';
import { startApp } from '@shopmesh/bootstrap';
import type { Actor, MessageDefinition, PayloadOf } from '@shopmesh/contracts';
import { consumerTransactionOf, createEnvelope, Outbox, messageOf, type Envelope } from '@shopmesh/messaging';
import { RpcClient } from '@shopmesh/rpc';
import { createTestDatabase, dropTestDatabase, freePort, pgConnectionOf, testEnv, waitUntil } from '@shopmesh/testing';
import { Kafka, logLevel } from 'kafkajs';
import { DataSource } from 'typeorm';
import { inventoryDataSourceOptions } from '../src/database/inventory.data-source';
import { migrateInventory } from '../src/database/migrate';
import { loadInventoryConfig } from '../src/inventory.config';
import { InventoryModule } from '../src/inventory.module';
import { ReservationSweeper } from '../src/reservations/expire-reservations/reservation-sweeper';
import { InventoryCommandsConsumer } from '../src/reservations/inventory-commands.consumer';
import { CatalogEventsConsumer } from '../src/stock/track-catalog/catalog-events.consumer';

export const ADMIN: Actor = { userId: '00000000-0000-4000-8000-00000000a001', role: 'admin' };

/**
 * Inventory running in-process on its own fresh test database, with an RPC client pointed at it.
 * Its consumers have groups of their own and answer only this suite's orders (`ours`) and track only
 * its SKUs (`skuPrefix`): the topics are shared by every suite on the machine.
 */
export interface InventoryUnderTest {
  app: INestApplication;
  rpc: RpcClient;
  env: Record<string, string>;
  opsUrl: string;
  /** A second pool on the same database: the test's own view, and its own transactions. */
  db: DataSource;
  logs: string[];
  ours: Set<string>;
  skuPrefix: string;
  groupIds: string[];
  commands: InventoryCommandsConsumer;
  catalog: CatalogEventsConsumer;
  sweeper: ReservationSweeper;
  /** A new order id this instance answers for. */
  newOrder(): string;
  /** A new SKU of this suite. */
  newSku(): string;
  /** Runs a command through the consumer's handler in a transaction of its own, as the consumer does. */
  handle(envelope: Envelope): Promise<void>;
  /** Runs a catalog event through its handler likewise. */
  handleCatalog(envelope: Envelope): Promise<void>;
  close(): Promise<void>;
}

export interface StartInventoryOptions {
  sweeper?: { enabled: boolean; intervalMs?: number; batchSize?: number };
}

export async function startInventory(suite: string, options: StartInventoryOptions = {}): Promise<InventoryUnderTest> {
  const base = testEnv();
  const database = await createTestDatabase(pgConnectionOf(base), 'shopmesh_inventory', suite);
  const [tcpPort, opsPort] = [await freePort(), await freePort()];
  const env = {
    ...base,
    INVENTORY_DB_NAME: database,
    INVENTORY_TCP_PORT: String(tcpPort),
    INVENTORY_OPS_PORT: String(opsPort),
    INVENTORY_OPS_HOST: '127.0.0.1',
    RESERVATION_SWEEP_INTERVAL_MS: String(options.sweeper?.intervalMs ?? 200),
  };
  await migrateInventory(env);
  const id = randomBytes(3).toString('hex');
  const ours = new Set<string>();
  const skuPrefix = `IT${id.toUpperCase()}-`;
  const names = { commands: `inventory-commands-${suite}-${id}`, catalog: `catalog-events-${suite}-${id}` };
  const logs: string[] = [];
  const sink = new Writable({ write: (chunk: Buffer, _enc, done) => (logs.push(chunk.toString()), done()) });
  const config = loadInventoryConfig(env);
  const module = InventoryModule.forRoot(config, {
    logDestination: sink,
    commands: { name: names.commands, fromBeginning: false, acceptsOrder: (orderId) => ours.has(orderId) },
    // a new group of the suite's own: starting at the topic's first message would mean reading every test run's
    // products on a long-lived broker; the suite creates its products after the group has joined
    catalog: { name: names.catalog, fromBeginning: false, acceptsSku: (sku) => sku.startsWith(skuPrefix) },
    sweeper: { enabled: options.sweeper?.enabled ?? false, batchSize: options.sweeper?.batchSize },
  });
  const app = await startApp(module, { http: { host: '127.0.0.1', port: opsPort }, tcp: { host: '127.0.0.1', port: tcpPort } });
  const opsUrl = `http://127.0.0.1:${opsPort}`;
  await waitUntil('inventory is ready (Postgres, Kafka, consumers)', async () => (await fetch(`${opsUrl}/health/ready`)).ok, {
    timeoutMs: 30_000,
    intervalMs: 200,
  });
  const db = await new DataSource({ ...inventoryDataSourceOptions(config), extra: { max: 20 } }).initialize();
  const rpc = RpcClient.forAddresses('inventory', [`127.0.0.1:${tcpPort}`], { timeoutMs: 5000 });
  const outbox = new Outbox();
  const commands = app.get(InventoryCommandsConsumer);
  const catalog = app.get(CatalogEventsConsumer);
  let seq = 0;
  return {
    app,
    rpc,
    env,
    opsUrl,
    db,
    logs,
    ours,
    skuPrefix,
    groupIds: [`inventory.${names.commands}`, `inventory.${names.catalog}`],
    commands,
    catalog,
    sweeper: app.get(ReservationSweeper),
    newOrder: () => {
      const orderId = randomUUID();
      ours.add(orderId);
      return orderId;
    },
    newSku: () => `${skuPrefix}${String((seq += 1)).padStart(4, '0')}`,
    handle: (envelope) => db.transaction((manager) => commands.handle(envelope, consumerTransactionOf(manager, outbox))),
    handleCatalog: (envelope) => db.transaction((manager) => catalog.handle(envelope, consumerTransactionOf(manager, outbox))),
    close: async () => {
      await rpc.close();
      await app.close();
      await db.destroy();
      await dropTestDatabase(pgConnectionOf(env), database);
      await deleteGroups(env, [`inventory.${names.commands}`, `inventory.${names.catalog}`]);
    },
  };
}

/** The envelope of a message of a contract, as another service would publish it. */
export const envelopeOf = <D extends MessageDefinition>(definition: D, aggregateId: string, payload: PayloadOf<D>): Envelope =>
  createEnvelope(messageOf(definition, aggregateId, payload));

/** What inventory recorded to publish (its outbox), for one order, oldest first. */
export async function repliesTo(db: DataSource, orderId: string): Promise<Envelope[]> {
  const rows = await db.query<Array<{ envelope: Envelope }>>(
    `SELECT envelope FROM outbox WHERE message_key = $1 ORDER BY position`,
    [orderId],
  );
  return rows.map((r) => r.envelope);
}

export interface StockState {
  sku: string;
  on_hand: number;
  reserved: number;
}

export async function stockOf(db: DataSource, sku: string): Promise<StockState | undefined> {
  const [row] = await db.query<StockState[]>(`SELECT sku, on_hand, reserved FROM stock WHERE sku = $1`, [sku]);
  return row;
}

/**
 * The audit every test ends with: for each SKU, `on_hand` is the sum of its ledger and `reserved` is
 * the sum of its RESERVED reservation lines. Returns the SKUs that disagree (none, hopefully).
 */
export async function auditDisagreements(db: DataSource): Promise<unknown[]> {
  return db.query(
    `SELECT s.sku, s.on_hand, s.reserved,
            COALESCE((SELECT sum(delta) FROM stock_movements m WHERE m.sku = s.sku), 0)::int AS ledger,
            COALESCE((SELECT sum(quantity) FROM reservations r WHERE r.sku = s.sku AND r.status = 'RESERVED'), 0)::int AS held
       FROM stock s
      WHERE s.on_hand <> COALESCE((SELECT sum(delta) FROM stock_movements m WHERE m.sku = s.sku), 0)
         OR s.reserved <> COALESCE((SELECT sum(quantity) FROM reservations r WHERE r.sku = s.sku AND r.status = 'RESERVED'), 0)`,
  );
}

async function deleteGroups(env: Record<string, string>, groupIds: string[]): Promise<void> {
  const kafka = new Kafka({
    clientId: 'inventory-test',
    brokers: (env.KAFKA_BROKERS ?? '').split(','),
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  await admin.connect();
  await admin.deleteGroups(groupIds).catch(() => undefined);
  await admin.disconnect();
}
