import { randomBytes } from 'node:crypto';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort, waitUntil } from '@shopmesh/testing';
import { FaultPoint, RETRANSMIT_MS } from './fault-point';

/** A seeded random source (mulberry32): the same losses and jitter on every run. */
function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** A client connection: what it received so far, and how it ended. */
interface Dialed {
  socket: Socket;
  received: () => Buffer;
  /** 'end' (a FIN), 'reset' (ECONNRESET), or undefined while open. */
  ended: () => 'end' | 'reset' | undefined;
  until: (bytes: number, timeoutMs?: number) => Promise<number>;
}

async function dial(port: number): Promise<Dialed> {
  const socket = connect({ port, host: '127.0.0.1', noDelay: true });
  await new Promise<void>((ok, fail) => socket.once('connect', ok).once('error', fail));
  const chunks: Buffer[] = [];
  let ended: 'end' | 'reset' | undefined;
  socket.on('data', (c: Buffer) => chunks.push(c));
  socket.on('end', () => (ended ??= 'end'));
  socket.on('error', (e: NodeJS.ErrnoException) => (ended = e.code === 'ECONNRESET' ? 'reset' : ended));
  const received = () => Buffer.concat(chunks);
  const started = Date.now();
  const until = async (bytes: number, timeoutMs = 3000) => {
    await waitUntil(`${bytes} bytes`, () => Promise.resolve(received().length >= bytes), { timeoutMs, intervalMs: 2 });
    return Date.now() - started;
  };
  return { socket, received, ended: () => ended, until };
}

