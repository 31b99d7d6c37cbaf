import { z } from 'zod';

/** The longest delay a fault may ask for (latency, jitter): ten minutes. */
const MAX_DELAY_MS = 600_000;

/**
 * What a fault point does to the bytes it relays ({@link FaultPoint}): `pass` them through,
 * delay every chunk by `ms ± jitterMs` (`latency`), hold a `rate` share of the chunks for a
 * retransmission timeout (`loss`), or hold everything (`partition`).
 */
export const LinkFaultSchema = z.discriminatedUnion('mode', [
  z.strictObject({ mode: z.literal('pass') }),
  z.strictObject({
    mode: z.literal('latency'),
    ms: z.number().min(0).max(MAX_DELAY_MS),
    jitterMs: z.number().min(0).max(MAX_DELAY_MS).optional(),
  }),
  z.strictObject({ mode: z.literal('loss'), rate: z.number().min(0).max(1) }),
  z.strictObject({ mode: z.literal('partition') }),
]);

export type LinkFault = z.infer<typeof LinkFaultSchema>;

/** The links of an instance a point can sit on: its Postgres, its Redis, the network in front of its RPC server. */
export const FAULT_LINKS = ['postgres', 'redis', 'rpc'] as const;
export type FaultLink = (typeof FAULT_LINKS)[number];

/** Which points a fault is for: every point of `link`, narrowed to one instance and/or one app. */
export interface FaultSelector {
  instance?: string;
  app?: string;
  link: FaultLink;
}

/** The body of `POST /faults`: a selector and the fault for every point it matches. */
export const FaultRequestSchema = z.strictObject({
  instance: z.string().min(1).optional(),
  app: z.string().min(1).optional(),
  link: z.enum(FAULT_LINKS),
  fault: LinkFaultSchema,
});

/** One point as `GET /faults` shows it. */
export interface FaultPointStatus {
  /** The instance whose link it is (`catalog`, `catalog-2`, …). */
  instance: string;
  app: string;
  link: FaultLink;
  /** Where it listens (127.0.0.1), what the instance (postgres, redis) or its callers (rpc) connect to. */
  port: number;
  /** `host:port` it relays to. */
  target: string;
  fault: LinkFault;
}

/** Whether two faults do the same (same mode, same parameters). */
export function sameFault(a: LinkFault, b: LinkFault): boolean {
  switch (a.mode) {
    case 'latency':
      return b.mode === 'latency' && a.ms === b.ms && (a.jitterMs ?? 0) === (b.jitterMs ?? 0);
    case 'loss':
      return b.mode === 'loss' && a.rate === b.rate;
    case 'pass':
    case 'partition':
      return a.mode === b.mode;
  }
}
