import { parseKinds } from './cli';

describe('npm run chaos flags', () => {
  it('reads --kinds, refusing an unknown kind and an empty list', () => {
    expect(parseKinds(undefined)).toBeUndefined();
    expect(parseKinds('kill, pause,poison')).toEqual(['kill', 'pause', 'poison']);
    expect(() => parseKinds('kill,reboot')).toThrow('--kinds: unknown kind(s) reboot');
    expect(() => parseKinds(',')).toThrow('--kinds: unknown kind(s) (none given)');
  });
});
