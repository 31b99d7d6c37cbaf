/**
 * Jest runs suites on several workers at once. Two platforms on one broker would share its topics
 * and consumer groups: one platform's orders would take the other's events. So each worker has a
 * broker of its own: worker 1 the one `infra up` started, worker n a broker on that port
 * + 100 × (n − 1) (its controller one above), which the tests' global setup starts.
 */
export const WORKER_KAFKA_PORT_STEP = 100;

/** The Jest worker this process is (1 outside Jest). */
export function jestWorker(): number {
  const id = Number(process.env.JEST_WORKER_ID ?? 1);
  return Number.isInteger(id) && id > 0 ? id : 1;
}

/**
 * The brokers a worker's suites use, given the configured ones: a single local broker is moved by
 * the worker's step; anything else (a cluster CI was pointed at) is shared as it is.
 */
export function workerKafkaBrokers(brokers: string, worker: number = jestWorker()): string {
  const local = /^(127\.0\.0\.1|localhost):(\d+)$/.exec(brokers.trim());
  if (!local || worker === 1) return brokers;
  return `${local[1]}:${Number(local[2]) + WORKER_KAFKA_PORT_STEP * (worker - 1)}`;
}
