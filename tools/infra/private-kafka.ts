import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, isPortFree } from '@shopmesh/testing';
import { loadInfraConfig, type InfraConfig } from './infra-config';
import { startOwnKafka, stopLocalKafka } from './kafka/local-kafka';

/**
 * A Kafka broker of the test's own (own port, own data directory), so the test can stop and
 * start it without touching the broker everything else uses. Jars come from the shared cache.
 */
export class PrivateKafka {
  private readonly config: InfraConfig;

  private constructor(port: number) {
    const base = loadInfraConfig();
    this.config = {
      ...base,
      kafka: { ...base.kafka, brokers: [`127.0.0.1:${port}`], host: '127.0.0.1', port },
      dataDir: mkdtempSync(join(tmpdir(), 'shopmesh-kafka-')),
    };
  }

  static async create(): Promise<PrivateKafka> {
    for (;;) {
      const port = await freePort();
      if (await isPortFree(port + 1)) return new PrivateKafka(port); // the controller takes port + 1 (handed out 151 calls later)
    }
  }

  get brokers(): string {
    return this.config.kafka.brokers.join(',');
  }

  /** Starts (or restarts, keeping its data) and waits until topics and the group coordinator are ready. */
  async start(): Promise<void> {
    await startOwnKafka(this.config, 90_000);
  }

  async stop(): Promise<void> {
    await stopLocalKafka(this.config);
  }

  async destroy(): Promise<void> {
    await this.stop();
    rmSync(this.config.dataDir, { recursive: true, force: true });
  }
}
