import { z } from 'zod';
import { OrderSchema } from '../orders/rpc';
import { KAFKA_TOPICS } from '../kafka-topics';
import { AuditEntrySchema, DeadLetterSchema, InstanceStatusSchema } from './rpc';

/**
 * What the gateway's admin routes (`/v1/admin/ops/…`, the ops console's API) answer. Query and
 * path inputs arrive as text: numbers are converted, unknown fields refused.
 */

/** One instance as the gateway reached it: its status, or why it did not answer. */
export const InstanceReportSchema = z.object({
  address: z.string(),
  status: InstanceStatusSchema.optional(),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
});

export const OpsOverviewSchema = z.object({
  at: z.iso.datetime(),
  services: z.array(z.object({ name: z.string(), instances: z.array(InstanceReportSchema) })),
});
export type OpsOverview = z.infer<typeof OpsOverviewSchema>;

const STUCK_EXPECTED = 'expected milliseconds from 1000 to 604800000';
export const SagasQuerySchema = z
  .object({
    stuckAfterMs: z.coerce
      .number({ error: STUCK_EXPECTED })
      .int({ error: STUCK_EXPECTED })
      .min(1000, { error: STUCK_EXPECTED })
      .max(7 * 86_400_000, { error: STUCK_EXPECTED })
      .optional(),
  })
  .strict();
export type SagasQuery = z.infer<typeof SagasQuerySchema>;

export const TopicParamsSchema = z
  .object({ topic: z.enum(KAFKA_TOPICS, { error: `expected one of ${KAFKA_TOPICS.join(', ')}` }) })
  .strict();
export type TopicParams = z.infer<typeof TopicParamsSchema>;

export const DeadLetterReportSchema = z.object({
  topics: z.array(
    z.object({
      topic: z.enum(KAFKA_TOPICS),
      /** The service that redrives it (its producer). */
      producer: z.string(),
      letters: z.array(DeadLetterSchema),
      error: z.object({ code: z.string(), message: z.string() }).optional(),
    }),
  ),
});
export type DeadLetterReport = z.infer<typeof DeadLetterReportSchema>;

export const RedriveResultSchema = z.object({ topic: z.string(), redriven: z.number().int().nonnegative() });

export const AuditListSchema = z.object({ entries: z.array(AuditEntrySchema) });
export type AuditList = z.infer<typeof AuditListSchema>;

export const OrderTimelineViewSchema = z.object({
  order: OrderSchema,
  traceId: z.string().optional(),
  /** The trace UI's page of the request that placed the order, when its trace id was recorded. */
  traceUrl: z.url().optional(),
});
export type OrderTimelineView = z.infer<typeof OrderTimelineViewSchema>;
