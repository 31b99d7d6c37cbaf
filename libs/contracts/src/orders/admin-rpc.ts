import { z } from 'zod';
import { OperatorSchema } from '../ops/rpc';
import { defineRpc } from '../rpc-definition';
import { CANCELLATION_REASONS } from './events';
import { ORDER_STATUSES, OrderSchema, SAGA_STEPS } from './rpc';

/** A saga is stuck when it has been in flight this long, unless the operator asks otherwise. */
export const SAGA_STUCK_AFTER_MS_DEFAULT = 60_000;

export const ListSagasRequestSchema = z
  .object({
    /** In flight longer than this (or past its deadline by more than a few scans) counts as stuck. */
    stuckAfterMs: z
      .number()
      .int()
      .min(1000)
      .max(7 * 86_400_000)
      .default(SAGA_STUCK_AFTER_MS_DEFAULT),
    limit: z.number().int().min(1).max(500).default(100),
  })
  .strict();

/** A saga still in flight (not CONFIRMED or CANCELLED with nothing owed), oldest first. */
export const SagaSummarySchema = z.object({
  orderId: z.uuid(),
  userId: z.uuid(),
  status: z.enum(ORDER_STATUSES),
  step: z.enum(SAGA_STEPS),
  reason: z.enum(CANCELLATION_REASONS).nullable(),
  /** Compensations sent and not acknowledged yet. */
  awaiting: z.array(z.enum(['stock', 'payment'])),
  deadlineAt: z.iso.datetime().nullable(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  stuck: z.boolean(),
  /** Why it counts as stuck (in flight too long, past its deadline, compensation unacknowledged). */
  stuckBecause: z.string().nullable(),
});
export type SagaSummary = z.infer<typeof SagaSummarySchema>;

export const SagaListSchema = z.object({
  sagas: z.array(SagaSummarySchema),
  stuckAfterMs: z.number().int(),
  inFlight: z.number().int().nonnegative(),
  stuck: z.number().int().nonnegative(),
});
export type SagaList = z.infer<typeof SagaListSchema>;

export const SAGA_ACTIONS = ['retry', 'compensate'] as const;
export type SagaAction = (typeof SAGA_ACTIONS)[number];

export const SagaActionRequestSchema = z.object({ id: z.uuid(), operator: OperatorSchema }).strict();

/** What an operator's action did; `changed: false` says why nothing moved (a final saga, say). */
export const SagaActionResultSchema = z.object({
  orderId: z.uuid(),
  action: z.enum(SAGA_ACTIONS),
  changed: z.boolean(),
  status: z.enum(ORDER_STATUSES),
  step: z.enum(SAGA_STEPS),
  detail: z.string(),
});
export type SagaActionResult = z.infer<typeof SagaActionResultSchema>;

/** An order with its timeline, and the trace of the request that placed it when one was recorded. */
export const OrderTimelineSchema = z.object({
  order: OrderSchema,
  traceId: z
    .string()
    .regex(/^[0-9a-f]{32}$/)
    .optional(),
});
export type OrderTimeline = z.infer<typeof OrderTimelineSchema>;

/** Orders' RPCs for operators: each needs an admin actor. */
export const OrdersAdminRpc = {
  sagas: defineRpc({
    pattern: 'orders.admin.sagas',
    request: ListSagasRequestSchema,
    response: SagaListSchema,
    idempotent: true,
  }),
  /** Sends the current step's command again (a compensating saga: its outstanding compensations), with a fresh deadline. */
  retry: defineRpc({
    pattern: 'orders.admin.retry',
    request: SagaActionRequestSchema,
    response: SagaActionResultSchema,
    idempotent: false,
  }),
  /** Cancels the order through the saga (CANCELLED_BY_OPERATOR): it compensates what it did; a compensating saga resends what is owed. */
  compensate: defineRpc({
    pattern: 'orders.admin.compensate',
    request: SagaActionRequestSchema,
    response: SagaActionResultSchema,
    idempotent: false,
  }),
  timeline: defineRpc({
    pattern: 'orders.admin.timeline',
    request: z.object({ id: z.uuid({ error: 'expected a UUID' }) }).strict(),
    response: OrderTimelineSchema,
    idempotent: true,
  }),
};
