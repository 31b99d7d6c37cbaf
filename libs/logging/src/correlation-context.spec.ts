import { CorrelationContext } from './correlation-context';

describe('CorrelationContext', () => {
  it('keeps a well-formed id and replaces anything else', () => {
    expect(CorrelationContext.acceptOrCreate('order-42.retry:1')).toBe('order-42.retry:1');
    for (const bad of ['', 'has space', 'x'.repeat(129), '<script>', undefined, ['a', 'b']]) {
      const id = CorrelationContext.acceptOrCreate(bad);
      expect(id).not.toBe(bad);
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
    }
  });

  it('is visible across awaits inside run, and not outside', async () => {
    expect(CorrelationContext.currentId()).toBeUndefined();
    await CorrelationContext.run('c-1', async () => {
      await new Promise((r) => setTimeout(r, 1));
      expect(CorrelationContext.currentId()).toBe('c-1');
    });
    expect(CorrelationContext.currentId()).toBeUndefined();
  });
});