describe(FaultPoint.name, () => {
  let echo: Server;
  let echoSockets: Set<Socket>;
  let echoPort: number;
  let sut: FaultPoint;
  const clients: Socket[] = [];

  const client = async () => {
    const dialed = await dial(sut.port);
    clients.push(dialed.socket);
    return dialed;
  };

  beforeEach(async () => {
    echoSockets = new Set();
    echo = createServer({ noDelay: true }, (socket) => {
      echoSockets.add(socket);
      socket.on('error', () => undefined).on('close', () => echoSockets.delete(socket));
      socket.pipe(socket);
    });
    await new Promise<void>((ok) => echo.listen(0, '127.0.0.1', ok));
    echoPort = (echo.address() as { port: number }).port;
    sut = await FaultPoint.open({ host: '127.0.0.1', port: echoPort }, { random: seeded(7) });
  });

  afterEach(async () => {
    for (const socket of clients.splice(0)) socket.destroy();
    await sut.stop();
    for (const socket of echoSockets) socket.destroy();
    await new Promise<void>((ok) => echo.close(() => ok()));
  });

  it('passes bytes through both ways, a FIN included, a bulk transfer under latency too; says where it listens and what it relays to', async () => {
    expect([sut.target, sut.fault]).toEqual([`127.0.0.1:${echoPort}`, { mode: 'pass' }]);
    const c = await client();
    c.socket.write('hello');
    await c.until(5);
    c.socket.end();
    await waitUntil('the FIN back', () => Promise.resolve(c.ended() === 'end'), { timeoutMs: 2000, intervalMs: 5 });
    expect(c.received().toString()).toBe('hello');
    // a bulk transfer, delayed: more than a direction holds before it stops reading (flow control), every byte once
    sut.set({ mode: 'latency', ms: 5 });
    const bulk = randomBytes(6 << 20);
    const b = await client();
    b.socket.end(bulk);
    await b.until(bulk.length);
    expect(b.received().equals(bulk)).toBe(true);
  });

  it('latency: each direction adds at least ms; jittered chunks keep their order; a switch back to pass is immediate', async () => {
    const c = await client();
    c.socket.write('x');
    await c.until(1);
    expect(sut.set({ mode: 'latency', ms: 150 })).toBe(true);
    const started = Date.now();
    c.socket.write('y');
    await c.until(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(300); // there and back

    sut.set({ mode: 'latency', ms: 60, jitterMs: 50 });
    const lines = Array.from({ length: 40 }, (_, i) => `${i}\n`);
    for (const line of lines) {
      c.socket.write(line);
      await sleep(2); // separate chunks, each with its own jitter
    }
    const sent = `xy${lines.join('')}`;
    await c.until(sent.length);
    expect(c.received().toString()).toBe(sent);

    sut.set({ mode: 'latency', ms: 150 });
    sut.set({ mode: 'pass' }); // nothing held: the next chunk goes at once (150 ms each way would be 300)
    const passed = Date.now();
    c.socket.write('z');
    await c.until(sent.length + 1);
    expect(Date.now() - passed).toBeLessThan(150);
  });

  it('loss: a lost chunk is held for a retransmission timeout, never dropped, never reordered; the same fault again is a no-op', async () => {
    const c = await client();
    expect(sut.set({ mode: 'loss', rate: 0.3 })).toBe(true);
    expect(sut.set({ mode: 'loss', rate: 0.3 })).toBe(false);
    const started = Date.now();
    const pieces = Array.from({ length: 20 }, (_, i) => `<${i}>`);
    for (const piece of pieces) {
      c.socket.write(piece);
      await sleep(3);
    }
    await c.until(pieces.join('').length);
    expect(c.received().toString()).toBe(pieces.join(''));
    expect(Date.now() - started).toBeGreaterThanOrEqual(RETRANSMIT_MS);
  });

  it('partition: holds bytes on open connections, accepts new ones silently; the heal resets both, and new connections pass', async () => {
    const before = await client();
    before.socket.write('a');
    await before.until(1);
    expect(sut.set({ mode: 'partition' })).toBe(true);
    expect(sut.set({ mode: 'partition' })).toBe(false);
    before.socket.write('b');
    const during = await client(); // the connect succeeds…
    during.socket.write('c');
    await sleep(300);
    // …but nothing arrives, nothing is closed, and the target never heard of the new connection
    expect([before.received().toString(), before.ended(), during.received().length, during.ended()]).toEqual([
      'a',
      undefined,
      0,
      undefined,
    ]);
    expect([echoSockets.size, sut.connectionCount]).toEqual([1, 2]);

    expect(sut.set({ mode: 'pass' })).toBe(true);
    await waitUntil('both reset', () => Promise.resolve(before.ended() === 'reset' && during.ended() === 'reset'), {
      timeoutMs: 2000,
      intervalMs: 5,
    });
    await waitUntil('the target side closed', () => Promise.resolve(echoSockets.size === 0), { timeoutMs: 2000, intervalMs: 5 });
    expect(before.received().toString()).toBe('a'); // the held byte was never delivered
    const after = await client();
    after.socket.write('d');
    await after.until(1);
    expect(after.received().toString()).toBe('d');
  });

  it('switches between every mode on a live connection; an invalid fault is refused and changes nothing', async () => {
    const c = await client();
    const sent: string[] = [];
    const send = (text: string) => (sent.push(text), c.socket.write(text));
    for (const fault of [
      { mode: 'latency', ms: 40 },
      { mode: 'loss', rate: 1 },
      { mode: 'pass' },
      { mode: 'latency', ms: 20, jitterMs: 20 },
      { mode: 'loss', rate: 0 },
    ] as const) {
      expect(sut.set(fault)).toBe(true);
      send(`[${fault.mode}]`);
      await sleep(5);
    }
    await c.until(sent.join('').length);
    expect(c.received().toString()).toBe(sent.join(''));
    expect(c.ended()).toBeUndefined();
    expect(() => sut.set({ mode: 'loss', rate: 2 })).toThrow(RangeError);
    expect(() => sut.set({ mode: 'latency', ms: -1 })).toThrow(RangeError);
    expect(() => sut.set({ mode: 'jam' } as never)).toThrow(RangeError);
    expect(sut.fault).toEqual({ mode: 'loss', rate: 0 });
  });

  it('a target that refuses the connection: the client is reset', async () => {
    const nowhere = await FaultPoint.open({ host: '127.0.0.1', port: await freePort() });
    try {
      const c = await dial(nowhere.port);
      clients.push(c.socket);
      await waitUntil('the reset', () => Promise.resolve(c.ended() === 'reset'), { timeoutMs: 2000, intervalMs: 5 });
    } finally {
      await nowhere.stop();
    }
  });
});
