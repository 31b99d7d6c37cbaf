/** One copy of the private broker, shared with the benchmarks (`tools/infra/private-kafka.ts`). */
export { PrivateKafka } from '../../tools/infra/private-kafka';
