export { TcpProxy } from './tcp-proxy';
export { freePort, isPortFree } from './free-port';
export { waitUntil } from './wait-until';
export { testEnv, REPO_ROOT } from './test-env';
export { createTestDatabase, dropTestDatabase, pgConnectionOf, type PgConnection } from './test-database';
export { AppProcess } from './app-process';
export { createTestCertificates, type CertificateSet } from './test-certificates';
export { parseSse, readSse, type SseEvent, type SseRead } from './sse-client';
export { WORKER_KAFKA_PORT_STEP, jestWorker, workerKafkaBrokers } from './worker-kafka';
