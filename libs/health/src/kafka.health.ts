import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { Kafka, logLevel } from 'kafkajs';

/**
 * Readiness of Kafka: a fresh admin connection to the configured bootstrap brokers and a
 * cluster description. A fresh connection per check means a cut between us and the seed
 * broker is seen at once, not after a cached connection times out.
 */
@Injectable()
export class KafkaHealthIndicator {
  private readonly kafka: Kafka;

  constructor(
    private readonly indicator: HealthIndicatorService,
    brokers: string[],
    clientId: string,
  ) {
    this.kafka = new Kafka({
      clientId: `${clientId}-health`,
      brokers,
      connectionTimeout: 1500,
      requestTimeout: 2000,
      retry: { retries: 0 },
      logLevel: logLevel.NOTHING,
    });
  }

  check(timeoutMs: number) {
    return this.indicator
      .check('kafka')
      .attempt(async () => {
        const admin = this.kafka.admin();
        try {
          await admin.connect();
          const cluster = await admin.describeCluster();
          return { brokers: cluster.brokers.length };
        } finally {
          await admin.disconnect().catch(() => undefined);
        }
      })
      .withTimeout(timeoutMs);
  }
}
