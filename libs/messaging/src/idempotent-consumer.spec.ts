import { EventEmitter } from 'node:events';
import type { Kafka, Producer } from 'kafkajs';
import type { DataSource } from 'typeorm';
import { IdempotentConsumer } from './idempotent-consumer';

/** A stand-in for a kafkajs consumer: records calls and lets the test fire its events. */
class FakeKafkaConsumer extends EventEmitter {
  readonly events = { GROUP_JOIN: 'consumer.group_join', CRASH: 'consumer.crash' };
  connects = 0;
  disconnects = 0;
  connect = () => Promise.resolve(void (this.connects += 1));
  subscribe = () => Promise.resolve();
  run = () => Promise.resolve(void this.emit(this.events.GROUP_JOIN, {}));
  disconnect = () => Promise.resolve(void (this.disconnects += 1));
}

describe(IdempotentConsumer.name, () => {
  const created: FakeKafkaConsumer[] = [];
  const kafka = { consumer: () => (created.push(new FakeKafkaConsumer()), created.at(-1)) } as unknown as Kafka;
  const logs: string[] = [];

  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  const newSut = () =>
    new IdempotentConsumer(
      kafka,
      {} as Producer,
      {} as DataSource,
      { name: 'svc.test', topics: ['t'], handler: () => Promise.resolve(), maxAttempts: 3, minBackoffMs: 1, maxBackoffMs: 2 },
      (_level, message) => logs.push(message),
    );

  it('is running once it has joined its group', async () => {
    const sut = newSut();
    await sut.start();
    expect(sut.state).toBe('running');
  });

  it('reports a crash the client will not recover from, and restarts the consumer itself', async () => {
    const sut = newSut();
    await sut.start();
    const first = created.at(-1) as FakeKafkaConsumer;
    first.emit(first.events.CRASH, { payload: { error: new Error('boom'), restart: false } });
    expect(sut.state).toBe('crashed');
    expect(logs.at(-1)).toMatch(/crashed; restarting it/);

    await jest.advanceTimersByTimeAsync(1000);
    expect(first.disconnects).toBe(1);
    const second = created.at(-1) as FakeKafkaConsumer;
    expect(second).not.toBe(first);
    expect(second.connects).toBe(1);
    expect(sut.state).toBe('running');
  });

  it('leaves a crash the client restarts by itself to the client', async () => {
    const sut = newSut();
    await sut.start();
    const count = created.length;
    const consumer = created.at(-1) as FakeKafkaConsumer;
    consumer.emit(consumer.events.CRASH, { payload: { error: new Error('transient'), restart: true } });
    expect(sut.state).toBe('crashed');
    await jest.advanceTimersByTimeAsync(5000);
    expect(created.length).toBe(count);
  });

  it('is not restarted after it was stopped', async () => {
    const sut = newSut();
    await sut.start();
    const consumer = created.at(-1) as FakeKafkaConsumer;
    await sut.stop();
    consumer.emit(consumer.events.CRASH, { payload: { error: new Error('late'), restart: false } });
    const count = created.length;
    await jest.advanceTimersByTimeAsync(5000);
    expect(created.length).toBe(count);
    expect(sut.state).toBe('crashed');
  });
});
