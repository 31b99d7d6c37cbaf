import { CorrelationContext } from '@shopmesh/logging';
import { EnvelopeSchema, createEnvelope, traceparentOf } from './envelope';

describe(createEnvelope.name, () => {
  it('builds a valid envelope in the current correlation context', () => {
    const sut = CorrelationContext.run('corr-1', () =>
      createEnvelope({ topic: 't', type: 'X', version: 2, aggregateId: 'a-1', payload: { n: 1 } }),
    );
    expect(EnvelopeSchema.parse(sut)).toEqual(sut);
    expect(sut).toMatchObject({
      type: 'X',
      version: 2,
      aggregateId: 'a-1',
      correlationId: 'corr-1',
      causationId: null,
      payload: { n: 1 },
    });
  });

  it('rejects an envelope with unknown fields or a missing id', () => {
    const valid = createEnvelope({ topic: 't', type: 'X', version: 1, aggregateId: 'a', payload: {} });
    expect(EnvelopeSchema.safeParse({ ...valid, extra: 1 }).success).toBe(false);
    const { id: _id, ...withoutId } = valid;
    expect(EnvelopeSchema.safeParse(withoutId).success).toBe(false);
  });
});

describe(traceparentOf.name, () => {
  it('uses a UUID correlation id as the trace id, with a fresh span id', () => {
    const a = traceparentOf('4bf92f35-77b3-4da6-a3ce-929d0e0e4736');
    const b = traceparentOf('4bf92f35-77b3-4da6-a3ce-929d0e0e4736');
    expect(a).toMatch(/^00-4bf92f3577b34da6a3ce929d0e0e4736-[0-9a-f]{16}-01$/);
    expect(a.split('-')[2]).not.toBe(b.split('-')[2]);
  });

  it('derives a valid trace id from any other correlation id', () => {
    expect(traceparentOf('order-42')).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
  });
});
