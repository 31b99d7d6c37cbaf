import type { LoadHttp } from './load-http';

export interface CatalogProduct {
  id: string;
  name: string;
  category: string;
  price: { amount: number; currency: string };
}

/** What the shoppers browse and buy: the gateway's active products, their categories and words to search. */
export interface Catalog {
  products: CatalogProduct[];
  categories: string[];
  searchWords: string[];
}

interface Page {
  items: CatalogProduct[];
  nextCursor: string | null;
}

/** Reads up to `maxPages` pages of 100 active products (the demo catalogue has 304) through the gateway. */
export async function discoverCatalog(http: LoadHttp, maxPages = 4): Promise<Catalog> {
  const products: CatalogProduct[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < maxPages; page += 1) {
    const path = `/v1/products?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const res = await http.call({ session: -2, scenario: 'setup', step: 'catalog' }, 'GET', '/v1/products', path);
    if (res.status !== 200) throw new Error(`reading the catalogue: GET ${path} answered ${res.status} ${res.record.code ?? ''}`);
    const body = res.body as Page;
    products.push(...body.items);
    cursor = body.nextCursor;
    if (!cursor) break;
  }
  return catalogOf(products);
}

/** The catalogue of a list of products: one currency (a cart holds one), categories and search words from their names. */
export function catalogOf(all: readonly CatalogProduct[]): Catalog {
  const currency = all[0]?.price.currency;
  const products = all.filter((p) => p.price.currency === currency);
  if (products.length === 0) throw new Error('the catalogue has no products to shop for');
  const words = new Set<string>();
  for (const p of products)
    for (const w of p.name.toLowerCase().split(/[^\p{L}\p{N}]+/u)) if (w.length >= 4 && words.size < 60) words.add(w);
  return {
    products,
    categories: [...new Set(products.map((p) => p.category))].sort(),
    searchWords: [...words],
  };
}
