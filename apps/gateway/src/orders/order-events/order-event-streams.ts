import { BeforeApplicationShutdown, Injectable } from '@nestjs/common';
import { AppError } from '@shopmesh/errors';

/**
 * The event streams this gateway instance holds open. On shutdown it ends them all at once (the
 * clients reconnect, with `Last-Event-ID`, to another instance) and refuses new ones, so an open
 * stream never holds up the HTTP server's close.
 */
@Injectable()
export class OrderEventStreams implements BeforeApplicationShutdown {
  private readonly open = new Set<AbortController>();
  private closing = false;

  /** A signal aborted when the stream must end; call `release` once it has. */
  acquire(): { signal: AbortSignal; release: () => void } {
    if (this.closing) throw new AppError('SERVICE.SHUTTING_DOWN', 'This gateway instance is shutting down; reconnect');
    const controller = new AbortController();
    this.open.add(controller);
    return { signal: controller.signal, release: () => this.open.delete(controller) };
  }

  beforeApplicationShutdown(): void {
    this.closing = true;
    for (const controller of this.open) controller.abort();
    this.open.clear();
  }
}
