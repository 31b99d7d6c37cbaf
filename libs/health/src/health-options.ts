export interface HealthOptions {
  /** Service name (used as the Kafka client id of the check). */
  service: string;
  /** Check the app's TypeORM data source. */
  postgres?: boolean;
  /**
   * Check Redis at this URL. `optional`: the app keeps serving without it (a cache), so Redis
   * down is reported `degraded` and readiness stays 200.
   */
  redis?: { url: string; optional?: boolean };
  /** Check Kafka at these brokers. */
  kafkaBrokers?: string[];
  /** Deadline of each check. */
  timeoutMs: number;
}
