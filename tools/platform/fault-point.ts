import { connect, createServer, type Server, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { LinkFaultSchema, sameFault, type LinkFault } from './fault-options';

/**
 * How long a "lost" chunk waits for its retransmission, doubling with each loss in a row up to the
 * cap (Linux' minimum retransmission timeout is 200 ms; its exponential backoff is what a lossy
 * link looks like to an application: stalls, not missing bytes).
 */
export const RETRANSMIT_MS = 200;
export const MAX_RETRANSMIT_MS = 3200;

/** Bytes one direction holds before it stops reading (a full window): memory stays bounded under a long delay. */
const HOLD_LIMIT = 1 << 20;

/** What every direction of every connection of a point reads: the fault now, and the random source. */
interface PointState {
  fault: LinkFault;
  readonly random: () => number;
}

interface Held {
  due: number;
  chunk: Buffer | 'end';
}

/**
 * One direction of a relayed connection: each chunk read from `from` (and its end, the FIN) is
 * written to `to` once due, in the order read. A chunk's due time never precedes the one before
 * it, so jitter and retransmissions delay, never reorder.
 */
class Lane {
  private readonly held: Held[] = [];
  private heldBytes = 0;
  private lastDue = 0;
  private lossesInRow = 0;
  private timer?: NodeJS.Timeout;
  /** `to`'s buffer is full: nothing more is written until it drains. */
  private awaitingDrain = false;
  private paused = false;
  private closed = false;

  constructor(
    private readonly from: Socket,
    private readonly to: Socket,
    private readonly state: PointState,
  ) {
    from.on('data', (chunk: Buffer) => this.push(chunk));
    from.on('end', () => this.push('end'));
  }

  /** Drops what it holds: `to` is gone, or the connection is reset. */
  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.held.length = 0;
  }

  private push(chunk: Buffer | 'end'): void {
    if (this.closed) return;
    const now = performance.now();
    const due = this.dueAfter(now);
    // the idle path: nothing held, nothing to wait for
    if (this.held.length === 0 && !this.awaitingDrain && due <= now) return this.write(chunk);
    this.held.push({ due, chunk });
    if (chunk !== 'end') this.heldBytes += chunk.length;
    this.flush();
  }

  private dueAfter(now: number): number {
    const { fault, random } = this.state;
    let delay = 0;
    switch (fault.mode) {
      case 'pass':
        break;
      case 'partition':
        return Number.POSITIVE_INFINITY;
      case 'latency':
        delay = Math.max(0, fault.ms + (fault.jitterMs ?? 0) * (2 * random() - 1));
        break;
      case 'loss':
        if (random() < fault.rate) {
          delay = Math.min(RETRANSMIT_MS * 2 ** this.lossesInRow, MAX_RETRANSMIT_MS);
          this.lossesInRow += 1;
        } else {
          this.lossesInRow = 0;
        }
        break;
    }
    this.lastDue = Math.max(now + delay, this.lastDue);
    return this.lastDue;
  }

  /** Writes every held chunk that is due; a timer for the next one. Nothing moves during a partition. */
  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.closed || this.state.fault.mode === 'partition') return this.updateFlow();
    const now = performance.now();
    while (this.held.length > 0 && !this.awaitingDrain) {
      const next = this.held[0];
      if (next.due > now) {
        // held during a partition: its connection is reset when the partition heals, it never comes due
        if (Number.isFinite(next.due)) this.timer = setTimeout(() => this.flush(), Math.ceil(next.due - now));
        break;
      }
      this.held.shift();
      if (next.chunk !== 'end') this.heldBytes -= next.chunk.length;
      this.write(next.chunk);
    }
    this.updateFlow();
  }

  private write(chunk: Buffer | 'end'): void {
    if (chunk === 'end') {
      this.to.end();
    } else if (!this.to.write(chunk)) {
      this.awaitingDrain = true;
      this.updateFlow();
      this.to.once('drain', () => {
        this.awaitingDrain = false;
        this.flush();
      });
    }
  }

  /** Stops reading `from` while `to` is full or too much is held (TCP's window), reads again after. */
  private updateFlow(): void {
    const hold = !this.closed && (this.awaitingDrain || this.heldBytes > HOLD_LIMIT);
    if (hold === this.paused) return;
    this.paused = hold;
    if (hold) this.from.pause();
    else this.from.resume();
  }
}

const resetSocket = (socket: Socket): void => {
  if (!socket.destroyed) socket.resetAndDestroy();
};

/** A connection through the point: the instance's (or a caller's) socket and the one to the target. */
class Relayed {
  private readonly lanes: [Lane, Lane];

  constructor(
    private readonly client: Socket,
    private readonly upstream: Socket,
    private readonly state: PointState,
    private readonly forget: (relayed: Relayed) => void,
  ) {
    this.lanes = [new Lane(client, upstream, state), new Lane(upstream, client, state)];
    this.watch(client, upstream, this.lanes[1]);
    this.watch(upstream, client, this.lanes[0]);
  }

