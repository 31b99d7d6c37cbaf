import { Agent, createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** One instance behind the balancer. */
export interface Backend {
  /** `gateway`, `gateway-2`, … */
  id: string;
  port: number;
}

/** Largest request body the balancer buffers (the gateway's own limit is far below). */
const MAX_BODY_BYTES = 2 * 1024 * 1024;

/** Hop-by-hop headers (RFC 9110 §7.6.1): they describe one connection, not the request. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
  'proxy-authorization',
  'proxy-authenticate',
]);

/**
 * Errors after which the request is known not to have reached the instance: it is safe to send it
 * to another one, whatever its method.
 */
const NOT_DELIVERED = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH']);

/** Methods a proxy may repeat (RFC 9110 §9.2.2) after a connection failed mid-way. */
const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);

type Attempt = { kind: 'answered' } | { kind: 'failed'; code: string; delivered: boolean };

/** The code of an attempt that got no answer within {@link DEFAULT_ANSWER_TIMEOUT_MS}: never repeated. */
const ANSWER_TIMEOUT = 'ANSWER_TIMEOUT';

/**
 * How long the balancer waits for an instance's answer to begin (its status line) before it answers
 * 504 itself: longer than any request the gateway serves within its own deadlines (two RPC
 * deadlines of 3 s), shorter than a client's usual 10 s. An instance that stopped answering (a
 * paused process, a wedged event loop) costs a request this long, never a hang.
 */
export const DEFAULT_ANSWER_TIMEOUT_MS = 8000;

/**
 * The small HTTP balancer `npm run up` puts in front of the gateway instances (a Service or an
 * ingress does it in a cluster): round robin over the instances in rotation, which the supervisor
 * keeps current — an instance joins once ready and leaves before it is sent SIGTERM, so a draining
 * gateway gets no new request while it finishes the ones it has. Client connections end here, so a
 * client's keep-alive connection is never cut by an instance going away.
 *
 * A request that could not be delivered (connection refused: the instance just died) is sent to the
 * next instance; one that failed after it may have been delivered is repeated only if its method is
 * idempotent, else answered 502 — a checkout is never sent twice by the balancer.
 */
export class HttpBalancer {
  private backends: Backend[] = [];
  private readonly agents = new Map<string, Agent>();
  private next = 0;
  private server?: Server;
  private readonly sockets = new Set<Socket>();

  constructor(private readonly options: { host: string; port: number; answerTimeoutMs?: number }) {}

  get url(): string {
    const address = this.server?.address() as AddressInfo | null | undefined;
    if (!address) throw new Error('the balancer is not listening');
    return `http://${this.options.host}:${address.port}`;
  }

  /** The instances in rotation, in order; an instance left out gets no new request from now on. */
  get rotation(): readonly Backend[] {
    return this.backends;
  }

  setRotation(backends: readonly Backend[]): void {
    this.backends = [...backends];
    // an instance out of rotation gets no new request: its idle connections are closed now; those
    // with a request under way finish it, go idle in an agent no longer used, and time out there
    for (const [key, agent] of this.agents) {
      if (!this.backends.some((b) => this.keyOf(b) === key)) {
        for (const sockets of Object.values(agent.freeSockets)) for (const socket of sockets ?? []) socket.destroy();
        this.agents.delete(key);
      }
    }
  }

  async listen(): Promise<void> {
    const server = createServer((req, res) => void this.handle(req, res));
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
    server.keepAliveTimeout = 5000;
    await new Promise<void>((ok, fail) => {
      server.once('error', fail);
      server.listen(this.options.port, this.options.host, () => ok());
    });
    this.server = server;
  }

  async close(): Promise<void> {
    await new Promise<void>((ok) => {
      if (!this.server) return ok();
      this.server.close(() => ok());
      this.server.closeIdleConnections();
      setTimeout(() => this.server?.closeAllConnections(), 5000).unref();
    });
    for (const agent of this.agents.values()) agent.destroy();
    this.agents.clear();
  }

  private get answerTimeoutMs(): number {
    return this.options.answerTimeoutMs ?? DEFAULT_ANSWER_TIMEOUT_MS;
  }

  private keyOf(backend: Backend): string {
    return `${backend.id}@${backend.port}`;
  }

