/** Keyset cursor of `orders.list`: (createdAt DESC, id DESC), opaque to clients (base64url JSON), checked on the way in. */
export interface OrderCursor {
  createdAt: Date;
  id: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const encodeOrderCursor = (cursor: OrderCursor): string =>
  Buffer.from(JSON.stringify([cursor.createdAt.toISOString(), cursor.id])).toString('base64url');

/** The cursor, or undefined if the text is not one this service issued. */
export function decodeOrderCursor(text: string): OrderCursor | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (!Array.isArray(value) || value.length !== 2) return undefined;
    const [at, id] = value as unknown[];
    if (typeof at !== 'string' || typeof id !== 'string' || !UUID.test(id)) return undefined;
    const createdAt = new Date(at);
    return !Number.isNaN(createdAt.getTime()) && createdAt.toISOString() === at ? { createdAt, id } : undefined;
  } catch {
    return undefined;
  }
}
