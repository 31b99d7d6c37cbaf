/**
 * A deterministic demo catalogue from word lists: the same products (ids, SKUs, names, prices) on
 * every run and every machine, so seeding is idempotent and tests can name products.
 */
export interface DemoProduct {
  id: string;
  sku: string;
  name: string;
  description: string;
  category: string;
  /** EUR minor units. */
  priceAmount: number;
  priceCurrency: 'EUR';
}

interface CategorySpec {
  category: string;
  skuPrefix: string;
  brands: readonly string[];
  adjectives: readonly string[];
  nouns: readonly string[];
  features: readonly string[];
  /** Price range in whole euros. */
  euros: readonly [number, number];
}

const CATEGORIES: readonly CategorySpec[] = [
  {
    category: 'electronics',
    skuPrefix: 'ELE',
    brands: ['Voltera', 'Nordlicht', 'Kestrel', 'Lumio', 'Arcwave'],
    adjectives: ['Wireless', 'Compact', 'Pro', 'Ultra-Slim', 'Noise-Cancelling', 'Smart'],
    nouns: ['Headphones', 'Keyboard', 'Mouse', 'Webcam', 'Speaker', 'USB-C Dock', 'Monitor', 'Power Bank'],
    features: ['USB-C charging', '30 h battery', 'Bluetooth 5.3', '2-year warranty', 'aluminium housing', 'low-latency mode'],
    euros: [19, 449],
  },
  {
    category: 'books',
    skuPrefix: 'BOO',
    brands: ['Atlas Press', 'Quarto', 'Heron Books', 'Lindenhaus'],
    adjectives: ['Practical', 'Illustrated', 'Complete', 'Essential', 'Pocket'],
    nouns: [
      'Guide to Sourdough',
      'Atlas of Europe',
      'Field Guide to Birds',
      'Cookbook',
      'History of Design',
      'Handbook of Typography',
    ],
    features: ['hardcover', 'paperback', '320 pages', 'second edition', 'with colour plates', 'indexed'],
    euros: [9, 59],
  },
  {
    category: 'home',
    skuPrefix: 'HOM',
    brands: ['Hygge & Co', 'Casa Verde', 'Oakridge', 'Maison Blanc', 'Fjord'],
    adjectives: ['Ceramic', 'Cast Iron', 'Linen', 'Oak', 'Stainless Steel', 'Glass'],
    nouns: ['Skillet', 'French Press', 'Desk Lamp', 'Serving Bowl', 'Throw Blanket', 'Kettle', 'Cutting Board'],
    features: ['dishwasher safe', 'handmade', 'FSC-certified wood', '1 l capacity', 'oven safe to 250 °C', 'dimmable'],
    euros: [12, 189],
  },
  {
    category: 'apparel',
    skuPrefix: 'APP',
    brands: ['Merino Mills', 'Northwind', 'Atelier Sud', 'Grau'],
    adjectives: ['Merino', 'Organic Cotton', 'Waterproof', 'Heavyweight', 'Packable', 'Slim-Fit'],
    nouns: ['T-Shirt', 'Hoodie', 'Rain Jacket', 'Chinos', 'Beanie', 'Socks (3 pairs)', 'Overshirt'],
    features: ['150 g/m²', 'machine washable', 'recycled fibres', 'unisex sizing', 'made in Portugal', 'taped seams'],
    euros: [15, 249],
  },
  {
    category: 'outdoors',
    skuPrefix: 'OUT',
    brands: ['Alpenglow', 'Trailhead', 'Sierra Nord', 'Basecamp'],
    adjectives: ['Ultralight', 'Insulated', 'Rechargeable', 'Foldable', 'Trail'],
    nouns: ['Backpack 28 l', 'Bottle 750 ml', 'Headlamp', 'Camping Stove', 'Tent 2P', 'Sleeping Mat', 'Trekking Poles'],
    features: ['400 lumens', 'keeps cold 24 h', 'weighs 1.2 kg', 'piezo ignition', 'IPX6', 'lifetime repair service'],
    euros: [14, 399],
  },
  {
    category: 'toys',
    skuPrefix: 'TOY',
    brands: ['Kubus', 'Little Fox', 'Bricktown', 'Wonderwood'],
    adjectives: ['Wooden', 'Magnetic', 'Musical', 'Plush', 'Build-Your-Own'],
    nouns: ['Train Set', 'Puzzle (500 pieces)', 'Building Blocks', 'Marble Run', 'Teddy Bear', 'Kite'],
    features: ['ages 3+', 'ages 8+', 'non-toxic paint', 'CE marked', 'no batteries needed', 'storage bag included'],
    euros: [8, 129],
  },
  {
    category: 'sports',
    skuPrefix: 'SPO',
    brands: ['Pulse', 'Velocita', 'Strongfield', 'Aqualine'],
    adjectives: ['Adjustable', 'Non-Slip', 'Carbon', 'Foam', 'Pro'],
    nouns: ['Yoga Mat', 'Dumbbell Set', 'Running Shoes', 'Cycling Helmet', 'Jump Rope', 'Swim Goggles', 'Foam Roller'],
    features: ['6 mm thick', '2–24 kg', 'neutral cushioning', 'MIPS', 'anti-fog', 'carry strap'],
    euros: [9, 299],
  },
  {
    category: 'beauty',
    skuPrefix: 'BEA',
    brands: ['Botanica', 'Lumen Skin', 'Savon du Midi', 'Nordic Leaf'],
    adjectives: ['Hydrating', 'Unscented', 'Vegan', 'Rose', 'Charcoal'],
    nouns: ['Face Cream 50 ml', 'Shampoo Bar', 'Hand Soap', 'Lip Balm', 'Body Oil', 'Shaving Kit'],
    features: ['dermatologically tested', 'plastic-free packaging', 'for sensitive skin', 'refillable', 'cold-pressed oils'],
    euros: [4, 69],
  },
];