  private agentOf(backend: Backend): Agent {
    const key = this.keyOf(backend);
    let agent = this.agents.get(key);
    if (!agent) {
      // an idle connection is dropped after 2 s, before the gateway's keep-alive timeout (5 s) can
      // close it under a request just being sent on it
      agent = new Agent({ keepAlive: true, maxSockets: 256, timeout: 2000 });
      this.agents.set(key, agent);
    }
    return agent;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req).catch(() => undefined);
    if (body === undefined) {
      problem(res, 413, 'BALANCER.BODY_TOO_LARGE', `request bodies above ${MAX_BODY_BYTES} bytes are refused`);
      return;
    }
    const tried = new Set<string>();
    let last: Extract<Attempt, { kind: 'failed' }> | undefined;
    while (!res.headersSent) {
      const backend = this.pick(tried);
      if (!backend) break;
      tried.add(this.keyOf(backend));
      const attempt = await this.forward(backend, req, body, res);
      if (attempt.kind === 'answered') return;
      last = attempt;
      // a request that timed out may still be running there: not repeated, whatever its method
      if (attempt.code === ANSWER_TIMEOUT || (attempt.delivered && !IDEMPOTENT.has(req.method ?? ''))) break;
    }
    if (res.headersSent) {
      res.destroy();
      return;
    }
    if (!last) {
      problem(res, 503, 'BALANCER.NO_INSTANCE', 'no gateway instance is in rotation');
    } else if (last.code === ANSWER_TIMEOUT) {
      problem(res, 504, 'BALANCER.UPSTREAM_TIMEOUT', `the gateway instance did not answer within ${this.answerTimeoutMs} ms`);
    } else {
      problem(res, 502, 'BALANCER.UPSTREAM_FAILED', `the gateway instance did not answer (${last.code})`);
    }
  }

  /** The next instance in rotation not tried yet for this request. */
  private pick(tried: ReadonlySet<string>): Backend | undefined {
    const candidates = this.backends.filter((b) => !tried.has(this.keyOf(b)));
    if (candidates.length === 0) return undefined;
    this.next = (this.next + 1) % Number.MAX_SAFE_INTEGER;
    return candidates[this.next % candidates.length];
  }

  private forward(backend: Backend, req: IncomingMessage, body: Buffer, res: ServerResponse): Promise<Attempt> {
    const headers: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined && !HOP_BY_HOP.has(name)) headers[name] = value;
    }
    const client = req.socket.remoteAddress ?? '';
    const forwardedFor = req.headers['x-forwarded-for'];
    headers['x-forwarded-for'] = forwardedFor ? `${String(forwardedFor)}, ${client}` : client;
    headers['content-length'] = String(body.length);
    return new Promise<Attempt>((resolve) => {
      let written = false;
      const timer = setTimeout(() => {
        resolve({ kind: 'failed', code: ANSWER_TIMEOUT, delivered: true });
        upstream.destroy();
      }, this.answerTimeoutMs);
      const settle = (attempt: Attempt) => {
        clearTimeout(timer);
        resolve(attempt);
      };
      const upstream = request(
        { host: '127.0.0.1', port: backend.port, method: req.method, path: req.url, headers, agent: this.agentOf(backend) },
        (answer) => {
          const out: Record<string, string | string[]> = {};
          for (const [name, value] of Object.entries(answer.headers)) {
            if (value !== undefined && !HOP_BY_HOP.has(name)) out[name] = value;
          }
          res.writeHead(answer.statusCode ?? 502, answer.statusMessage, out);
          answer.pipe(res);
          answer.once('error', () => res.destroy());
          settle({ kind: 'answered' });
        },
      );
      upstream.once('socket', (socket) => {
        // a request counts as possibly delivered once its bytes may have left on a connected socket
        const sent = () => (written = true);
        if (socket.connecting) socket.once('connect', sent);
        else sent();
      });
      upstream.once('error', (error: NodeJS.ErrnoException) => {
        const code = error.code ?? error.name;
        settle({ kind: 'failed', code, delivered: written && !NOT_DELIVERED.has(code) });
      });
      // the client went away: so does the call to the instance
      res.once('close', () => {
        if (!res.writableFinished) upstream.destroy();
      });
      // the agent's socket timeout is for idle sockets; a slow answer is bounded by the answer timeout above
      upstream.on('timeout', () => undefined);
      upstream.end(body);
    });
  }
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((ok, fail) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        req.removeAllListeners('data');
        req.resume();
        fail(new Error('body too large'));
        return;
      }
      chunks.push(chunk);
    });
    req.once('end', () => ok(Buffer.concat(chunks)));
    req.once('error', fail);
  });
}

function problem(res: ServerResponse, status: number, code: string, detail: string): void {
  res.writeHead(status, { 'content-type': 'application/problem+json' });
  res.end(JSON.stringify({ type: 'about:blank', title: detail, status, code, detail }));
}
