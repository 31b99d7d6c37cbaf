import type { Product } from '@shopmesh/contracts';

/** Why a change was refused: an expected outcome, told to the caller with a stable code. */
export type ProductRefusal = 'NOT_FOUND' | 'SKU_TAKEN' | 'VERSION_CONFLICT';

/** The outcome of a change; `changed` is false when it was a no-op (nothing stored, nothing published). */
export type ProductChange = { ok: true; product: Product; changed: boolean } | { ok: false; reason: ProductRefusal };

/** Fields an update may change (`undefined`: left as is). */
export interface ProductChanges {
  name?: string;
  description?: string;
  category?: string;
  price?: Product['price'];
}
