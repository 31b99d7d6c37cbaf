import { CircuitBreaker } from './circuit-breaker';

describe(CircuitBreaker.name, () => {
  let now = 0;
  const sut = () =>
    new CircuitBreaker(
      () => ({ failureThreshold: 3, openMs: 1000 }),
      () => now,
    );

  beforeEach(() => (now = 0));

  it('opens after consecutive failures, not after scattered ones', () => {
    const b = sut();
    b.onFailure();
    b.onFailure();
    b.onSuccess();
    b.onFailure();
    b.onFailure();
    expect(b.state).toBe('closed');
    b.onFailure();
    expect(b.state).toBe('open');
    expect(b.canPass()).toBe(false);
  });

  it('lets one probe through after the open period; success closes it', () => {
    const b = sut();
    for (let i = 0; i < 3; i += 1) b.onFailure();
    now = 999;
    expect(b.canPass()).toBe(false);
    now = 1000;
    expect(b.state).toBe('half-open');
    expect(b.canPass()).toBe(true);
    b.onSend();
    expect(b.canPass()).toBe(false); // one probe at a time
    b.onSuccess();
    expect(b.state).toBe('closed');
  });

  it('opens again at once when the probe fails', () => {
    const b = sut();
    for (let i = 0; i < 3; i += 1) b.onFailure();
    now = 1500;
    b.onSend();
    b.onFailure();
    expect(b.state).toBe('open');
    now = 2400;
    expect(b.canPass()).toBe(false);
    now = 2500;
    expect(b.canPass()).toBe(true);
  });

  it('applies thresholds changed at run time from the next failure and the next check', () => {
    let options = { failureThreshold: 3, openMs: 1000 };
    const b = new CircuitBreaker(
      () => options,
      () => now,
    );
    now = 0;
    b.onFailure();
    options = { failureThreshold: 2, openMs: 200 };
    b.onFailure();
    expect(b.state).toBe('open');
    now = 200;
    expect(b.state).toBe('half-open');
  });
});
