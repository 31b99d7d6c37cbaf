import type { Product } from '@shopmesh/contracts';
import type { NewMessage } from '@shopmesh/messaging';
import type { CatalogCache } from './product-cache';
import type { ProductStore, ProductTransaction } from './product.repository';

/**
 * `ProductStore` in memory, for unit specs of the use cases: transactions run one at a time and apply
 * their writes and messages only if the work succeeds. Not for production code.
 */
export class InMemoryProductStore implements ProductStore {
  readonly products = new Map<string, Product>();
  readonly messages: NewMessage[] = [];
  private queue: Promise<unknown> = Promise.resolve();

  transaction<T>(work: (tx: ProductTransaction) => Promise<T>): Promise<T> {
    const run = this.queue.then(() => this.run(work));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async run<T>(work: (tx: ProductTransaction) => Promise<T>): Promise<T> {
    const products = new Map(this.products);
    const messages: NewMessage[] = [];
    const tx: ProductTransaction = {
      findById: (id) => Promise.resolve(products.get(id)),
      insert: (p) => {
        if ([...products.values()].some((x) => x.sku === p.sku)) return Promise.resolve(undefined);
        const at = p.createdAt.toISOString();
        const product: Product = { ...p, active: true, version: 1, createdAt: at, updatedAt: at };
        products.set(p.id, product);
        return Promise.resolve(product);
      },
      updateAtVersion: (id, version, changes) => {
        const current = products.get(id);
        if (current?.version !== version) return Promise.resolve(undefined);
        const defined = Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined));
        const product = { ...current, ...defined, version: version + 1 };
        products.set(id, product);
        return Promise.resolve(product);
      },
      deactivateIfActive: (id) => {
        const current = products.get(id);
        if (!current?.active) return Promise.resolve(undefined);
        const product = { ...current, active: false, version: current.version + 1 };
        products.set(id, product);
        return Promise.resolve(product);
      },
      record: (m) => Promise.resolve(void messages.push(...m)),
    };
    const result = await work(tx);
    this.products.clear();
    for (const [id, p] of products) this.products.set(id, p);
    this.messages.push(...messages);
    return result;
  }

  findById(id: string): Promise<Product | undefined> {
    return Promise.resolve(this.products.get(id));
  }

  findActiveByIds(ids: readonly string[]): Promise<Product[]> {
    return Promise.resolve(ids.flatMap((id) => (this.products.get(id)?.active ? [this.products.get(id) as Product] : [])));
  }

  findSkus(skus: readonly string[]): Promise<Set<string>> {
    return Promise.resolve(new Set([...this.products.values()].map((p) => p.sku).filter((s) => skus.includes(s))));
  }

  findPage(): Promise<never> {
    return Promise.reject(new Error('not in memory'));
  }
}

/** A cache that caches nothing and counts the changes it is told of. */
export class CountingCache implements CatalogCache {
  changes = 0;
  readThrough<T>(_key: string, _ttl: 'product' | 'page', load: () => Promise<T | undefined>): Promise<T | undefined> {
    return load();
  }
  catalogChanged(): Promise<void> {
    this.changes += 1;
    return Promise.resolve();
  }
}

/** A product as catalog would answer it, for specs; fields may be overridden. */
export const aProduct = (overrides: Partial<Product> = {}): Product => ({
  id: '00000000-0000-4000-8000-000000000001',
  sku: 'LAMP-1',
  name: 'Lamp',
  description: '',
  category: 'home',
  price: { amount: 1999, currency: 'EUR' },
  active: true,
  version: 1,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  ...overrides,
});
