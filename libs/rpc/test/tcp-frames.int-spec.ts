import { connect, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { startEcho, type EchoInstance } from './echo-service';

const LIMIT = 64 * 1024; // characters buffered per connection (the server's maxBufferSize)

/** A raw TCP peer speaking Nest's framing (`<length>#<json>`), to send frames byte by byte. */
class RawPeer {
  private received = '';
  private closed = false;
  private constructor(private readonly socket: Socket) {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (this.received += chunk));
    socket.on('close', () => (this.closed = true));
    socket.on('error', () => undefined);
  }

  static open(port: number): Promise<RawPeer> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => resolve(new RawPeer(socket)));
      socket.once('error', reject);
    });
  }

  static frame(id: string, pattern: string, data: unknown): Buffer {
    const json = JSON.stringify({ pattern, data, id });
    return Buffer.from(`${json.length}#${json}`, 'utf8');
  }

  async write(bytes: Buffer, chunkSize = bytes.length): Promise<void> {
    for (let i = 0; i < bytes.length; i += chunkSize) {
      this.socket.write(bytes.subarray(i, i + chunkSize));
      if (chunkSize < bytes.length) await sleep(0);
    }
  }

  async response(id: string, timeoutMs = 3000): Promise<{ response?: unknown; err?: unknown }> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const match = new RegExp(`\\d+#(\\{[^#]*"id":"${id}"[^#]*\\})`).exec(this.received);
      if (match?.[1]) return JSON.parse(match[1]) as { response?: unknown };
      await sleep(10);
    }
    throw new Error(`no response to ${id}; received ${this.received.slice(0, 200)}`);
  }

  async isClosed(timeoutMs = 2000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed && Date.now() < deadline) await sleep(10);
    return this.closed;
  }

  close(): void {
    this.socket.destroy();
  }
}

describe.each(['shopmesh', 'stock'] as const)('TCP framing of RPC messages (real Nest TCP server, %s socket)', (socket) => {
  let echo: EchoInstance;
  const peers: RawPeer[] = [];

  beforeAll(async () => {
    echo = await startEcho('frames', LIMIT, undefined, socket);
  });
  afterEach(() => peers.splice(0).forEach((p) => p.close()));
  afterAll(() => echo.app.close());

  const peer = async () => {
    const p = await RawPeer.open(echo.port);
    peers.push(p);
    return p;
  };

  it('reassembles a frame sent one byte at a time, multi-byte UTF-8 split across writes included', async () => {
    const p = await peer();
    const text = 'grüße, 東京, 🚀 — ok';
    await p.write(RawPeer.frame('bytes', 'echo.back', { text }), 1);
    await expect(p.response('bytes')).resolves.toMatchObject({ response: { text } });
  });

  it('round-trips a payload just under the size limit', async () => {
    const p = await peer();
    const overhead = RawPeer.frame('big', 'echo.back', { text: '' }).length;
    const text = 'é'.repeat(LIMIT - overhead - 16); // 2 bytes each in UTF-8, 1 character each for the limit
    await p.write(RawPeer.frame('big', 'echo.back', { text }), 8192);
    const { response } = await p.response('big', 10_000);
    expect((response as { text: string }).text).toBe(text);
  });

  it('closes only the connection that sends an oversized frame', async () => {
    const good = await peer();
    const bad = await peer();
    await bad.write(RawPeer.frame('huge', 'echo.back', { text: 'x'.repeat(LIMIT * 2) }), 16 * 1024);
    expect(await bad.isClosed()).toBe(true);
    await good.write(RawPeer.frame('still', 'echo.back', { ok: true }));
    await expect(good.response('still')).resolves.toMatchObject({ response: { ok: true } });
  });

  it('closes only the connection that sends a malformed frame', async () => {
    const good = await peer();
    const bad = await peer();
    await bad.write(Buffer.from('not-a-length#{}'));
    expect(await bad.isClosed()).toBe(true);
    await good.write(RawPeer.frame('fine', 'echo.back', { ok: 1 }));
    await expect(good.response('fine')).resolves.toMatchObject({ response: { ok: 1 } });
  });
});
