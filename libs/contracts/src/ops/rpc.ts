import { z } from 'zod';
import { defineRpc } from '../rpc-definition';

/** RPCs every TCP-serving app answers. */
export const OpsRpc = {
  /** Readiness of callers: some instance of the service answers. */
  ping: defineRpc({
    pattern: 'ops.ping',
    request: z.object({}).strict(),
    response: z.object({ status: z.literal('ok') }),
    idempotent: true,
  }),
};
