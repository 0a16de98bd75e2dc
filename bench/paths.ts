/**
 * pathsFromJson against JSON.parse of the same text, measured side by side in one process.
 *
 * For 1 KB, 1 MB and 10 MB order-event examples (plus a dense worst case) it prints the median time of each and their ratio. Targets:
 * ratio ≤ 3 at every size, and linear growth (the 10 MB ratio within 1.5× of the 1 MB ratio).
 * Run: npm run bench:paths
 */
import { pathsFromJson } from 'hookflow';
import { median } from './stats.mjs';

/** An order event shaped like what shops and payment providers send (ids, URLs, text, nesting). */
function orderEvent(i: number) {
  const address = {
    name: `Customer ${i}`,
    line1: `${i} Example Street`,
    city: 'Utrecht',
    postal_code: '3511 AB',
    country: 'NL',
  };
  return {
    id: `evt_${(1e9 + i).toString(36)}`,
    type: 'order.paid',
    created_at: '2026-11-22T10:55:00Z',
    livemode: false,
    data: {
      order: {
        id: 100_000 + i,
        number: `#${5000 + i}`,
        admin_url: `https://shop.example.com/admin/orders/${100_000 + i}`,
        currency: 'EUR',
        total_price: (19.99 + i).toFixed(2),
        note: 'Please leave the parcel with the neighbours if nobody is home.',
        tags: ['web', 'first-order'],
        customer: {
          id: 7_000 + i,
          email: `customer${i}@example.com`,
          accepts_marketing: i % 2 === 0,
        },
        billing_address: address,
        shipping_address: address,
        line_items: [
          { sku: `SKU-${i}-A`, title: 'Ceramic mug, 350 ml', quantity: 2, price: '12.50' },
          { sku: `SKU-${i}-B`, title: 'Espresso beans, 1 kg', quantity: 1, price: '24.00' },
        ],
      },
    },
  };
}

/** Dense, tiny leaves: the worst case for the walk relative to parsing (about 12 bytes a path). */
function denseItem(i: number) {
  return { id: i, a: i % 2 === 0, t: ['x', 'y'], p: { v: i, c: 'E' }, n: null };
}

function example(targetBytes: number, make: (i: number) => unknown): string {
  const perItem = JSON.stringify(make(100_000)).length + 1;
  const count = Math.max(1, Math.round(targetBytes / perItem));
  return JSON.stringify(Array.from({ length: count }, (_, i) => make(i)));
}

const collect = (globalThis as { gc?: () => void }).gc;
if (!collect)
  console.warn('run with node --expose-gc for stable figures (npm run bench:paths does)');

/**
 * Runs `fn` `loops` times and returns the time per call in ms. Each sample starts from a collected
 * heap, so that neither side pays for the garbage the other left; collections caused by the
 * sample's own allocations are still timed.
 */
function time(fn: () => unknown, loops: number): number {
  collect?.();
  const start = performance.now();
  for (let i = 0; i < loops; i++) fn();
  return (performance.now() - start) / loops;
}

const sizes = [
  { label: '1 KB', bytes: 1024, loops: 2000, rounds: 21, make: orderEvent },
  { label: '1 MB', bytes: 1024 * 1024, loops: 3, rounds: 15, make: orderEvent },
  { label: '10 MB', bytes: 10 * 1024 * 1024, loops: 1, rounds: 15, make: orderEvent },
  { label: '10 MB dense', bytes: 10 * 1024 * 1024, loops: 1, rounds: 9, make: denseItem },
];

const ratios = new Map<string, number>();
console.log('example      bytes       entries   JSON.parse ms  pathsFromJson ms  ratio');
for (const size of sizes) {
  const text = example(size.bytes, size.make);
  const entries = pathsFromJson(text).length;
  // Warm both up so that the JIT has compiled them before anything is timed.
  for (let i = 0; i < 3; i++) {
    time(() => JSON.parse(text), size.loops);
    time(() => pathsFromJson(text), size.loops);
  }
  const parse: number[] = [];
  const paths: number[] = [];
  for (let round = 0; round < size.rounds; round++) {
    // Alternate the order so that neither side always runs after the other's garbage.
    if (round % 2 === 0) {
      parse.push(time(() => JSON.parse(text), size.loops));
      paths.push(time(() => pathsFromJson(text), size.loops));
    } else {
      paths.push(time(() => pathsFromJson(text), size.loops));
      parse.push(time(() => JSON.parse(text), size.loops));
    }
  }
  const ratio = median(paths) / median(parse);
  ratios.set(size.label, ratio);
  console.log(
    `${size.label.padEnd(12)} ${String(text.length).padEnd(11)} ${String(entries).padEnd(9)} ${median(parse).toFixed(3).padStart(13)}  ${median(paths).toFixed(3).padStart(16)}  ${ratio.toFixed(2).padStart(5)}`,
  );
}

const worst = Math.max(...['1 KB', '1 MB', '10 MB'].map((label) => ratios.get(label) ?? Infinity));
const growth = (ratios.get('10 MB') ?? 0) / (ratios.get('1 MB') ?? 1);
console.log(
  `\nworst ratio of the order examples ${worst.toFixed(2)} (target ≤ 3) — ${worst <= 3 ? 'met' : 'NOT met'}`,
);
console.log(
  `10 MB ratio / 1 MB ratio ${growth.toFixed(2)} (target ≤ 1.5) — ${growth <= 1.5 ? 'met' : 'NOT met'}`,
);
