import { z } from 'zod';

export const PAGE_LIMIT_DEFAULT = 20;
export const PAGE_LIMIT_MAX = 100;

const LIMIT_EXPECTED = `expected an integer between 1 and ${PAGE_LIMIT_MAX}`;

/** `?limit=`: 1 to 100, default 20; anything else is refused with a message saying so. */
export const pageLimit = () =>
  z.coerce
    .number({ error: LIMIT_EXPECTED })
    .int({ error: LIMIT_EXPECTED })
    .min(1, { error: LIMIT_EXPECTED })
    .max(PAGE_LIMIT_MAX, { error: LIMIT_EXPECTED })
    .default(PAGE_LIMIT_DEFAULT);

/** `?cursor=`: opaque, as returned in `nextCursor`. */
export const pageCursor = () =>
  z
    .string({ error: 'expected a cursor returned by this API' })
    .min(1, { error: 'expected a cursor returned by this API (omit it for the first page)' })
    .max(512, { error: 'expected a cursor returned by this API' });

/** A page of a cursor-paginated list: `{items, nextCursor}` (`null` on the last page). */
export const pageOf = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item), nextCursor: z.string().nullable() });

export type Page<T> = { items: T[]; nextCursor: string | null };
