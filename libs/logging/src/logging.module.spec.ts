import { Writable } from 'node:stream';
import { pino } from 'pino';
import { CorrelationContext } from './correlation-context';
import { correlationIdMixin } from './logging.module';

describe('correlationIdMixin', () => {
  it('puts the current correlation id on every line, once, and nothing outside any work', () => {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const logger = pino({ mixin: correlationIdMixin }, stream);
    logger.info('outside');
    CorrelationContext.run('corr-9', () => {
      logger.info('inside');
      logger.info({ correlationId: 'corr-9' }, 'given explicitly too');
    });
    const parsed = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(parsed.map((l) => l.correlationId)).toEqual([undefined, 'corr-9', 'corr-9']);
    expect(lines.every((l) => (l.match(/"correlationId"/g) ?? []).length <= 1)).toBe(true);
  });
});
