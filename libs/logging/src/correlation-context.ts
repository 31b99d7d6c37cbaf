import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

/** Name of the HTTP header (and Kafka header) that carries the correlation id. */
export const CORRELATION_HEADER = 'x-correlation-id';

const WELL_FORMED = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

interface CorrelationState {
  readonly correlationId: string;
}

const storage = new AsyncLocalStorage<CorrelationState>();

/**
 * The correlation id of the work in progress. It enters at the gateway (from the
 * `x-correlation-id` header, or generated), and travels with every RPC call and message.
 */
export const CorrelationContext = {
  /** Runs `fn` with `correlationId` as the current correlation id. */
  run<T>(correlationId: string, fn: () => T): T {
    return storage.run({ correlationId }, fn);
  },

  /** The current correlation id, if any work is in progress. */
  currentId(): string | undefined {
    return storage.getStore()?.correlationId;
  },

  /** True for ids we accept from outside: 1-128 chars of [A-Za-z0-9._:-]. */
  isWellFormed(value: unknown): value is string {
    return typeof value === 'string' && WELL_FORMED.test(value);
  },

  /** The given id if well-formed, otherwise a new one. */
  acceptOrCreate(value: unknown): string {
    return CorrelationContext.isWellFormed(value) ? value : randomUUID();
  },
} as const;
