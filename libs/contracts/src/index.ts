export { KAFKA_TOPICS, ALL_KAFKA_TOPICS, deadLetterTopic, type KafkaTopic } from './kafka-topics';
export { ERROR_STATUS, isErrorCode, type ErrorCode, type ErrorPayload, type FieldError } from './error-codes';
export { MoneySchema, type Money } from './money';
export * from './catalog/product.contract';
export * from './events';
export * from './identity/schemas';
