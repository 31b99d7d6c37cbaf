/**
 * How the simulated provider answers a payment token (deterministic, for tests and demos):
 * - `tok_visa` approves;
 * - `tok_decline` declines (`DECLINED`);
 * - `tok_timeout` never answers: the caller's deadline passes and nothing is charged;
 * - `tok_flaky` fails transiently on its first {@link FLAKY_FAILURES} calls per idempotency key, then approves;
 * - any other token is declined (`UNKNOWN_TOKEN`), as a real PSP declines a token it never issued.
 */
export const PAYMENT_TOKENS = {
  approves: 'tok_visa',
  declines: 'tok_decline',
  neverAnswers: 'tok_timeout',
  flaky: 'tok_flaky',
} as const;

/** Calls of one idempotency key that fail transiently before `tok_flaky` approves. */
export const FLAKY_FAILURES = 2;

export type DeclineReason = 'DECLINED' | 'UNKNOWN_TOKEN';

export type TokenBehaviour =
  { kind: 'approve' } | { kind: 'decline'; reason: DeclineReason } | { kind: 'fail-transiently' } | { kind: 'never-answer' };

/** What the provider does on the `attempt`-th call (1-based) of an idempotency key still undecided. */
export function behaviourOf(token: string, attempt: number): TokenBehaviour {
  switch (token) {
    case PAYMENT_TOKENS.approves:
      return { kind: 'approve' };
    case PAYMENT_TOKENS.declines:
      return { kind: 'decline', reason: 'DECLINED' };
    case PAYMENT_TOKENS.neverAnswers:
      return { kind: 'never-answer' };
    case PAYMENT_TOKENS.flaky:
      return attempt <= FLAKY_FAILURES ? { kind: 'fail-transiently' } : { kind: 'approve' };
    default:
      return { kind: 'decline', reason: 'UNKNOWN_TOKEN' };
  }
}
