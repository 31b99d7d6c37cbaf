export interface HealthOptions {
  /** Service name (used as the Kafka client id of the check). */
  service: string;
  /** Check the app's TypeORM data source. */
  postgres?: boolean;
  /** Check Redis at this URL. */
  redisUrl?: string;
  /** Check Kafka at these brokers. */
  kafkaBrokers?: string[];
  /** Check every RPC target the app calls (`ops.ping`). */
  rpcTargets?: boolean;
  /** Deadline of each check. */
  timeoutMs: number;
}
