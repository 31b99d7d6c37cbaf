import { Partitioners, type Kafka, type Producer } from 'kafkajs';

/** The service's Kafka producers: idempotent, one request in flight (keeps a key's order), no topic auto-creation. */
export const createProducer = (kafka: Kafka): Producer =>
  kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
