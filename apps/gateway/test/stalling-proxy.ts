import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy that can stall: `stall()` holds every byte on open connections (a Redis that hangs
 * mid-connection: connected, ready, and then silent), `resume()` delivers what was held, in order.
 * `TcpProxy.blackhole()` cannot show this: it drops the connections, and a client that knows it is
 * disconnected fails fast on its own.
 */
export class StallingProxy {
  private server?: Server;
  private readonly pairs = new Set<[Socket, Socket]>();
  private stalled = false;

  constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  async start(): Promise<number> {
    const server = createServer((client) => this.accept(client));
    this.server = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (!address || typeof address === 'string') throw new Error('proxy not listening');
    return address.port;
  }

  stall(): void {
    if (this.stalled) return;
    this.stalled = true;
    for (const [client, upstream] of this.pairs) {
      client.unpipe(upstream).pause();
      upstream.unpipe(client).pause();
    }
  }

  resume(): void {
    if (!this.stalled) return; // piping twice would send every byte twice
    this.stalled = false;
    for (const [client, upstream] of this.pairs) {
      client.pipe(upstream);
      upstream.pipe(client);
    }
  }

  async stop(): Promise<void> {
    for (const [client, upstream] of this.pairs) [client, upstream].forEach((s) => s.destroy());
    this.pairs.clear();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private accept(client: Socket): void {
    const upstream = connect(this.targetPort, this.targetHost);
    const pair: [Socket, Socket] = [client, upstream];
    this.pairs.add(pair);
    const close = (): void => {
      client.destroy();
      upstream.destroy();
      this.pairs.delete(pair);
    };
    client.on('error', close).on('close', close);
    upstream.on('error', close).on('close', close);
    if (this.stalled) client.pause();
    else client.pipe(upstream).pipe(client);
  }
}
