import { z } from 'zod';

/** Money: an integer amount in minor units and an ISO 4217 currency code. Never floating point. */
export const MoneySchema = z
  .object({
    amount: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
    currency: z.string().regex(/^[A-Z]{3}$/, { error: 'expected an ISO 4217 currency code such as EUR' }),
  })
  .strict();

export type Money = z.infer<typeof MoneySchema>;
