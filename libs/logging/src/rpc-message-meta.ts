/**
 * Metadata that travels with every ShopMesh RPC request, beside the payload:
 * `{ meta: { correlationId, deadlineAt }, payload }`.
 */
export interface RpcMessageMeta {
  correlationId: string;
  /** Epoch milliseconds after which the caller no longer waits. */
  deadlineAt: number;
}

export interface RpcMessage<P = unknown> {
  meta: RpcMessageMeta;
  payload: P;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

/** The metadata of a message, if it carries well-typed metadata. */
export function metaOfMessage(data: unknown): RpcMessageMeta | undefined {
  if (!isRecord(data) || !isRecord(data.meta)) return undefined;
  const { correlationId, deadlineAt } = data.meta;
  if (typeof correlationId !== 'string' || typeof deadlineAt !== 'number') return undefined;
  return { correlationId, deadlineAt };
}

/** The correlation id a message carries, if any. */
export function correlationIdOfMessage(data: unknown): string | undefined {
  return metaOfMessage(data)?.correlationId;
}
