import { pickWeighted, seededRandom } from './random';
import { DEFAULT_MIX, DEFAULT_PAYMENT_TOKENS, registeredShare, scenarioOf, type Scenario } from './shopper-mix';

const shares = <K extends string>(draws: readonly K[]): Record<string, number> => {
  const out: Record<string, number> = {};
  for (const d of draws) out[d] = (out[d] ?? 0) + 1 / draws.length;
  return out;
};

describe('the shopper mix', () => {
  it('documents weights that sum to 100, so each reads as a percentage', () => {
    expect(Object.values(DEFAULT_MIX).reduce((s, w) => s + w, 0)).toBe(100);
    expect(Object.values(DEFAULT_PAYMENT_TOKENS).reduce((s, w) => s + w, 0)).toBe(100);
  });

  it('draws each scenario about as often as its weight says', () => {
    const random = seededRandom(42);
    const sut = shares(Array.from({ length: 20_000 }, () => scenarioOf(random, DEFAULT_MIX)));
    for (const [scenario, weight] of Object.entries(DEFAULT_MIX)) expect(sut[scenario]).toBeCloseTo(weight / 100, 1.5);
  });

  it('is the same sequence for the same seed, another for another seed', () => {
    const draw = (seed: number) => {
      const random = seededRandom(seed);
      return Array.from({ length: 200 }, () => scenarioOf(random, DEFAULT_MIX));
    };
    expect(draw(5)).toEqual(draw(5));
    expect(draw(5)).not.toEqual(draw(6));
  });

  it('never draws a scenario left out or weighted 0', () => {
    const random = seededRandom(1);
    const mix = { browse: 1, checkout: 3, cancel: 0 };
    const sut = new Set<Scenario>(Array.from({ length: 5000 }, () => scenarioOf(random, mix)));
    expect([...sut].sort()).toEqual(['browse', 'checkout']);
    expect(() => pickWeighted(random, { a: 0 })).toThrow('no positive weight');
  });

  it('picks payment tokens by weight: tok_visa most, tok_timeout rarely', () => {
    const random = seededRandom(3);
    const sut = shares(Array.from({ length: 20_000 }, () => pickWeighted(random, DEFAULT_PAYMENT_TOKENS)));
    expect(sut.tok_visa).toBeCloseTo(0.8, 1.5);
    expect(sut.tok_timeout).toBeCloseTo(0.02, 1.5);
  });

  it('knows which share of sessions needs a registered shopper', () => {
    expect(registeredShare(DEFAULT_MIX)).toBeCloseTo(0.3, 5);
    expect(registeredShare({ browse: 1 })).toBe(0);
    expect(registeredShare({ browse: 1, order: 1 })).toBe(0.5);
  });
});
