import { parseDuration, parseWeights } from './cli';

describe(parseDuration.name, () => {
  it('reads ms, s, m and h, and plain milliseconds', () => {
    expect(['500ms', '60s', '1.5s', '2m', '1h', '250'].map((v) => parseDuration(v, '--duration'))).toEqual([
      500, 60_000, 1500, 120_000, 3_600_000, 250,
    ]);
  });

  it('refuses anything else, naming the flag', () => {
    expect(() => parseDuration('soon', '--duration')).toThrow('--duration: expected a duration');
    expect(() => parseDuration('-5s', '--settle')).toThrow('--settle');
  });
});

describe(parseWeights.name, () => {
  it('reads name=weight lists', () => {
    expect(parseWeights('tok_visa=9,tok_decline=1', '--tokens')).toEqual({ tok_visa: 9, tok_decline: 1 });
  });

  it('refuses unknown scenarios, malformed parts and all-zero weights', () => {
    expect(() => parseWeights('browse=1,shoplift=2', '--mix', ['browse'])).toThrow('unknown scenario "shoplift"');
    expect(() => parseWeights('browse', '--mix')).toThrow('expected name=weight');
    expect(() => parseWeights('browse=0', '--mix')).toThrow('at least one weight');
  });
});
