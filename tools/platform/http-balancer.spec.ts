import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { freePort } from '@shopmesh/testing';
import { HttpBalancer } from './http-balancer';

/** A real HTTP server on a free port: answers its name, or cuts the connection when `cut` says so. */
async function backend(name: string, cut = false): Promise<{ port: number; hits: string[]; server: Server }> {
  const hits: string[] = [];
  const server = createServer((req, res) => {
    hits.push(`${req.method} ${req.url}`);
    if (cut) {
      req.socket.destroy();
      return;
    }
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json', 'x-backend': name });
      res.end(JSON.stringify({ name, body, forwardedFor: req.headers['x-forwarded-for'] ?? null }));
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', () => ok()));
  return { port: (server.address() as AddressInfo).port, hits, server };
}

describe('HttpBalancer (real sockets)', () => {
  let balancer: HttpBalancer;
  const servers: Server[] = [];

  beforeEach(async () => {
    balancer = new HttpBalancer({ host: '127.0.0.1', port: await freePort() });
    await balancer.listen();
  });

  afterEach(async () => {
    await balancer.close();
    for (const server of servers.splice(0)) server.close();
  });

  const start = async (name: string, cut = false) => {
    const b = await backend(name, cut);
    servers.push(b.server);
    return b;
  };

  it('spreads requests round robin over the rotation, bodies and headers passed through', async () => {
    const [a, b] = [await start('a'), await start('b')];
    balancer.setRotation([
      { id: 'a', port: a.port },
      { id: 'b', port: b.port },
    ]);
    const answers: Array<{ name: string; body: string; forwardedFor: string }> = [];
    for (let i = 0; i < 6; i += 1) {
      const res = await fetch(`${balancer.url}/v1/x?i=${i}`, { method: 'POST', body: `{"i":${i}}` });
      answers.push((await res.json()) as { name: string; body: string; forwardedFor: string });
    }
    expect(answers.map((x) => x.name).sort()).toEqual(['a', 'a', 'a', 'b', 'b', 'b']);
    expect(answers.map((x) => x.body)).toEqual([0, 1, 2, 3, 4, 5].map((i) => `{"i":${i}}`));
    expect(answers[0]?.forwardedFor).toBe('127.0.0.1');
    expect(a.hits.concat(b.hits).sort()).toEqual([0, 1, 2, 3, 4, 5].map((i) => `POST /v1/x?i=${i}`));
  });

  it('sends a request refused by a dead instance to the next one, even a POST', async () => {
    const live = await start('live');
    balancer.setRotation([
      { id: 'dead', port: await freePort() },
      { id: 'live', port: live.port },
    ]);
    for (let i = 0; i < 4; i += 1) {
      const res = await fetch(`${balancer.url}/checkout`, { method: 'POST', body: '{}' });
      expect(res.status).toBe(200);
    }
    expect(live.hits).toHaveLength(4);
  });

  it('never repeats a POST that may have been delivered (502), but repeats a GET on the next instance', async () => {
    const [cutter, good] = [await start('cutter', true), await start('good')];
    balancer.setRotation([{ id: 'cutter', port: cutter.port }]);
    const post = await fetch(`${balancer.url}/v1/checkout`, { method: 'POST', body: '{}' });
    expect(post.status).toBe(502);
    expect(post.headers.get('content-type')).toBe('application/problem+json');
    expect(((await post.json()) as { code: string }).code).toBe('BALANCER.UPSTREAM_FAILED');
    expect(cutter.hits).toEqual(['POST /v1/checkout']);

    balancer.setRotation([
      { id: 'cutter', port: cutter.port },
      { id: 'good', port: good.port },
    ]);
    for (let i = 0; i < 4; i += 1) expect((await fetch(`${balancer.url}/v1/products`)).status).toBe(200);
    expect(good.hits).toHaveLength(4);
  });

  it('answers 503 problem+json with no instance in rotation, and 413 to a body above its limit', async () => {
    const none = await fetch(`${balancer.url}/v1/products`);
    expect({ status: none.status, code: ((await none.json()) as { code: string }).code }).toEqual({
      status: 503,
      code: 'BALANCER.NO_INSTANCE',
    });
    const a = await start('a');
    balancer.setRotation([{ id: 'a', port: a.port }]);
    const big = await fetch(`${balancer.url}/v1/x`, { method: 'POST', body: 'x'.repeat(3 * 1024 * 1024) });
    expect(big.status).toBe(413);
    expect(a.hits).toEqual([]);
  });
  it('answers 504 itself when an instance does not begin its answer in time (a paused process), and does not repeat it', async () => {
    const hits: string[] = [];
    const silent = createServer((req) => void hits.push(`${req.method} ${req.url}`)); // reads, never answers
    await new Promise<void>((ok) => silent.listen(0, '127.0.0.1', () => ok()));
    servers.push(silent);
    const good = await start('good');
    const quick = new HttpBalancer({ host: '127.0.0.1', port: await freePort(), answerTimeoutMs: 300 });
    await quick.listen();
    try {
      quick.setRotation([
        { id: 'silent', port: (silent.address() as AddressInfo).port },
        { id: 'good', port: good.port },
      ]);
      const answers = [];
      for (let i = 0; i < 4; i += 1) {
        const started = Date.now();
        const res = await fetch(`${quick.url}/v1/products?i=${i}`);
        answers.push({ status: res.status, ms: Date.now() - started, body: (await res.json()) as { code?: string } });
      }
      const timedOut = answers.filter((a) => a.status === 504);
      expect(timedOut).toHaveLength(2);
      expect(timedOut.every((a) => a.body.code === 'BALANCER.UPSTREAM_TIMEOUT' && a.ms >= 300 && a.ms < 3000)).toBe(true);
      // even a GET is not sent on to the next instance: it may still be running on the silent one
      expect(hits).toHaveLength(2);
      expect(good.hits).toHaveLength(2);
    } finally {
      silent.closeAllConnections();
      await quick.close();
    }
  });
});