const PER_CATEGORY = 38; // 8 × 38 = 304 products

/** mulberry32: a small PRNG, seeded, the same on every platform. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const pick = <T>(next: () => number, items: readonly T[]): T => items[Math.floor(next() * items.length)];

/** A shop price: whole euros ending in .99 (or .90 on large amounts). */
function priceOf(next: () => number, [min, max]: readonly [number, number]): number {
  const euros = Math.floor(min + (max - min) * next() ** 2); // more cheap items than dear ones
  return euros >= 100 ? euros * 100 + 90 : euros * 100 + 99;
}

function generate(): DemoProduct[] {
  const next = random(0x5eed);
  const products: DemoProduct[] = [];
  for (let n = 0; n < PER_CATEGORY; n += 1) {
    for (const spec of CATEGORIES) {
      const taken = new Set(products.map((p) => p.name));
      let [brand, item, name] = ['', '', ''];
      do {
        brand = pick(next, spec.brands);
        item = `${pick(next, spec.adjectives)} ${pick(next, spec.nouns)}`;
        name = `${brand} ${item}`;
      } while (taken.has(name));
      const [first, second] = [pick(next, spec.features), pick(next, spec.features)];
      const features = first === second ? first : `${first}, ${second}`;
      const index = products.length + 1;
      products.push({
        // 9000: not the 8000 ids of the 25 products earlier versions seeded, which a development database may still hold
        id: `00000000-0000-4000-9000-${String(index).padStart(12, '0')}`,
        sku: `${spec.skuPrefix}-${String(n + 1).padStart(4, '0')}`,
        name,
        description: `${item} by ${brand}: ${features}.`,
        category: spec.category,
        priceAmount: priceOf(next, spec.euros),
        priceCurrency: 'EUR',
      });
    }
  }
  return products;
}

/** The demo catalogue, oldest first (the seed gives each a created_at one minute after the previous). */
export const DEMO_PRODUCTS: readonly DemoProduct[] = generate();