  /** Both sockets reset (RST): what either peer sees of a connection the network gave up on. */
  reset(): void {
    for (const lane of this.lanes) lane.close();
    resetSocket(this.client);
    resetSocket(this.upstream);
  }

  /**
   * A reset of one side is passed on as a reset of the other; an orderly close travels as its FIN
   * through the lanes. During a partition nothing is passed on: the other side learns at the heal.
   */
  private watch(socket: Socket, other: Socket, towards: Lane): void {
    socket.on('error', () => {
      towards.close();
      if (this.state.fault.mode !== 'partition') resetSocket(other);
    });
    socket.on('close', () => {
      towards.close();
      if (other.destroyed) this.forget(this);
    });
  }
}

/**
 * A TCP relay between an instance and one of its dependencies, which the supervisor puts on each
 * link when fault points are on (`SupervisorOptions.faultPoints`). It listens on 127.0.0.1
 * (any free port) and passes bytes through to the target until told otherwise ({@link set}):
 *
 * - `latency`: every chunk, both directions, is delivered `ms ± jitterMs` later, in order;
 * - `loss`: TCP loses no bytes, so a lost chunk (probability `rate`) is held for a retransmission
 *   timeout instead ({@link RETRANSMIT_MS}, doubling for losses in a row), the chunks behind it too;
 * - `partition`: bytes on open connections are held, neither delivered nor dropped, and new
 *   connections are accepted and then silent (the target never hears of them).
 *
 * When a partition heals, every connection that lived through it is reset (RST), both sides. A
 * connection opened during the partition never reached the target, and the relay cannot hold back
 * the handshake as a real network would, so it must go. One that was open before would, on a real
 * network, either resume late (a short partition) or be given up by its peers' timeouts
 * (retransmission, keepalive, the applications' own deadlines); the partitions a nemesis injects
 * outlast the applications' deadlines, so the reset is what they would have met, and every
 * connection after a heal starts afresh. Faults change at any time; chunks already held keep the
 * time they were due at, later ones follow the new fault (never ahead of the held ones).
 */
export class FaultPoint {
  private readonly connections = new Set<Relayed>();
  /** Connections accepted during a partition: nothing is relayed for them. */
  private readonly silent = new Set<Socket>();
  private readonly state: PointState;

  private constructor(
    private readonly server: Server,
    private readonly targetHost: string,
    private readonly targetPort: number,
    random: () => number,
  ) {
    this.state = { fault: { mode: 'pass' }, random };
    server.on('connection', (socket) => this.accept(socket));
  }

  /** A point relaying to `target`, listening on a free loopback port; `random` (Math.random by default) decides losses and jitter. */
  static async open(target: { host: string; port: number }, options: { random?: () => number } = {}): Promise<FaultPoint> {
    const server = createServer({ allowHalfOpen: true, noDelay: true });
    await new Promise<void>((ok, fail) => {
      server.once('error', fail);
      server.listen(0, '127.0.0.1', () => ok());
    });
    return new FaultPoint(server, target.host, target.port, options.random ?? Math.random);
  }

  get port(): number {
    const address = this.server.address();
    if (!address || typeof address === 'string') throw new Error('the fault point is not listening');
    return address.port;
  }

  /** `host:port` it relays to. */
  get target(): string {
    return `${this.targetHost.includes(':') ? `[${this.targetHost}]` : this.targetHost}:${this.targetPort}`;
  }

  get fault(): LinkFault {
    return { ...this.state.fault };
  }

  /** Connections open through it now (those accepted during a partition included). */
  get connectionCount(): number {
    return this.connections.size + this.silent.size;
  }

  /**
   * Applies `fault` from now on; answers whether anything changed (the same fault again is a no-op).
   * Leaving a partition resets every connection that lived through it. Throws a RangeError for a
   * fault {@link LinkFaultSchema} refuses.
   */
  set(fault: LinkFault): boolean {
    const parsed = LinkFaultSchema.safeParse(fault);
    if (!parsed.success) throw new RangeError(`invalid fault ${JSON.stringify(fault)}: ${parsed.error.issues[0]?.message}`);
    const before = this.state.fault;
    if (sameFault(before, parsed.data)) return false;
    this.state.fault = parsed.data;
    if (before.mode === 'partition') this.resetAll();
    return true;
  }

  /** Stops listening and resets every connection. */
  async stop(): Promise<void> {
    this.resetAll();
    await new Promise<void>((ok) => this.server.close(() => ok()));
  }

  private resetAll(): void {
    for (const relayed of this.connections) relayed.reset();
    for (const socket of this.silent) resetSocket(socket);
    this.connections.clear();
    this.silent.clear();
  }

  private accept(client: Socket): void {
    if (this.state.fault.mode === 'partition') {
      this.silent.add(client);
      client.on('error', () => undefined).on('close', () => this.silent.delete(client));
      client.resume(); // read and drop: the target never hears of it, and it is reset at the heal
      return;
    }
    const upstream = connect({ host: this.targetHost, port: this.targetPort, allowHalfOpen: true, noDelay: true });
    this.connections.add(new Relayed(client, upstream, this.state, (r) => this.connections.delete(r)));
  }
}
