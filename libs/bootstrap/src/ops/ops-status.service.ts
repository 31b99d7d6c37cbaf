import { Inject, Injectable, Logger, OnApplicationShutdown, Optional } from '@nestjs/common';
import type { InstanceStatus } from '@shopmesh/contracts';
import { ReadinessReport } from '@shopmesh/health';
import { ConsumerRegistry, KAFKA_CLIENT, readConsumerLag, type ConsumerLag } from '@shopmesh/messaging';
import type { Admin, Kafka } from 'kafkajs';
import { DataSource } from 'typeorm';
import { OPS_OPTIONS, type OpsOptions } from './ops-options';

/** Kafka answers within this, or the status gives the last lag it read rather than hold the console. */
const LAG_DEADLINE_MS = 1500;

/** The status of this instance for the ops console: readiness per dependency, outbox backlog, consumer lag. */
@Injectable()
export class OpsStatusService implements OnApplicationShutdown {
  private readonly logger = new Logger(OpsStatusService.name);
  private admin?: Promise<Admin>;
  private reading?: Promise<void>;
  private lastLag: ConsumerLag[] = [];

  constructor(
    @Inject(OPS_OPTIONS) private readonly options: OpsOptions,
    private readonly readiness: ReadinessReport,
    @Optional() private readonly dataSource?: DataSource,
    @Optional() private readonly consumers?: ConsumerRegistry,
    @Optional() @Inject(KAFKA_CLIENT) private readonly kafka?: Kafka,
  ) {}

  async status(): Promise<InstanceStatus> {
    const [readiness, outbox, consumerLag] = await Promise.all([this.readiness.read(), this.outbox(), this.lag()]);
    return {
      service: this.options.service,
      address: this.options.address,
      pid: process.pid,
      uptimeSeconds: Math.round(process.uptime()),
      ready: readiness.ready,
      checks: readiness.checks,
      ...(outbox ? { outbox } : {}),
      consumerLag,
    };
  }

  async onApplicationShutdown(): Promise<void> {
    const admin = await this.admin?.catch(() => undefined);
    await admin?.disconnect().catch(() => undefined);
  }

  private async outbox(): Promise<InstanceStatus['outbox']> {
    if (!this.options.outbox || !this.dataSource) return undefined;
    const [row] = await this.dataSource.query<Array<{ backlog: number; age: number }>>(
      `SELECT count(*)::int AS backlog,
              COALESCE(EXTRACT(EPOCH FROM clock_timestamp() - min(created_at)), 0)::float AS age
         FROM outbox WHERE published_at IS NULL`,
    );
    return { backlog: row?.backlog ?? 0, oldestAgeSeconds: Math.max(0, Math.round((row?.age ?? 0) * 10) / 10) };
  }

  /**
   * The lag of this instance's consumer groups. One read at a time: a read slower than the deadline
   * goes on in the background and the last known lag is answered meanwhile (a slow Kafka shows as
   * stale lag, not as an instance that does not answer).
   */
  private async lag(): Promise<ConsumerLag[]> {
    const groups = this.consumers?.groups ?? [];
    if (!this.kafka || groups.length === 0) return [];
    this.reading ??= (async () => {
      try {
        const admin = await (this.admin ??= this.connect());
        this.lastLag = (await Promise.all(groups.map((g) => readConsumerLag(admin, g.groupId)))).flat();
      } catch (error) {
        const stale = this.admin;
        this.admin = undefined; // a fresh connection next time
        void stale?.then((a) => a.disconnect()).catch(() => undefined);
        this.logger.warn({ err: error }, 'could not read consumer lag');
      } finally {
        this.reading = undefined;
      }
    })();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.reading, new Promise((resolve) => (timer = setTimeout(resolve, LAG_DEADLINE_MS)))]);
    clearTimeout(timer);
    return this.lastLag;
  }

  private async connect(): Promise<Admin> {
    const admin = (this.kafka as Kafka).admin();
    await admin.connect();
    return admin;
  }
}
