import type { IncomingMessage, ServerResponse } from 'node:http';
import { Registry } from 'prom-client';
import { ReleaseOptionsSchema, type ReleaseOptions } from './release-options';
import type { Supervisor } from './supervisor';

/** A refusal or failure of the control API with its HTTP status and stable code (problem+json). */
export class SupervisorError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export const errorMessage = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * The supervisor's control API: `GET /metrics`, `GET /status`, `GET /health/live`,
 * `POST /restart?app=` (a rolling restart) and `POST /release` (a blue-green release; JSON body:
 * {@link ReleaseOptions}). Errors are problem+json with a stable `code`: 400 for a malformed body,
 * 404/422 for an unknown app or build, 409 while another restart or release is under way.
 */
export async function handleControlRequest(supervisor: Supervisor, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://supervisor');
  const send = (status: number, type: string, body: string) => {
    res.writeHead(status, { 'content-type': type });
    res.end(body);
  };
  const json = (status: number, body: unknown) => send(status, 'application/json; charset=utf-8', JSON.stringify(body));
  const problem = (error: SupervisorError) =>
    send(
      error.status,
      'application/problem+json',
      JSON.stringify({
        type: 'about:blank',
        title: error.message,
        status: error.status,
        code: error.code,
        detail: error.message,
      }),
    );
  try {
    if (req.method === 'GET' && url.pathname === '/metrics') {
      send(200, Registry.PROMETHEUS_CONTENT_TYPE, await supervisor.metrics());
    } else if (req.method === 'GET' && url.pathname === '/status') {
      json(200, supervisor.status());
    } else if (req.method === 'GET' && url.pathname === '/health/live') {
      json(200, { status: 'ok' });
    } else if (req.method === 'POST' && url.pathname === '/restart') {
      json(200, { restarted: await supervisor.restartApp(url.searchParams.get('app') ?? '') });
    } else if (req.method === 'POST' && url.pathname === '/release') {
      json(200, await supervisor.release(await releaseOptionsOf(req)));
    } else {
      throw new SupervisorError(404, 'SUPERVISOR.NOT_FOUND', `${req.method} ${url.pathname}: no such endpoint`);
    }
  } catch (error) {
    problem(error instanceof SupervisorError ? error : new SupervisorError(500, 'SUPERVISOR.FAILED', errorMessage(error)));
  }
}

/** The options of `POST /release` from its JSON body (none: a release of the same build and variables). */
async function releaseOptionsOf(req: IncomingMessage): Promise<ReleaseOptions> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8').trim();
  let body: unknown;
  try {
    body = text === '' ? {} : JSON.parse(text);
  } catch {
    throw new SupervisorError(400, 'SUPERVISOR.MALFORMED_BODY', 'the body is not JSON');
  }
  const parsed = ReleaseOptionsSchema.safeParse(body);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ');
    throw new SupervisorError(400, 'SUPERVISOR.INVALID_RELEASE', `invalid release options: ${issues}`);
  }
  return parsed.data;
}
