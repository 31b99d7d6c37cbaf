import { createServer, connect, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy a test controls, to cut a dependency without touching the real server:
 * `cut()` drops every connection and refuses new ones; `heal()` lets traffic through again.
 */
export class TcpProxy {
  private server?: Server;
  private readonly sockets = new Set<Socket>();
  private readonly pairs = new Set<[Socket, Socket]>();
  private isCut = false;
  private isBlackhole = false;
  private isStalled = false;

  constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  /** Starts listening on a free loopback port; returns it. */
  async start(): Promise<number> {
    const server = createServer((client) => this.accept(client));
    this.server = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return this.port;
  }

  get port(): number {
    const address = this.server?.address();
    if (!address || typeof address === 'string') throw new Error('proxy not started');
    return address.port;
  }

  cut(): void {
    this.isCut = true;
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
  }

  /** Accepts connections and swallows what is sent, never answering (a hung peer). */
  blackhole(): void {
    this.cut();
    this.isCut = false;
    this.isBlackhole = true;
  }

  /**
   * Holds every byte on the open connections (a peer that hangs mid-connection: connected, then
   * silent), unlike `blackhole()`, which drops them; `heal()` delivers what was held, in order.
   */
  stall(): void {
    if (this.isStalled) return;
    this.isStalled = true;
    for (const [client, upstream] of this.pairs) {
      client.unpipe(upstream).pause();
      upstream.unpipe(client).pause();
    }
  }

  heal(): void {
    this.isCut = false;
    this.isBlackhole = false;
    if (!this.isStalled) return; // piping twice would send every byte twice
    this.isStalled = false;
    for (const [client, upstream] of this.pairs) {
      client.pipe(upstream);
      upstream.pipe(client);
    }
  }

  async stop(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private accept(client: Socket): void {
    if (this.isCut) {
      client.destroy();
      return;
    }
    if (this.isBlackhole) {
      this.sockets.add(client);
      client.on('error', () => client.destroy()).on('close', () => this.sockets.delete(client));
      client.resume(); // read and drop
      return;
    }
    const upstream = connect(this.targetPort, this.targetHost);
    const pair: [Socket, Socket] = [client, upstream];
    this.sockets.add(client).add(upstream);
    this.pairs.add(pair);
    const close = (): void => {
      client.destroy();
      upstream.destroy();
      this.sockets.delete(client);
      this.sockets.delete(upstream);
      this.pairs.delete(pair);
    };
    client.on('error', close).on('close', close);
    upstream.on('error', close).on('close', close);
    if (this.isStalled) client.pause();
    else client.pipe(upstream).pipe(client);
  }
}
