import type { Outcome, RequestRecord } from './records';

export interface CallContext {
  session: number;
  scenario: string;
  step: string;
  /** Measure this call's latency from here (a session's scheduled arrival) instead of from when it left. */
  since?: number;
}

export interface CallOptions {
  token?: string;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface Answer {
  status: number;
  body: unknown;
  record: RequestRecord;
}

const outcomeOf = (status: number): Outcome =>
  status >= 200 && status < 400
    ? 'ok'
    : status === 429
      ? 'rate-limited'
      : status >= 500
        ? 'server-error'
        : status >= 400
          ? 'client-error'
          : 'network';

/**
 * `TimeoutError`, `ECONNREFUSED`, `UND_ERR_SOCKET`…; the message when there is no better name.
 * Duck-typed: under Jest the DOMException of a timeout comes from another realm (not `instanceof Error`).
 */
const errorCodeOf = (error: unknown): string => {
  const e = (error ?? {}) as { name?: unknown; message?: unknown; cause?: { code?: unknown; message?: unknown } };
  if (typeof e.cause?.code === 'string') return e.cause.code;
  if (typeof e.name === 'string' && e.name !== 'Error' && e.name !== 'TypeError') return e.name;
  const message = typeof e.message === 'string' ? e.message : String(error);
  return `${message}${typeof e.cause?.message === 'string' ? `: ${e.cause.message}` : ''}`.slice(0, 80);
};

/**
 * The generator's HTTP client: every call has a deadline, carries a correlation id of the run's
 * own (known even when no answer comes) and leaves a {@link RequestRecord}.
 */
export class LoadHttp {
  inFlight = 0;
  private sequence = 0;

  constructor(
    readonly gatewayUrl: string,
    readonly timeoutMs: number,
    private readonly correlationPrefix: string,
    private readonly onRecord: (record: RequestRecord) => void,
  ) {}

  async call(ctx: CallContext, method: string, route: string, path: string, options: CallOptions = {}): Promise<Answer> {
    const correlationId = `${this.correlationPrefix}-${(this.sequence += 1)}`;
    const left = Date.now();
    const startedAt = ctx.since ?? left;
    const headers: Record<string, string> = { 'x-correlation-id': correlationId, ...options.headers };
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    let status = 0;
    let body: unknown;
    let code: string | undefined;
    this.inFlight += 1;
    try {
      const res = await fetch(`${this.gatewayUrl}${path}`, {
        method,
        headers,
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      const text = await res.text();
      status = res.status;
      body = /json/.test(res.headers.get('content-type') ?? '') && text ? (JSON.parse(text) as unknown) : text;
      if (status >= 400) code = (body as { code?: string } | undefined)?.code;
    } catch (error) {
      status = 0;
      code = errorCodeOf(error);
    } finally {
      this.inFlight -= 1;
    }
    const outcome: Outcome = status === 0 ? (code === 'TimeoutError' ? 'timeout' : 'network') : outcomeOf(status);
    const record: RequestRecord = {
      session: ctx.session,
      scenario: ctx.scenario,
      step: ctx.step,
      method,
      route,
      startedAt,
      ms: Date.now() - startedAt,
      status,
      outcome,
      ...(code ? { code } : {}),
      correlationId,
    };
    this.onRecord(record);
    return { status, body, record };
  }
}
