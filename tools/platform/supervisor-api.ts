import type { IncomingMessage, ServerResponse } from 'node:http';
import { Registry } from 'prom-client';
import type { z } from 'zod';
import { FaultRequestSchema } from './fault-options';
import { ReleaseOptionsSchema } from './release-options';
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
 * `POST /restart?app=` (a rolling restart), `POST /release` (a blue-green release; JSON body:
 * {@link ReleaseOptionsSchema}), `GET /faults` (`{points}`) and `POST /faults` (JSON body: `{instance?,
 * app?, link, fault}`, answers `{points}` it matched). Errors are problem+json with a stable
 * `code`: 400 for a malformed or invalid body, 404/422 for an unknown app, build or fault point,
 * 409 while another restart or release is under way, or for `/faults` without fault points.
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
      const options = parsed(ReleaseOptionsSchema, await jsonBodyOf(req), 'SUPERVISOR.INVALID_RELEASE', 'release options');
      json(200, await supervisor.release(options));
    } else if (req.method === 'GET' && url.pathname === '/faults') {
      json(200, { points: supervisor.faults() });
    } else if (req.method === 'POST' && url.pathname === '/faults') {
      supervisor.faults(); // fault points off: 409 whatever the body
      const { fault, ...selector } = faultRequestOf(await jsonBodyOf(req));
      json(200, { points: supervisor.setFault(selector, fault) });
    } else {
      throw new SupervisorError(404, 'SUPERVISOR.NOT_FOUND', `${req.method} ${url.pathname}: no such endpoint`);
    }
  } catch (error) {
    problem(error instanceof SupervisorError ? error : new SupervisorError(500, 'SUPERVISOR.FAILED', errorMessage(error)));
  }
}

/** A request's JSON body (none: `{}`); 400 `SUPERVISOR.MALFORMED_BODY` if it is not JSON. */
async function jsonBodyOf(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8').trim();
  try {
    return text === '' ? {} : JSON.parse(text);
  } catch {
    throw new SupervisorError(400, 'SUPERVISOR.MALFORMED_BODY', 'the body is not JSON');
  }
}

/** `body` as `schema` reads it, or 400 with `code` and every issue. */
function parsed<S extends z.ZodType>(schema: S, body: unknown, code: string, what: string): z.infer<S> {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issues = result.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ');
  throw new SupervisorError(400, code, `invalid ${what}: ${issues}`);
}

/** A fault request (`POST /faults`, {@link Supervisor.setFault}) checked, or 400 `SUPERVISOR.INVALID_FAULT`. */
export const faultRequestOf = (body: unknown): z.infer<typeof FaultRequestSchema> =>
  parsed(FaultRequestSchema, body, 'SUPERVISOR.INVALID_FAULT', 'fault');
