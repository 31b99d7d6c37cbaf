/** Demo catalogue: stable ids and SKUs, so seeding is idempotent and tests can name products. */
export interface DemoProduct {
  id: string;
  sku: string;
  name: string;
  description: string;
  category: string;
  priceAmount: number;
  priceCurrency: string;
}

const items: Array<[string, string, string, number]> = [
  ['books', 'The Pragmatic Programmer', 'Journey to mastery, 20th anniversary edition', 4299],
  ['books', 'Designing Data-Intensive Applications', 'The big ideas behind reliable, scalable systems', 4999],
  ['books', 'Release It!', 'Design and deploy production-ready software', 3899],
  ['books', 'Domain-Driven Design', 'Tackling complexity in the heart of software', 5499],
  ['books', 'Enterprise Integration Patterns', 'Designing, building and deploying messaging solutions', 5999],
  ['books', 'Microservices Patterns', 'With examples in Java', 4499],
  ['electronics', 'Mechanical Keyboard', 'Hot-swappable switches, 75% layout', 12900],
  ['electronics', 'USB-C Dock', '10 ports, 100 W power delivery', 18900],
  ['electronics', '27" 4K Monitor', 'IPS panel, USB-C input', 39900],
  ['electronics', 'Noise-Cancelling Headphones', 'Over-ear, 30 h battery', 29900],
  ['electronics', 'Webcam 1080p', 'Autofocus, dual microphones', 7900],
  ['electronics', 'Wireless Mouse', 'Ergonomic, silent clicks', 3900],
  ['home', 'Pour-Over Coffee Set', 'Glass dripper, server and filters', 3499],
  ['home', 'Cast Iron Skillet', '26 cm, pre-seasoned', 4599],
  ['home', 'Desk Lamp', 'Dimmable LED, adjustable arm', 5900],
  ['home', 'Standing Desk Mat', 'Anti-fatigue, 90 x 50 cm', 6900],
  ['home', 'French Press', '1 l, stainless steel', 2999],
  ['apparel', 'Merino T-Shirt', 'Crew neck, 150 g/m²', 6500],
  ['apparel', 'Hoodie', 'Organic cotton, heavyweight', 7900],
  ['apparel', 'Running Shoes', 'Neutral cushioning', 13900],
  ['apparel', 'Rain Jacket', 'Waterproof, packable', 15900],
  ['outdoors', 'Trail Backpack 28 l', 'Ventilated back panel', 11900],
  ['outdoors', 'Insulated Bottle', '750 ml, keeps cold 24 h', 3299],
  ['outdoors', 'Headlamp', '400 lumens, rechargeable', 4499],
  ['outdoors', 'Camping Stove', 'Compact, piezo ignition', 5999],
];

export const DEMO_PRODUCTS: readonly DemoProduct[] = items.map(([category, name, description, priceAmount], i) => {
  const n = String(i + 1).padStart(3, '0');
  return {
    id: `00000000-0000-4000-8000-000000000${n}`,
    sku: `${category.slice(0, 3).toUpperCase()}-${n}`,
    name,
    description,
    category,
    priceAmount,
    priceCurrency: 'EUR',
  };
});
