import { ServerTCP, type MessageHandler, type TcpOptions } from '@nestjs/microservices';

/** Most distinct pattern strings whose handler is remembered (patterns come from clients). */
const MAX_REMEMBERED_PATTERNS = 10_000;

/**
 * Nest's TCP server, unchanged on the wire and in behaviour, that finds a message's handler
 * without Nest's per-message `JSON.parse` of the pattern: for a plain string pattern such as
 * `catalog.getProduct` that parse throws, and building the exception was a tenth of the server's
 * CPU on a small call (BENCHMARKS.md, RPC). The route Nest computes for a pattern string is
 * remembered (only when it has a handler, and at most for 10 000 strings), so the answer is always
 * the one Nest would give.
 */
export class RpcServer extends ServerTCP {
  private readonly handlers = new Map<string, MessageHandler>();

  constructor(options: Required<TcpOptions>['options']) {
    super(options);
  }

  override getHandlerByPattern(pattern: string): MessageHandler | null {
    const known = this.handlers.get(pattern);
    if (known) return known;
    const handler = super.getHandlerByPattern(pattern);
    if (handler && this.handlers.size < MAX_REMEMBERED_PATTERNS) this.handlers.set(pattern, handler);
    return handler;
  }
}
