/**
 * Keyset pagination cursors, opaque to clients (base64url JSON) and checked on the way in, so a
 * forged one is a 400, not a 500: `newest` pages over (createdAt DESC, id DESC); `rank` pages a
 * search over (rank DESC, createdAt DESC, id DESC) and names the search it belongs to.
 */
export type ProductCursor =
  { kind: 'newest'; createdAt: Date; id: string } | { kind: 'rank'; rank: number; createdAt: Date; id: string; search: string };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const FINGERPRINT = /^[A-Za-z0-9_-]{12}$/;

export function encodeCursor(cursor: ProductCursor): string {
  const at = cursor.createdAt.toISOString();
  const value = cursor.kind === 'newest' ? [at, cursor.id] : [cursor.rank, at, cursor.id, cursor.search];
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** The cursor, or undefined if the text is not one we issued. */
export function decodeCursor(text: string): ProductCursor | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (!Array.isArray(value)) return undefined;
    if (value.length === 2) {
      const [at, id] = value as unknown[];
      const createdAt = dateOf(at);
      return createdAt && isId(id) ? { kind: 'newest', createdAt, id } : undefined;
    }
    if (value.length === 4) {
      const [rank, at, id, search] = value as unknown[];
      const createdAt = dateOf(at);
      const validRank = typeof rank === 'number' && Number.isFinite(rank) && rank >= 0 && rank <= 1e6;
      const validSearch = typeof search === 'string' && FINGERPRINT.test(search);
      return createdAt && isId(id) && validRank && validSearch ? { kind: 'rank', rank, createdAt, id, search } : undefined;
    }
    return undefined;
  } catch {
    return undefined;
  }
}

const isId = (id: unknown): id is string => typeof id === 'string' && UUID.test(id);

function dateOf(at: unknown): Date | undefined {
  if (typeof at !== 'string') return undefined;
  const date = new Date(at);
  return !Number.isNaN(date.getTime()) && date.toISOString() === at ? date : undefined;
}
