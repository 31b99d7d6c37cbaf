import type { z } from 'zod';

/**
 * One RPC between services, declared once like each message: the pattern it travels under, the
 * schema of its request (validated by the server before the handler runs) and of its response
 * (checked by the client before the caller sees it). A caller cannot claim a result type the
 * contract does not give.
 */
export interface RpcDefinition<Req extends z.ZodType = z.ZodType, Res extends z.ZodType = z.ZodType> {
  pattern: string;
  request: Req;
  response: Res;
  /**
   * Running it twice does no harm (a read, or a write that is idempotent by itself), so a client
   * may retry it on another instance after a timeout or a lost connection.
   */
  idempotent: boolean;
}

export const defineRpc = <Req extends z.ZodType, Res extends z.ZodType>(
  definition: RpcDefinition<Req, Res>,
): RpcDefinition<Req, Res> => definition;

/** What a caller sends (before defaults and conversions). */
export type RpcRequestOf<D> = D extends RpcDefinition<infer Req, z.ZodType> ? z.input<Req> : never;
/** What the handler receives (after validation). */
export type RpcParsedRequestOf<D> = D extends RpcDefinition<infer Req, z.ZodType> ? z.output<Req> : never;
/** What the caller gets. */
export type RpcResponseOf<D> = D extends RpcDefinition<z.ZodType, infer Res> ? z.output<Res> : never;
