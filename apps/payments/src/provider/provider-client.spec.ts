import {
  ProviderRejectedError,
  ProviderUnavailableError,
  type AuthorizeOutcome,
  type AuthorizeRequest,
} from './payment-provider';
import { ProviderClient, type PaymentProvider } from './provider-client';

const request: AuthorizeRequest = {
  idempotencyKey: 'authorize:7d3c1c8e-4a8b-4f0e-9d6a-0c2b6f1e2a11',
  orderId: '7d3c1c8e-4a8b-4f0e-9d6a-0c2b6f1e2a11',
  token: 'tok_visa',
  amount: { amount: 100, currency: 'EUR' },
};
const approved: AuthorizeOutcome = { kind: 'approved', chargeId: 'c', amount: request.amount, replayed: false };

/** A provider answering each call with the next behaviour, recording the keys and signals it got. */
function scripted(...answers: Array<'approve' | 'fail' | 'hang' | 'reject'>) {
  const calls: Array<{ key: string; signal?: AbortSignal }> = [];
  const provider: PaymentProvider = {
    authorize: (r, signal) => {
      calls.push({ key: r.idempotencyKey, signal });
      switch (answers[calls.length - 1] ?? 'approve') {
        case 'approve':
          return Promise.resolve(approved);
        case 'fail':
          return Promise.reject(new ProviderUnavailableError('503'));
        case 'reject':
          return Promise.reject(new ProviderRejectedError('key reused'));
        case 'hang':
          return new Promise<never>(() => undefined);
      }
    },
    refund: () => Promise.reject(new ProviderUnavailableError('503')),
    find: () => Promise.resolve(undefined),
  };
  return { provider, calls };
}

const options = { timeoutMs: 30, maxAttempts: 3, minBackoffMs: 1, maxBackoffMs: 2 };

describe(ProviderClient.name, () => {
  it('retries transient failures with the same idempotency key until the provider answers', async () => {
    const { provider, calls } = scripted('fail', 'fail', 'approve');
    const failed: number[] = [];
    const sut = new ProviderClient(provider, options, (_op, attempt) => failed.push(attempt));

    await expect(sut.authorize(request)).resolves.toEqual({ ...approved, attempts: 3 });
    expect(calls.map((c) => c.key)).toEqual([request.idempotencyKey, request.idempotencyKey, request.idempotencyKey]);
    expect(failed).toEqual([1, 2]);
  });

  it('gives each call its deadline, aborts it, and reports no answer after the last attempt', async () => {
    const { provider, calls } = scripted('hang', 'hang', 'hang');
    const sut = new ProviderClient(provider, options);
    const started = Date.now();

    await expect(sut.authorize(request)).resolves.toEqual({
      kind: 'unanswered',
      attempts: 3,
      lastError: 'the provider did not answer within 30 ms',
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(3 * options.timeoutMs - 5);
    expect(calls.every((c) => c.signal?.aborted)).toBe(true);
  });

  it('does not retry a request the provider refused', async () => {
    const { provider, calls } = scripted('reject');
    await expect(new ProviderClient(provider, options).authorize(request)).rejects.toBeInstanceOf(ProviderRejectedError);
    expect(calls).toHaveLength(1);
  });

  it('fails a refund the provider never accepted after its attempts, for the caller to retry later', async () => {
    const { provider } = scripted();
    const attempts: number[] = [];
    const sut = new ProviderClient(provider, options, (_op, attempt) => attempts.push(attempt));
    await expect(sut.refund({ idempotencyKey: 'refund:x', chargeId: 'c', amount: request.amount })).rejects.toBeInstanceOf(
      ProviderUnavailableError,
    );
    expect(attempts).toEqual([1, 2, 3]);
  });
});
