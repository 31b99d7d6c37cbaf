import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { PostgresConfig } from '@shopmesh/config';
import { Client } from 'pg';
import { ORDER_HISTORY_CHANNEL } from '../checkout-saga/saga-repository';

export const LISTENER_POSTGRES = Symbol('LISTENER_POSTGRES');
const RECONNECT_MS = 1000;

/**
 * One dedicated Postgres connection per process LISTENing on `order_history` (NOTIFY sent in every
 * transaction that appends history, payload: the order id), waking the long polls waiting for that
 * order. It reconnects if the connection drops, waking every waiter so they read the database
 * again: the truth is in the tables, a missed notification costs at most one wait.
 */
@Injectable()
export class HistoryListener implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(HistoryListener.name);
  private readonly waiters = new Map<string, Set<() => void>>();
  private client?: Client;
  private reconnect?: NodeJS.Timeout;
  private closed = false;

  constructor(@Inject(LISTENER_POSTGRES) private readonly postgres: PostgresConfig) {}

  onApplicationBootstrap(): void {
    void this.connect();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.closed = true;
    clearTimeout(this.reconnect);
    this.wakeAll();
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  /** Resolves at the next change of the order's history, or after `ms` (whichever is first). */
  waitForChange(orderId: string, ms: number, signal?: AbortSignal): { changed: Promise<void>; cancel: () => void } {
    let wake!: () => void;
    const changed = new Promise<void>((resolve) => (wake = resolve));
    const set = this.waiters.get(orderId) ?? new Set();
    this.waiters.set(orderId, set);
    const timer = setTimeout(() => done(), ms);
    const done = () => {
      clearTimeout(timer);
      set.delete(done);
      if (set.size === 0 && this.waiters.get(orderId) === set) this.waiters.delete(orderId);
      wake();
    };
    set.add(done);
    signal?.addEventListener('abort', done, { once: true });
    if (this.closed) done();
    return { changed, cancel: done };
  }

  /** True while the LISTEN connection is up. */
  get listening(): boolean {
    return this.client !== undefined;
  }

  private async connect(): Promise<void> {
    if (this.closed) return;
    const client = new Client({
      host: this.postgres.host,
      port: this.postgres.port,
      user: this.postgres.user,
      password: this.postgres.password,
      database: this.postgres.database,
      application_name: `${this.postgres.applicationName}-history-listener`,
      connectionTimeoutMillis: 3000,
      keepAlive: true,
    });
    client.on('notification', (message) => {
      if (message.channel === ORDER_HISTORY_CHANNEL && message.payload) this.wake(message.payload);
    });
    const lost = (error?: unknown) => {
      if (this.client !== client) return;
      this.client = undefined;
      if (error) this.logger.warn({ err: error }, 'order history LISTEN connection lost; reconnecting');
      void client.end().catch(() => undefined);
      this.wakeAll();
      this.scheduleReconnect();
    };
    client.on('error', lost);
    client.on('end', () => lost());
    try {
      await client.connect();
      await client.query(`LISTEN ${ORDER_HISTORY_CHANNEL}`);
      if (this.closed) {
        await client.end();
        return;
      }
      this.client = client;
      this.wakeAll(); // changes made while not listening: let waiters read again
    } catch (error) {
      this.logger.warn({ err: error }, 'could not LISTEN for order history; retrying');
      await client.end().catch(() => undefined);
      this.scheduleReconnect();
    }
  }

  private scheduleReconnect(): void {
    if (this.closed) return;
    clearTimeout(this.reconnect);
    this.reconnect = setTimeout(() => void this.connect(), RECONNECT_MS);
  }

  private wake(orderId: string): void {
    for (const done of [...(this.waiters.get(orderId) ?? [])]) done();
  }

  private wakeAll(): void {
    for (const orderId of [...this.waiters.keys()]) this.wake(orderId);
  }
}
