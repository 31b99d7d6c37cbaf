import { z } from 'zod';
import { KAFKA_TOPICS } from '../kafka-topics';
import { defineRpc } from '../rpc-definition';

/** Who acted, as an audit row keeps it: the admin's id comes from the call's verified actor, the email beside it. */
export const OperatorSchema = z.object({ email: z.email().max(320) }).strict();
export type Operator = z.infer<typeof OperatorSchema>;

/** One readiness check of an instance, as `/health/ready` names it (`up`, `down`, or `degraded`). */
export const DependencyCheckSchema = z.object({
  name: z.string(),
  status: z.string(),
  detail: z.record(z.string(), z.unknown()).optional(),
});
export type DependencyCheck = z.infer<typeof DependencyCheckSchema>;

/** What one consumer group of the instance has not consumed yet, per partition. */
export const ConsumerLagSchema = z.object({
  groupId: z.string(),
  topic: z.string(),
  partition: z.number().int().nonnegative(),
  committedOffset: z.string(),
  endOffset: z.string(),
  lag: z.number().int().nonnegative(),
});

/** `ops.status`: what an operator needs to know about one instance. */
export const InstanceStatusSchema = z.object({
  service: z.string(),
  /** The `host:port` the instance serves RPC on (what discovery lists). */
  address: z.string(),
  pid: z.number().int(),
  uptimeSeconds: z.number().nonnegative(),
  ready: z.boolean(),
  checks: z.array(DependencyCheckSchema),
  /** Outbox rows not yet published and the age of the oldest (a service with an outbox). */
  outbox: z.object({ backlog: z.number().int().nonnegative(), oldestAgeSeconds: z.number().nonnegative() }).optional(),
  consumerLag: z.array(ConsumerLagSchema),
});
export type InstanceStatus = z.infer<typeof InstanceStatusSchema>;

/**
 * Which service re-publishes the dead letters of a topic: the one that produces it (a redriven
 * message goes back exactly where its producer put it).
 */
export const TOPIC_PRODUCERS = {
  'identity.events': 'identity',
  'catalog.events': 'catalog',
  'orders.events': 'orders',
  'inventory.commands': 'orders',
  'inventory.events': 'inventory',
  'payments.commands': 'orders',
  'payments.events': 'payments',
} as const satisfies Record<(typeof KAFKA_TOPICS)[number], string>;

export const DeadLetterTopicSchema = z.object({ topic: z.enum(KAFKA_TOPICS) }).strict();

export const DeadLetterSchema = z.object({
  partition: z.number().int().nonnegative(),
  offset: z.string(),
  key: z.string().nullable(),
  /** The message type of the envelope, when it parses. */
  type: z.string().nullable(),
  error: z.string().nullable(),
  attempts: z.number().int().nullable(),
  consumer: z.string().nullable(),
  failedAt: z.string().nullable(),
  value: z.string().nullable(),
});
export type DeadLetter = z.infer<typeof DeadLetterSchema>;

/** One operator action as recorded, with its outcome. */
export const AuditEntrySchema = z.object({
  id: z.string(),
  service: z.string(),
  at: z.iso.datetime(),
  actorId: z.uuid(),
  actorEmail: z.string(),
  action: z.string(),
  target: z.string(),
  outcome: z.string(),
  detail: z.string().nullable(),
});
export type AuditEntry = z.infer<typeof AuditEntrySchema>;

/** RPCs every TCP-serving app answers. */
export const OpsRpc = {
  /** Readiness of callers: some instance of the service answers. */
  ping: defineRpc({
    pattern: 'ops.ping',
    request: z.object({}).strict(),
    response: z.object({ status: z.literal('ok') }),
    idempotent: true,
  }),
  /** This instance's readiness per dependency, outbox backlog and consumer lag (sent to every instance). */
  status: defineRpc({
    pattern: 'ops.status',
    request: z.object({}).strict(),
    response: InstanceStatusSchema,
    idempotent: true,
  }),
  /** The dead letters of a topic this service produces (admin only). */
  deadLetters: defineRpc({
    pattern: 'ops.dead-letters',
    request: DeadLetterTopicSchema,
    response: z.object({ topic: z.string(), letters: z.array(DeadLetterSchema) }),
    idempotent: true,
  }),
  /** Re-publishes the dead letters of a topic this service produces, audited (admin only). */
  redrive: defineRpc({
    pattern: 'ops.redrive',
    request: DeadLetterTopicSchema.extend({ operator: OperatorSchema }).strict(),
    response: z.object({ topic: z.string(), redriven: z.number().int().nonnegative() }),
    idempotent: true,
  }),
  /** The latest operator actions recorded by this service (admin only). */
  audit: defineRpc({
    pattern: 'ops.audit',
    request: z.object({ limit: z.number().int().min(1).max(200).default(50) }).strict(),
    response: z.object({ entries: z.array(AuditEntrySchema) }),
    idempotent: true,
  }),
};
