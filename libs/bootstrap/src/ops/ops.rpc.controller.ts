import { Controller, Inject, Optional } from '@nestjs/common';
import {
  DlqHeaders,
  KAFKA_CLIENT,
  deadLetterTopicOf,
  listDeadLetters,
  redriveDeadLetters,
  type DeadLetter as RawDeadLetter,
} from '@shopmesh/messaging';
import { OpsRpc, TOPIC_PRODUCERS, type Actor, type AuditEntry, type DeadLetter, type InstanceStatus } from '@shopmesh/contracts';
import { AppError } from '@shopmesh/errors';
import { RpcActor, RpcHandler, RpcPayload } from '@shopmesh/rpc';
import type { Kafka } from 'kafkajs';
import { DataSource } from 'typeorm';
import type { z } from 'zod';
import { latestAudit, recordAudit } from './ops-audit';
import { OPS_OPTIONS, type OpsOptions } from './ops-options';
import { OpsStatusService } from './ops-status.service';

type Topic = z.output<typeof OpsRpc.deadLetters.request>['topic'];
type RedriveRequest = z.output<typeof OpsRpc.redrive.request>;
type AuditRequest = z.output<typeof OpsRpc.audit.request>;

const requireAdmin = (actor: Actor): void => {
  if (actor.role !== 'admin') throw new AppError('AUTH.FORBIDDEN', 'Operations are for the admin role');
};

const envelopeTypeOf = (value: string | null): string | null => {
  try {
    const parsed: unknown = value === null ? null : JSON.parse(value);
    return typeof parsed === 'object' && parsed !== null && typeof (parsed as { type?: unknown }).type === 'string'
      ? (parsed as { type: string }).type
      : null;
  } catch {
    return null;
  }
};

const letterOf = (l: RawDeadLetter): DeadLetter => {
  const attempts = Number(l.headers[DlqHeaders.attempts]);
  return {
    partition: l.partition,
    offset: l.offset,
    key: l.key,
    type: envelopeTypeOf(l.value),
    error: l.headers[DlqHeaders.error] ?? null,
    attempts: Number.isInteger(attempts) ? attempts : null,
    consumer: l.headers[DlqHeaders.consumer] ?? null,
    failedAt: l.headers[DlqHeaders.failedAt] ?? null,
    value: l.value,
  };
};

/**
 * The ops RPCs of every TCP-serving app: `ops.status` (this instance), and for the topics this
 * service produces, its dead letters and their redrive (admin only, audited); `ops.audit` lists
 * the operator actions this service recorded.
 */
@Controller()
export class OpsRpcController {
  constructor(
    @Inject(OPS_OPTIONS) private readonly options: OpsOptions,
    private readonly statuses: OpsStatusService,
    @Optional() private readonly dataSource?: DataSource,
    @Optional() @Inject(KAFKA_CLIENT) private readonly kafka?: Kafka,
  ) {}

  @RpcHandler(OpsRpc.status)
  status(): Promise<InstanceStatus> {
    return this.statuses.status();
  }

  @RpcHandler(OpsRpc.deadLetters)
  async deadLetters(
    @RpcActor() actor: Actor,
    @RpcPayload(OpsRpc.deadLetters) { topic }: { topic: Topic },
  ): Promise<{ topic: string; letters: DeadLetter[] }> {
    requireAdmin(actor);
    const letters = await listDeadLetters(this.producerKafka(topic), topic, 12_000);
    return { topic, letters: letters.map(letterOf) };
  }

  @RpcHandler(OpsRpc.redrive)
  async redrive(
    @RpcActor() actor: Actor,
    @RpcPayload(OpsRpc.redrive) { topic, operator }: RedriveRequest,
  ): Promise<{ topic: string; redriven: number }> {
    requireAdmin(actor);
    const kafka = this.producerKafka(topic);
    const audit = (outcome: 'applied' | 'unchanged' | 'failed', detail: string) =>
      recordAudit(this.auditSql(), {
        actorId: actor.userId,
        actorEmail: operator.email,
        action: 'redrive',
        target: deadLetterTopicOf(topic),
        outcome,
        detail,
      });
    let redriven: number;
    try {
      redriven = await redriveDeadLetters(kafka, topic, 12_000);
    } catch (error) {
      await audit('failed', error instanceof Error ? error.message : String(error));
      throw new AppError('UPSTREAM.UNAVAILABLE', `Could not redrive ${deadLetterTopicOf(topic)}: Kafka did not answer`);
    }
    await audit(redriven > 0 ? 'applied' : 'unchanged', `${redriven} message(s) re-published to ${topic}`);
    return { topic, redriven };
  }

  @RpcHandler(OpsRpc.audit)
  async audit(@RpcActor() actor: Actor, @RpcPayload(OpsRpc.audit) { limit }: AuditRequest): Promise<{ entries: AuditEntry[] }> {
    requireAdmin(actor);
    if (!this.options.audit || !this.dataSource) return { entries: [] };
    return { entries: await latestAudit(this.dataSource, this.options.service, limit) };
  }

  /** The Kafka client, if this service is the one that produces `topic` (and so redrives it). */
  private producerKafka(topic: Topic): Kafka {
    if (TOPIC_PRODUCERS[topic] !== this.options.service || !this.kafka || !this.options.audit) {
      throw new AppError('VALIDATION.FAILED', `${topic} is produced by ${TOPIC_PRODUCERS[topic]}, not ${this.options.service}`, [
        { field: 'topic', message: `ask ${TOPIC_PRODUCERS[topic]}` },
      ]);
    }
    return this.kafka;
  }

  private auditSql() {
    if (!this.dataSource) throw new Error(`${this.options.service} keeps no audit`);
    return this.dataSource;
  }
}
