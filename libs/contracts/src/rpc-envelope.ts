import { z } from 'zod';

/** Roles of ShopMesh users. */
export const ROLES = ['customer', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** The authenticated user a request acts for, verified at the gateway from the access token. */
export const ActorSchema = z.object({ userId: z.uuid(), role: z.enum(ROLES) }).strict();
export type Actor = z.infer<typeof ActorSchema>;

/**
 * Metadata that travels with every RPC request beside the payload:
 * `{ meta: { correlationId, deadlineAt, actor?, traceparent?, tracestate? }, payload }`. Services take
 * the user they act for from `actor` (set by the gateway from a verified token), never from a payload field.
 */
export interface RpcMessageMeta {
  correlationId: string;
  /** Epoch milliseconds after which the caller no longer waits. */
  deadlineAt: number;
  actor?: Actor;
  /** W3C trace context of the caller's span (when the caller is traced): the server's span is its child. */
  traceparent?: string;
  tracestate?: string;
}

const TRACEPARENT = /^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/;

export interface RpcMessage<P = unknown> {
  meta: RpcMessageMeta;
  payload: P;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

/** The metadata of a message, if it carries well-typed metadata (a malformed actor or trace context is dropped). */
export function metaOfMessage(data: unknown): RpcMessageMeta | undefined {
  if (!isRecord(data) || !isRecord(data.meta)) return undefined;
  const { correlationId, deadlineAt, actor, traceparent, tracestate } = data.meta;
  if (typeof correlationId !== 'string' || typeof deadlineAt !== 'number') return undefined;
  const parsedActor = actor === undefined ? undefined : ActorSchema.safeParse(actor);
  const traced = typeof traceparent === 'string' && TRACEPARENT.test(traceparent);
  return {
    correlationId,
    deadlineAt,
    ...(parsedActor?.success ? { actor: parsedActor.data } : {}),
    ...(traced ? { traceparent } : {}),
    ...(traced && typeof tracestate === 'string' && tracestate.length <= 512 ? { tracestate } : {}),
  };
}
