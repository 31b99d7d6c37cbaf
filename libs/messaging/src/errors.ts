/**
 * A failure that retrying cannot fix (malformed payload, a rule the message breaks): the message
 * goes to the dead-letter topic at once instead of after the bounded retries.
 */
export class NonRetriableError extends Error {
  override readonly name = 'NonRetriableError';
}
