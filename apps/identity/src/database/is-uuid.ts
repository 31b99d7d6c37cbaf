const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True if `value` is a UUID; anything else would make Postgres fail the query rather than find nothing. */
export const isUuid = (value: string): boolean => UUID.test(value);
