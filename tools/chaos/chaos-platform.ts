import { Client } from 'pg';
import type { FaultPointStatus, FaultSelector, LinkFault } from '../platform/fault-options';
import type { InstanceStatus, SupervisorStatus } from '../platform/supervisor';

/** The Postgres server the services' databases are on, as an administrator reaches it. */
export interface PostgresAdmin {
  host: string;
  port: number;
  user: string;
  password: string;
}

/**
 * The platform a chaos run works on, through what operates it: the supervisor (instances, pids,
 * fault points), the Postgres server, the broker (when this run may restart it).
 */
export interface ChaosPlatform {
  /** The balancer in front of the gateways: where the load goes. */
  gatewayUrl: string;
  kafkaBrokers: string[];
  postgres: PostgresAdmin;
  /** Each app's database (`orders` → `shopmesh_orders`). */
  databases: Readonly<Record<string, string>>;
  /** Stops and starts the broker (keeping its data); undefined when it is not this run's to restart. */
  kafka?: { stop(): Promise<void>; start(): Promise<void> };
  status(): Promise<SupervisorStatus>;
  /** The fault points, or undefined when the supervisor runs without them. */
  faultPoints(): Promise<FaultPointStatus[] | undefined>;
  setFault(selector: FaultSelector, fault: LinkFault): Promise<void>;
}

export interface SupervisedChaosOptions {
  supervisorUrl: string;
  gatewayUrl: string;
  kafkaBrokers: string[];
  postgres: PostgresAdmin;
  databases: Readonly<Record<string, string>>;
  kafka?: ChaosPlatform['kafka'];
}

async function answer<T>(res: Response, what: string): Promise<T> {
  const body = (await res.json().catch(() => ({}))) as T & { title?: string; code?: string };
  if (!res.ok) throw new Error(`${what}: the supervisor answered ${res.status} ${body.code ?? ''} ${body.title ?? ''}`.trim());
  return body;
}

/** A platform run by a supervisor (`npm run up`'s, or a test's), driven through its HTTP API. */
export function supervisedChaosPlatform(options: SupervisedChaosOptions): ChaosPlatform {
  const url = options.supervisorUrl.replace(/\/$/, '');
  const deadline = () => AbortSignal.timeout(5000);
  return {
    gatewayUrl: options.gatewayUrl,
    kafkaBrokers: options.kafkaBrokers,
    postgres: options.postgres,
    databases: options.databases,
    kafka: options.kafka,
    status: async () => answer<SupervisorStatus>(await fetch(`${url}/status`, { signal: deadline() }), 'GET /status'),
    faultPoints: async () => {
      const res = await fetch(`${url}/faults`, { signal: deadline() });
      if (res.status === 409) return undefined;
      return (await answer<{ points: FaultPointStatus[] }>(res, 'GET /faults')).points;
    },
    setFault: async (selector, fault) => {
      const res = await fetch(`${url}/faults`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ ...selector, fault }),
        signal: deadline(),
      });
      await answer(res, `POST /faults ${selector.instance ?? selector.app} ${selector.link} ${fault.mode}`);
    },
  };
}

/** Terminates every connection to `database` but this one; answers how many there were. */
export async function terminateConnections(admin: PostgresAdmin, database: string): Promise<number> {
  const client = new Client({ ...admin, database: 'postgres', connectionTimeoutMillis: 3000, statement_timeout: 3000 });
  await client.connect();
  try {
    // in the select list, not the WHERE clause: Postgres may evaluate a WHERE's conditions in any
    // order, and pg_terminate_backend there would end every connection of the server, this one too
    const { rows } = await client.query<{ terminated: boolean }>(
      `SELECT pg_terminate_backend(pid) AS terminated FROM pg_stat_activity
        WHERE datname = $1 AND pid <> pg_backend_pid()`,
      [database],
    );
    return rows.filter((r) => r.terminated).length;
  } finally {
    await client.end();
  }
}

/** The instance's status, or undefined if the supervisor has none of that id. */
export const instanceOf = (status: SupervisorStatus, id: string): InstanceStatus | undefined =>
  status.instances.find((i) => i.id === id);
