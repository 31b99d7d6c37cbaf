import { searchTermsOf } from './search-terms';

describe(searchTermsOf.name, () => {
  it.each([
    ['coff', { words: '', prefix: 'coff' }],
    ['pour over coff', { words: 'pour over', prefix: 'coff' }],
    ['  Kaffee   Mühle ', { words: 'Kaffee', prefix: 'Mühle' }],
    ['3.5mm', { words: '', prefix: '3.5mm' }],
    ['<script>alert(1)</script>', { words: 'script alert(1)', prefix: '/script' }],
    ["'; DROP TABLE products; --", { words: "'; DROP TABLE products; --" }],
  ])('reads %j as words and a prefix', (text, expected) => {
    expect(searchTermsOf(text)).toMatchObject(expected);
  });

  it.each([
    ['a quoted phrase', '"coffee set"'],
    ['an unclosed quote', '"coffee se'],
    ['an excluded last word', 'lamp -desk'],
    ['an alternative', 'lamp or desk'],
    ['a trailing or', 'lamp or'],
  ])('leaves %s to websearch syntax, without a prefix', (_name, text) => {
    expect(searchTermsOf(text)).toEqual({ words: text, fingerprint: expect.any(String) });
  });

  it.each(['%', '_', '\\', "''", '--', '<>'])('has nothing to search for in %j', (text) => {
    expect(searchTermsOf(text)).toBeUndefined();
  });

  it('gives one fingerprint to one search however it is spaced or composed', () => {
    const composed = searchTermsOf('café  lamp')?.fingerprint;
    expect(searchTermsOf('cafe\u0301 lamp')?.fingerprint).toBe(composed);
    expect(searchTermsOf('café lamps')?.fingerprint).not.toBe(composed);
  });
});
