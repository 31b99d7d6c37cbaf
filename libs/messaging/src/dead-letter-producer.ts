import type { Producer, ProducerRecord } from 'kafkajs';

/** What a consumer needs to publish its dead letters. */
export interface DeadLetterSender {
  send(record: ProducerRecord): Promise<unknown>;
}

/**
 * The consumers' dead-letter producer: connected on first use (a service never fails to start
 * because Kafka is slow), and renewed after a failed send, as the relay's is: after a broker
 * restart kafkajs can leave an idempotent producer refusing every send. A send that fails throws,
 * so the consumer retries the message instead of committing past a letter that was never written.
 */
export class DeadLetterProducer implements DeadLetterSender {
  private current?: Promise<Producer>;

  constructor(private readonly create: () => Producer) {}

  async send(record: ProducerRecord): Promise<unknown> {
    const connecting = (this.current ??= this.connect());
    const producer = await connecting;
    try {
      return await producer.send(record);
    } catch (error) {
      if (this.current === connecting) this.current = undefined;
      await producer.disconnect().catch(() => undefined);
      throw error;
    }
  }

  /** Disconnects the current producer, if one was connected. */
  async close(): Promise<void> {
    const connecting = this.current;
    this.current = undefined;
    const producer = await connecting?.catch(() => undefined);
    await producer?.disconnect().catch(() => undefined);
  }

  private async connect(): Promise<Producer> {
    const producer = this.create();
    try {
      await producer.connect();
      return producer;
    } catch (error) {
      this.current = undefined;
      throw error;
    }
  }
}
