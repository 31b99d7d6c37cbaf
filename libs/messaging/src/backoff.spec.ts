import { backoffDelay } from './backoff';

describe(backoffDelay.name, () => {
  it('grows exponentially up to the ceiling, with jitter inside the bounds', () => {
    expect(backoffDelay(1, 100, 5000, () => 1)).toBe(100);
    expect(backoffDelay(3, 100, 5000, () => 1)).toBe(400);
    expect(backoffDelay(3, 100, 5000, () => 0)).toBe(100);
    expect(backoffDelay(20, 100, 5000, () => 1)).toBe(5000);
    for (let i = 0; i < 100; i += 1) {
      const d = backoffDelay(4, 100, 5000);
      expect(d).toBeGreaterThanOrEqual(100);
      expect(d).toBeLessThanOrEqual(800);
    }
  });
});
