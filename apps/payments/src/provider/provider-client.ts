import { setTimeout as sleep } from 'node:timers/promises';
import { backoffDelay } from '@shopmesh/messaging';
import {
  ProviderRejectedError,
  ProviderTimeoutError,
  type AuthorizeOutcome,
  type AuthorizeRequest,
  type ChargeRecord,
  type RefundOutcome,
  type RefundRequest,
} from './payment-provider';

/** The provider as a client sees it: calls that may hang or fail (the simulated provider implements it). */
export interface PaymentProvider {
  authorize(request: AuthorizeRequest, signal?: AbortSignal): Promise<AuthorizeOutcome>;
  refund(request: RefundRequest): Promise<RefundOutcome>;
  find(idempotencyKey: string): Promise<ChargeRecord | undefined>;
}

export interface ProviderClientOptions {
  /** How long one call may take before it counts as failed (PAYMENT_PROVIDER_TIMEOUT_MS). */
  timeoutMs: number;
  /** Calls per operation, the first included (PAYMENT_PROVIDER_MAX_ATTEMPTS). */
  maxAttempts: number;
  /** Backoff between calls: exponential with jitter, from `minBackoffMs` up to `maxBackoffMs`. */
  minBackoffMs: number;
  maxBackoffMs: number;
}

/** The provider gave no answer after every attempt: whether it charged is unknown (a later call with the key tells). */
export interface Unanswered {
  kind: 'unanswered';
  attempts: number;
  lastError: string;
}

export type AuthorizeResult = (AuthorizeOutcome & { attempts: number }) | Unanswered;

/** Called after each failed attempt (logs, metrics). */
export type AttemptFailed = (operation: string, attempt: number, error: unknown) => void;

/**
 * How payments calls the provider: each call bounded by a deadline, transient failures and
 * timeouts retried in place with backoff, always with the same idempotency key (so a retry never
 * charges twice). A request the provider refuses ({@link ProviderRejectedError}) is not retried.
 */
export class ProviderClient {
  constructor(
    private readonly provider: PaymentProvider,
    private readonly options: ProviderClientOptions,
    private readonly onAttemptFailed: AttemptFailed = () => undefined,
  ) {}

  async authorize(request: AuthorizeRequest): Promise<AuthorizeResult> {
    let lastError: unknown;
    for (let attempt = 1; attempt <= this.options.maxAttempts; attempt += 1) {
      try {
        const outcome = await this.withDeadline((signal) => this.provider.authorize(request, signal));
        return { ...outcome, attempts: attempt };
      } catch (error) {
        if (error instanceof ProviderRejectedError) throw error;
        lastError = error;
        this.onAttemptFailed('authorize', attempt, error);
        if (attempt < this.options.maxAttempts) await this.backoff(attempt);
      }
    }
    return { kind: 'unanswered', attempts: this.options.maxAttempts, lastError: messageOf(lastError) };
  }

  /** Refunds, retrying transient failures; throws when the provider never answered (the caller retries later). */
  refund(request: RefundRequest): Promise<RefundOutcome> {
    return this.retried('refund', () => this.withDeadline(() => this.provider.refund(request)));
  }

  find(idempotencyKey: string): Promise<ChargeRecord | undefined> {
    return this.retried('find', () => this.withDeadline(() => this.provider.find(idempotencyKey)));
  }

  private async retried<T>(operation: string, call: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await call();
      } catch (error) {
        if (error instanceof ProviderRejectedError) throw error;
        this.onAttemptFailed(operation, attempt, error);
        if (attempt >= this.options.maxAttempts) throw error;
        await this.backoff(attempt);
      }
    }
  }

  private backoff(attempt: number): Promise<void> {
    return sleep(backoffDelay(attempt, this.options.minBackoffMs, this.options.maxBackoffMs));
  }

  /** Runs one call; rejects with ProviderTimeoutError once `timeoutMs` pass, aborting the call's signal. */
  private async withDeadline<T>(call: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        controller.abort();
        reject(new ProviderTimeoutError(`the provider did not answer within ${this.options.timeoutMs} ms`));
      }, this.options.timeoutMs);
    });
    const pending = call(controller.signal);
    pending.catch(() => undefined); // a call that fails after its deadline has nobody to tell
    try {
      return await Promise.race([pending, deadline]);
    } finally {
      clearTimeout(timer);
    }
  }
}

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));
