import { CorrelationContext } from '@shopmesh/logging';
import { EnvelopeSchema, createEnvelope } from './envelope';

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
