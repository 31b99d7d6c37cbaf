import type { RelayOptions } from './outbox-relay';

export interface MessagingOptions {
  /** Service name: Kafka client id, and prefix of its consumer groups. */
  service: string;
  brokers: string[];
  /** Transactional outbox and relay (needs the service's data source); default true. */
  outbox?: boolean;
  relay: RelayOptions;
  consumer: { maxAttempts: number; minBackoffMs: number; maxBackoffMs: number; sessionTimeoutMs?: number; maxBatchSize?: number };
}
