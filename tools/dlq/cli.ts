import { listDeadLetters, redriveDeadLetters } from '@shopmesh/messaging';
import { Kafka, logLevel } from 'kafkajs';
import { loadInfraConfig } from '../infra/infra-config';

const USAGE = 'usage: npm run dlq -- list <topic> | redrive <topic>   (<topic> is the original topic, e.g. catalog.events)';

/** Operator tool for dead letters: inspect `<topic>.dlq`, or re-publish its messages to `<topic>`. */
async function main(command: string, topic: string | undefined): Promise<void> {
  if (!topic || topic.endsWith('.dlq')) throw new Error(USAGE);
  const kafka = new Kafka({ clientId: 'shopmesh-dlq', brokers: loadInfraConfig().kafka.brokers, logLevel: logLevel.NOTHING });
  switch (command) {
    case 'list': {
      const letters = await listDeadLetters(kafka, topic);
      for (const l of letters) {
        process.stdout.write(
          `${JSON.stringify({ partition: l.partition, offset: l.offset, key: l.key, error: l.headers['x-dlq-error'], attempts: l.headers['x-dlq-attempts'], consumer: l.headers['x-dlq-consumer'], failedAt: l.headers['x-dlq-failed-at'], from: `${l.headers['x-dlq-original-topic']}/${l.headers['x-dlq-original-partition']}@${l.headers['x-dlq-original-offset']}`, value: l.value })}\n`,
        );
      }
      process.stderr.write(`${letters.length} dead letter(s) in ${topic}.dlq\n`);
      return;
    }
    case 'redrive': {
      const count = await redriveDeadLetters(kafka, topic);
      process.stderr.write(`re-published ${count} dead letter(s) from ${topic}.dlq to ${topic}\n`);
      return;
    }
    default:
      throw new Error(USAGE);
  }
}

main(process.argv[2] ?? '', process.argv[3]).catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
