/** The console's client of the gateway's API: every call carries the admin's access token. */

/** The longest the page waits for one answer (a redrive reads Kafka: it may take seconds). */
const REQUEST_TIMEOUT_MS = 20_000;

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface DependencyCheck {
  name: string;
  status: string;
  detail?: Record<string, unknown>;
}
export interface ConsumerLag {
  groupId: string;
  topic: string;
  partition: number;
  lag: number;
}
export interface InstanceReport {
  address: string;
  status?: {
    ready: boolean;
    pid: number;
    uptimeSeconds: number;
    checks: DependencyCheck[];
    outbox?: { backlog: number; oldestAgeSeconds: number };
    consumerLag: ConsumerLag[];
  };
  error?: { code: string; message: string };
}
export interface Overview {
  at: string;
  services: Array<{ name: string; instances: InstanceReport[] }>;
}
export interface Saga {
  orderId: string;
  status: string;
  step: string;
  reason: string | null;
  awaiting: string[];
  deadlineAt: string | null;
  createdAt: string;
  stuck: boolean;
  stuckBecause: string | null;
}
export interface SagaList {
  sagas: Saga[];
  inFlight: number;
  stuck: number;
  stuckAfterMs: number;
}
export interface ActionResult {
  orderId: string;
  action: string;
  changed: boolean;
  status: string;
  step: string;
  detail: string;
}
export interface Timeline {
  order: {
    id: string;
    status: string;
    step: string;
    cancellationReason?: string;
    statusHistory: Array<{ seq: number; status: string; step: string; at: string; reason?: string }>;
  };
  traceId?: string;
  traceUrl?: string;
}
export interface DeadLetters {
  topics: Array<{
    topic: string;
    producer: string;
    letters: Array<{
      partition: number;
      offset: string;
      key: string | null;
      type: string | null;
      error: string | null;
      attempts: number | null;
      consumer: string | null;
      failedAt: string | null;
    }>;
    error?: { code: string; message: string };
  }>;
}
export interface AuditEntry {
  id: string;
  service: string;
  at: string;
  actorEmail: string;
  action: string;
  target: string;
  outcome: string;
  detail: string | null;
}

export class Api {
  private token?: string;

  get loggedIn(): boolean {
    return this.token !== undefined;
  }

  async login(email: string, password: string): Promise<void> {
    const pair = await this.request<{ accessToken: string }>('POST', '/v1/auth/login', { email, password }, false);
    this.token = pair.accessToken;
  }

  logout(): void {
    this.token = undefined;
  }

  overview = () => this.request<Overview>('GET', '/v1/admin/ops/overview');
  sagas = (stuckAfterMs: number) => this.request<SagaList>('GET', `/v1/admin/ops/sagas?stuckAfterMs=${stuckAfterMs}`);
  act = (orderId: string, action: 'retry' | 'compensate') =>
    this.request<ActionResult>('POST', `/v1/admin/ops/sagas/${encodeURIComponent(orderId)}/${action}`);
  timeline = (orderId: string) => this.request<Timeline>('GET', `/v1/admin/ops/orders/${encodeURIComponent(orderId)}/timeline`);
  deadLetters = () => this.request<DeadLetters>('GET', '/v1/admin/ops/dead-letters');
  redrive = (topic: string) =>
    this.request<{ redriven: number }>('POST', `/v1/admin/ops/dead-letters/${encodeURIComponent(topic)}/redrive`);
  audit = () => this.request<{ entries: AuditEntry[] }>('GET', '/v1/admin/ops/audit');

  private async request<T>(method: string, path: string, body?: unknown, authenticated = true): Promise<T> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (authenticated && this.token) headers.Authorization = `Bearer ${this.token}`;
    // a request that hangs must not stall the live updates: it fails, and the next round asks again
    const response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store',
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const text = await response.text();
    const parsed: unknown = text ? JSON.parse(text) : undefined;
    if (!response.ok) {
      const problem = (parsed ?? {}) as { code?: string; detail?: string; title?: string };
      throw new ApiError(response.status, problem.code ?? 'HTTP', problem.detail ?? problem.title ?? response.statusText);
    }
    return parsed as T;
  }
}
