import { DEMO_PRODUCTS } from '@shopmesh/demo-data';

/** One request of a steady load: when it started, its status and how long it took. */
export interface Sample {
  at: number;
  status: number;
  ms: number;
}

/**
 * `workers` loops of `GET /v1/products/:id` through the gateway (demo products in turn) until
 * `stop()`; resolves with every sample. The e2e tests' load for fault and restart scenarios.
 */
export function steadyLoad(gatewayUrl: string, workers = 4): { samples: Sample[]; stop: () => Promise<Sample[]> } {
  const samples: Sample[] = [];
  let running = true;
  const loops = Array.from({ length: workers }, async (_, worker) => {
    for (let i = 0; running; i += 1) {
      const product = DEMO_PRODUCTS[(worker * 7 + i) % DEMO_PRODUCTS.length];
      const started = Date.now();
      const res = await fetch(`${gatewayUrl}/v1/products/${product?.id}`);
      await res.arrayBuffer();
      samples.push({ at: started, status: res.status, ms: Date.now() - started });
    }
  });
  return {
    samples,
    stop: async () => {
      running = false;
      await Promise.all(loops);
      return samples;
    },
  };
}
