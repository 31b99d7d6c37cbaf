import type { RelayOptions } from './outbox-relay';

export interface MessagingOptions {
  /** Service name: Kafka client id, and prefix of its consumer groups. */
  service: string;
  brokers: string[];
  relay: RelayOptions;
  consumer: { maxAttempts: number; minBackoffMs: number; maxBackoffMs: number };
}
