import { lookup } from 'node:dns/promises';
import { Logger } from '@nestjs/common';
import type { Discovery } from './discovery';

/**
 * Every address a name resolves to (a Kubernetes headless Service: one A record per ready pod),
 * re-resolved every `refreshMs`. A failed lookup keeps the last known list.
 */
export class DnsDiscovery implements Discovery {
  private readonly logger = new Logger(DnsDiscovery.name);
  private list: string[] = [];
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly host: string,
    private readonly port: number,
    private readonly refreshMs: number,
  ) {}

  async start(): Promise<void> {
    await this.resolve();
    this.timer = setInterval(() => void this.resolve(), this.refreshMs);
    this.timer.unref();
  }

  addresses(): readonly string[] {
    return this.list;
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private async resolve(): Promise<void> {
    try {
      const records = await lookup(this.host, { all: true });
      this.list = [
        ...new Set(records.map((r) => (r.family === 6 ? `[${r.address}]:${this.port}` : `${r.address}:${this.port}`))),
      ].sort();
    } catch (error) {
      this.logger.warn({ err: error }, `cannot resolve ${this.host}; keeping ${this.list.length} known address(es)`);
    }
  }
}
