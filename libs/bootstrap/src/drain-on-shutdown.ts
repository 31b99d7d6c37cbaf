import { BeforeApplicationShutdown, Inject, Injectable, Logger } from '@nestjs/common';
import { ShutdownState } from '@shopmesh/health';
import { setTimeout as sleep } from 'node:timers/promises';

export const DRAIN_MS = Symbol('DRAIN_MS');

/**
 * First step of a graceful shutdown: readiness turns false, then we wait long enough for
 * probes and load balancers to notice before servers stop accepting. Nest then closes the
 * HTTP and TCP servers (in-flight requests finish) and, last, the database connections.
 */
@Injectable()
export class DrainOnShutdown implements BeforeApplicationShutdown {
  private readonly logger = new Logger('Shutdown');

  constructor(
    private readonly state: ShutdownState,
    @Inject(DRAIN_MS) private readonly drainMs: number,
  ) {}

  async beforeApplicationShutdown(signal?: string): Promise<void> {
    this.state.startDraining();
    this.logger.log(`Shutdown started (${signal ?? 'close'}): unready, draining for ${this.drainMs} ms`);
    await sleep(this.drainMs);
  }
}
