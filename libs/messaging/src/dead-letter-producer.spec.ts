import type { Producer, ProducerRecord } from 'kafkajs';
import { DeadLetterProducer } from './dead-letter-producer';

/** A stand-in for a kafkajs producer: counts connects, fails the sends it is told to. */
function fakeProducer(log: string[], failSends: number): Producer {
  let failures = failSends;
  let connected = false;
  return {
    connect: () => {
      log.push('connect');
      connected = true;
      return Promise.resolve();
    },
    disconnect: () => {
      log.push('disconnect');
      connected = false;
      return Promise.resolve();
    },
    send: (record: ProducerRecord) => {
      if (!connected) return Promise.reject(new Error('The producer is disconnected'));
      if (failures-- > 0) return Promise.reject(new Error('OUT_OF_ORDER_SEQUENCE_NUMBER'));
      log.push(`send ${record.topic}`);
      return Promise.resolve([]);
    },
  } as unknown as Producer;
}

describe(DeadLetterProducer.name, () => {
  const record: ProducerRecord = { topic: 'catalog.events.dlq', messages: [{ value: 'x' }] };

  it('connects on the first send, once', async () => {
    const log: string[] = [];
    const sut = new DeadLetterProducer(() => fakeProducer(log, 0));
    await sut.send(record);
    await sut.send(record);
    expect(log).toEqual(['connect', 'send catalog.events.dlq', 'send catalog.events.dlq']);
  });

  it('throws a failed send and renews the producer for the next one', async () => {
    const log: string[] = [];
    const made: number[] = [];
    const sut = new DeadLetterProducer(() => fakeProducer(log, made.push(1) === 1 ? 1 : 0));
    await expect(sut.send(record)).rejects.toThrow('OUT_OF_ORDER_SEQUENCE_NUMBER');
    await sut.send(record);
    expect(log).toEqual(['connect', 'disconnect', 'connect', 'send catalog.events.dlq']);
  });

  it('disconnects at close, and is fine closed unused', async () => {
    const log: string[] = [];
    await new DeadLetterProducer(() => fakeProducer(log, 0)).close();
    const sut = new DeadLetterProducer(() => fakeProducer(log, 0));
    await sut.send(record);
    await sut.close();
    expect(log).toEqual(['connect', 'send catalog.events.dlq', 'disconnect']);
  });
});
