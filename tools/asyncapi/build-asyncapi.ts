import { z } from 'zod';
// Relative on purpose: run by tsx and by Jest alike, without depending on module mapping.
// eslint-disable-next-line no-restricted-imports
import { KAFKA_TOPICS, MESSAGE_CATALOGUE, type MessageDefinition } from '../../libs/contracts/src';

type Json = Record<string, unknown>;

const messageId = (m: MessageDefinition): string => `${m.type}.v${m.version}`;

function envelopeSchema(m: MessageDefinition): Json {
  return {
    type: 'object',
    additionalProperties: false,
    required: ['id', 'type', 'version', 'occurredAt', 'aggregateId', 'correlationId', 'causationId', 'payload'],
    properties: {
      id: { type: 'string', format: 'uuid', description: 'Unique message id; consumers deduplicate on it.' },
      type: { const: m.type },
      version: { const: m.version },
      occurredAt: { type: 'string', format: 'date-time' },
      aggregateId: { type: 'string', description: `The ${m.key}; also the Kafka key.` },
      correlationId: { type: 'string' },
      causationId: { type: ['string', 'null'], description: 'Id of the message that caused this one.' },
      payload: z.toJSONSchema(m.payload, { target: 'draft-7' }),
    },
  };
}

/**
 * The AsyncAPI 3.0 document of every topic, key and message ShopMesh publishes, built from the
 * contract types. `docs/asyncapi.json` is this document; a test fails when they differ.
 */
export function buildAsyncApiDocument(): Json {
  const channels: Json = {};
  const operations: Json = {};
  const messages: Json = {};
  for (const topic of KAFKA_TOPICS) {
    const ofTopic = MESSAGE_CATALOGUE.filter((m) => m.topic === topic);
    const channelId = topic.replace('.', '_');
    channels[channelId] = {
      address: topic,
      description: `Dead letters of this topic go to \`${topic}.dlq\` with headers x-dlq-error, x-dlq-attempts and the original headers.`,
      messages: Object.fromEntries(ofTopic.map((m) => [messageId(m), { $ref: `#/components/messages/${messageId(m)}` }])),
      bindings: { kafka: { partitions: 3, replicas: 1, topicConfiguration: { 'cleanup.policy': ['delete'] } } },
    };
    operations[`publish_${channelId}`] = {
      action: 'send',
      channel: { $ref: `#/channels/${channelId}` },
      messages: ofTopic.map((m) => ({ $ref: `#/channels/${channelId}/messages/${messageId(m)}` })),
    };
    for (const m of ofTopic) {
      messages[messageId(m)] = {
        name: m.type,
        title: `${m.type} v${m.version}`,
        summary: m.summary,
        contentType: 'application/json',
        headers: {
          type: 'object',
          properties: {
            'x-correlation-id': { type: 'string' },
            'x-message-type': { const: `${m.type}.v${m.version}` },
            traceparent: {
              type: 'string',
              pattern: '^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$',
              description:
                "W3C trace context of the producer's send span (OpenTelemetry messaging conventions): the span that sent this message, a child of the request or message that wrote it to the outbox. Present only when that work was traced (TRACING_EXPORTER is not none); a consumer's process span is its child.",
            },
            tracestate: { type: 'string', description: 'W3C trace state, when the trace carries one.' },
          },
          required: ['x-correlation-id', 'x-message-type'],
        },
        payload: envelopeSchema(m),
        bindings: { kafka: { key: { type: 'string', description: `The ${m.key}.` } } },
      };
    }
  }
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'ShopMesh events and commands',
      version: '1.0.0',
      description:
        'Every Kafka message ShopMesh publishes. Messages are versioned by type + version; a change is compatible (optional fields added) or a new version published side by side. The Kafka key is the aggregate id, so one aggregate stays in order.',
    },
    defaultContentType: 'application/json',
    servers: { local: { host: '127.0.0.1:9092', protocol: 'kafka', description: 'npm run infra:up' } },
    channels,
    operations,
    components: { messages },
  };
}
