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

/** A stand-in for the kafkajs admin: the group's committed offsets (-1: none) and the ends of partitions 0 and 1. */
class FakeAdmin {
  committed = [{ topic: 't', partitions: [{ partition: 0, offset: '7' }] }];
  set: unknown[] = [];
  connect = () => Promise.resolve();
  disconnect = () => Promise.resolve();
  fetchOffsets = () => Promise.resolve(this.committed);
  fetchTopicOffsets = () =>
    Promise.resolve([
      { partition: 0, offset: '9', high: '9', low: '0' },
      { partition: 1, offset: '4', high: '4', low: '0' },
    ]);
  setOffsets = (request: unknown) => Promise.resolve(void this.set.push(request));
}

describe(IdempotentConsumer.name, () => {
  const created: FakeKafkaConsumer[] = [];
  let admin = new FakeAdmin();
  const kafka = {
    consumer: () => (created.push(new FakeKafkaConsumer()), created.at(-1)),
    admin: () => admin,
  } as unknown as Kafka;
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

  it('starting at the end, first commits the end of each partition the group has no offset for', async () => {
    admin = new FakeAdmin();
    admin.committed = [
      {
        topic: 't',
        partitions: [
          { partition: 0, offset: '7' },
          { partition: 1, offset: '-1' },
        ],
      },
    ];
    await newSut().start();
    expect(admin.set).toEqual([{ groupId: 'svc.test', topic: 't', partitions: [{ partition: 1, offset: '4' }] }]);
    admin = new FakeAdmin();
    await newSut().start();
    expect(admin.set).toEqual([]); // every partition has an offset: nothing to pin
  });

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
