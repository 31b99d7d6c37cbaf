import type { z } from 'zod';

/** Refuses text holding a NUL character (Postgres cannot store it; it hides payloads in logs). */
export const noNul = <T extends z.ZodType<string>>(schema: T) =>
  schema.refine((v) => !v.includes('\u0000'), { error: 'must not contain NUL characters' });
