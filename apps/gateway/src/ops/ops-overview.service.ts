import { Injectable } from '@nestjs/common';
import {
  OpsRpc,
  TOPIC_PRODUCERS,
  KAFKA_TOPICS,
  type Actor,
  type AuditEntry,
  type DeadLetterReport,
  type OpsOverview,
} from '@shopmesh/contracts';
import { AppError } from '@shopmesh/errors';
import { RpcClientRegistry, type RpcClient } from '@shopmesh/rpc';

/** How long the console waits for one instance's status: a slow instance shows as such, it does not hold the page. */
const STATUS_TIMEOUT_MS = 2500;

const problemOf = (error: unknown) =>
  error instanceof AppError ? { code: error.code, message: error.message } : { code: 'INTERNAL', message: String(error) };

/**
 * What the ops console shows of the running system, read from the services themselves: every
 * instance's `ops.status` (readiness per dependency, outbox, consumer lag), every topic's dead
 * letters from its producer, and the operator actions the services audited.
 */
@Injectable()
export class OpsOverviewService {
  constructor(private readonly registry: RpcClientRegistry) {}

  async overview(): Promise<OpsOverview> {
    const services = await Promise.all(
      this.registry.clients.map(async (client) => {
        const answers = await client.callEach(OpsRpc.status, {}, { timeoutMs: STATUS_TIMEOUT_MS });
        return {
          name: client.target,
          instances: answers
            .map((a) => (a.ok ? { address: a.address, status: a.value } : { address: a.address, error: problemOf(a.error) }))
            .sort((x, y) => x.address.localeCompare(y.address)),
        };
      }),
    );
    return { at: new Date().toISOString(), services: services.sort((a, b) => a.name.localeCompare(b.name)) };
  }

  async deadLetters(actor: Actor): Promise<DeadLetterReport> {
    const topics = await Promise.all(
      KAFKA_TOPICS.map(async (topic) => {
        const producer = TOPIC_PRODUCERS[topic];
        try {
          const { letters } = await this.client(producer).call(OpsRpc.deadLetters, { topic }, { actor, timeoutMs: 15_000 });
          return { topic, producer, letters };
        } catch (error) {
          return { topic, producer, letters: [], error: problemOf(error) };
        }
      }),
    );
    return { topics };
  }

  /** The latest actions audited by every service that keeps an audit, newest first. */
  async audit(actor: Actor, limit: number): Promise<AuditEntry[]> {
    const owners = [...new Set(Object.values(TOPIC_PRODUCERS))];
    const lists = await Promise.all(
      owners.map((name) =>
        this.client(name)
          .call(OpsRpc.audit, { limit }, { actor })
          .then((r) => r.entries)
          .catch(() => []),
      ),
    );
    return lists
      .flat()
      .sort((a, b) => b.at.localeCompare(a.at))
      .slice(0, limit);
  }

  client(name: string): RpcClient {
    const client = this.registry.clients.find((c) => c.target === name);
    if (!client) throw new AppError('UPSTREAM.UNAVAILABLE', `The gateway has no client of ${name}`);
    return client;
  }
}
