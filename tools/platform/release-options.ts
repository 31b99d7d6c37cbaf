import { z } from 'zod';

/**
 * What a blue-green release (`POST /release`, `npm run release`) may change for the new set. The new
 * processes join the running set's Kafka consumer groups while both run, so the two versions must
 * understand each other's messages and schema (expand now, contract in a later release).
 */
export const ReleaseOptionsSchema = z
  .object({
    /** Variables per app for every process of the new set, on top of the supervisor's (`{"orders": {"X": "1"}}`). */
    env: z
      .record(z.string().regex(/^[a-z][a-z0-9-]*$/), z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/), z.string()))
      .optional(),
    /** The build the new set runs: a directory like `dist/` (relative to the repository root), `dist` if absent. */
    dist: z.string().min(1).optional(),
    /** How long the whole new set has to be ready (every instance, then the smoke requests). */
    deadlineMs: z.number().int().positive().max(3_600_000).optional(),
    /** How many new processes start at once (1 by default: starting is CPU-heavy, and the running set serves meanwhile). */
    maxStarting: z.number().int().min(1).max(64).optional(),
  })
  .strict();

export type ReleaseOptions = z.infer<typeof ReleaseOptionsSchema>;

/** What a release did: each new process, when the balancer switched to the new gateways, the drain of the old set. */
export interface ReleaseReport {
  /** The set now serving (`blue` is the one the supervisor started). */
  set: ReleaseSet;
  instances: Array<{
    id: string;
    app: string;
    pid?: number;
    previousPid?: number;
    /** From the release's start until this process was started (its dependencies ready). */
    startedAfterSeconds: number;
    /** From its start until it was ready. */
    readySeconds: number;
    /** How long its old process took to drain and exit. */
    drainSeconds: number;
  }>;
  switchedAt: string;
  /** From the release's start until the balancer's rotation switched. */
  switchedAfterSeconds: number;
  /** From the switch until every old process had exited. */
  drainSeconds: number;
  totalSeconds: number;
}

export type ReleaseSet = 'blue' | 'green';
