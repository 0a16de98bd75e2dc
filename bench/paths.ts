/**
 * pathsFromJson against JSON.parse of the same text, measured side by side in one process.
 *
 * For 1 KB, 1 MB and 10 MB examples it prints the median time of each and their ratio. Targets:
 * ratio ≤ 3 at every size, and linear growth (the 10 MB ratio within 1.5× of the 1 MB ratio).
 * Run: npm run bench:paths
 */
import { pathsFromJson } from 'hookflow';

function example(targetBytes: number): string {
  const item = (i: number) => ({
    id: i,
    sku: `SKU-${i}`,
    name: `Item number ${i}`,
    active: i % 2 === 0,
    tags: ['new', 'sale'],
    price: { amount: i * 1.25, currency: 'EUR' },
    note: null,
  });
  const body = { event: 'order.updated', meta: { page: 1, source: 'bench' }, items: [] as unknown[] };
  const perItem = JSON.stringify(item(100_000)).length + 1;
  const count = Math.max(1, Math.round((targetBytes - 80) / perItem));
  for (let i = 0; i < count; i++) body.items.push(item(i));
  return JSON.stringify(body);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

/** Runs `fn` `loops` times and returns the time per call in ms. */
function time(fn: () => unknown, loops: number): number {
  const start = performance.now();
  for (let i = 0; i < loops; i++) fn();
  return (performance.now() - start) / loops;
}

const sizes = [
  { label: '1 KB', bytes: 1024, loops: 2000, rounds: 21 },
  { label: '1 MB', bytes: 1024 * 1024, loops: 3, rounds: 15 },
  { label: '10 MB', bytes: 10 * 1024 * 1024, loops: 1, rounds: 9 },
];

const ratios = new Map<string, number>();
console.log('size    bytes       entries   JSON.parse ms  pathsFromJson ms  ratio');
for (const size of sizes) {
  const text = example(size.bytes);
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
    `${size.label.padEnd(7)} ${String(text.length).padEnd(11)} ${String(entries).padEnd(9)} ${median(parse).toFixed(3).padStart(13)}  ${median(paths).toFixed(3).padStart(16)}  ${ratio.toFixed(2).padStart(5)}`,
  );
}

const worst = Math.max(...ratios.values());
const growth = (ratios.get('10 MB') ?? 0) / (ratios.get('1 MB') ?? 1);
console.log(`\nworst ratio ${worst.toFixed(2)} (target ≤ 3) — ${worst <= 3 ? 'met' : 'NOT met'}`);
console.log(`10 MB ratio / 1 MB ratio ${growth.toFixed(2)} (target ≤ 1.5) — ${growth <= 1.5 ? 'met' : 'NOT met'}`);
