import { FLAKY_FAILURES, behaviourOf } from './token-rules';

describe(behaviourOf.name, () => {
  it('approves tok_visa on every call', () => {
    expect([1, 2, 5].map((attempt) => behaviourOf('tok_visa', attempt))).toEqual([
      { kind: 'approve' },
      { kind: 'approve' },
      { kind: 'approve' },
    ]);
  });

  it('declines tok_decline', () => {
    expect(behaviourOf('tok_decline', 1)).toEqual({ kind: 'decline', reason: 'DECLINED' });
  });

  it('never answers tok_timeout, however often it is called', () => {
    expect(behaviourOf('tok_timeout', 1)).toEqual({ kind: 'never-answer' });
    expect(behaviourOf('tok_timeout', 7)).toEqual({ kind: 'never-answer' });
  });

  it('fails tok_flaky transiently twice, then approves', () => {
    expect(FLAKY_FAILURES).toBe(2);
    expect([1, 2, 3, 4].map((attempt) => behaviourOf('tok_flaky', attempt).kind)).toEqual([
      'fail-transiently',
      'fail-transiently',
      'approve',
      'approve',
    ]);
  });

  it.each(['tok_mastercard', 'TOK_VISA', 'tok_visa ', ''])('declines a token it does not know (%j)', (token) => {
    expect(behaviourOf(token, 1)).toEqual({ kind: 'decline', reason: 'UNKNOWN_TOKEN' });
  });
});
