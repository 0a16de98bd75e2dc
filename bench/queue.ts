/**
 * The async path under load: accept→complete throughput and acknowledgement latency (p50/p99) of a
 * trigger with a no-op workflow, side by side with a bare setImmediate loop doing the same
 * bookkeeping (a record per delivery, a FIFO, a worker marking records started and resolved).
 * Run: npm run bench:queue
 */
import { createWebhookTrigger, memoryExecutionStore, memoryQueue } from 'hookflow';

const DELIVERIES = 20_000;
const IN_FLIGHT = 64;
const body = JSON.stringify({ event: 'order.paid', order: { id: 'A-1001', total: '19.99' } });

interface Result {
  acceptMs: number[];
  totalMs: number;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

/** Sends every delivery through `accept`, at most IN_FLIGHT at once, until all are complete. */
async function drive(
  accept: (i: number) => Promise<unknown>,
  allDone: Promise<void>,
): Promise<Result> {
  const acceptMs: number[] = [];
  const started = performance.now();
  let next = 0;
  async function lane() {
    while (next < DELIVERIES) {
      const i = next++;
      const t = performance.now();
      await accept(i);
      acceptMs.push(performance.now() - t);
    }
  }
  await Promise.all(Array.from({ length: IN_FLIGHT }, lane));
  await allDone;
  return { acceptMs, totalMs: performance.now() - started };
}

async function runTrigger(): Promise<Result> {
  let resolved = 0;
  let done: () => void = () => {};
  const allDone = new Promise<void>((resolve) => {
    done = resolve;
  });
  const trigger = createWebhookTrigger({
    queue: memoryQueue({ concurrency: 16, maxQueued: DELIVERIES }),
    executions: memoryExecutionStore({ maxRecords: DELIVERIES }),
    hooks: {
      onExecution: (record) => {
        if (record.status === 'resolved' && ++resolved === DELIVERIES) done();
      },
    },
    workflow: () => {},
  });
  const result = await drive(async (i) => {
    const res = await trigger(
      new Request(`http://127.0.0.1/hooks/orders?n=${i}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      }),
    );
    await res.arrayBuffer();
  }, allDone);
  await trigger.close();
  return result;
}

/** The same bookkeeping with nothing else: parse, a record, a FIFO and a setImmediate worker. */
async function runBaseline(): Promise<Result> {
  const records = new Map<string, { status: string; receivedAt: number; finishedAt?: number }>();
  const fifo: string[] = [];
  let resolved = 0;
  let done: () => void = () => {};
  const allDone = new Promise<void>((resolve) => {
    done = resolve;
  });
  let scheduled = false;
  function work() {
    scheduled = false;
    for (let n = 0; n < 16 && fifo.length > 0; n++) {
      const id = fifo.shift() as string;
      const record = records.get(id);
      if (!record) continue;
      record.status = 'started';
      record.status = 'resolved';
      record.finishedAt = Date.now();
      if (++resolved === DELIVERIES) done();
    }
    if (fifo.length > 0) schedule();
  }
  function schedule() {
    if (!scheduled) {
      scheduled = true;
      setImmediate(work);
    }
  }
  const result = await drive(async (i) => {
    const request = new Request(`http://127.0.0.1/hooks/orders?n=${i}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    JSON.parse(await request.text());
    const id = crypto.randomUUID();
    records.set(id, { status: 'queued', receivedAt: Date.now() });
    fifo.push(id);
    schedule();
    const res = new Response('ok', { status: 200 });
    await res.arrayBuffer();
  }, allDone);
  return result;
}

const rows: [string, Result][] = [];
// Warm both up, then alternate so that neither always runs on a colder or hotter process.
await runBaseline();
await runTrigger();
for (let round = 0; round < 3; round++) {
  rows.push(['baseline', await runBaseline()]);
  rows.push(['hookflow', await runTrigger()]);
}

function summary(name: string) {
  const results = rows.filter(([n]) => n === name).map(([, r]) => r);
  const throughput = results
    .map((r) => DELIVERIES / (r.totalMs / 1000))
    .sort((a, b) => a - b)[1] as number;
  const all = results.flatMap((r) => r.acceptMs);
  return { throughput, p50: percentile(all, 50), p99: percentile(all, 99) };
}

const base = summary('baseline');
const hook = summary('hookflow');
console.log(`${DELIVERIES} deliveries, ${IN_FLIGHT} in flight, no-op workflow, median of 3 rounds`);
console.log('side       accept→complete/s   ack p50 ms   ack p99 ms');
for (const [name, s] of [
  ['baseline', base],
  ['hookflow', hook],
] as const) {
  console.log(
    `${name.padEnd(10)} ${s.throughput.toFixed(0).padStart(17)}   ${s.p50.toFixed(3).padStart(10)}   ${s.p99.toFixed(3).padStart(10)}`,
  );
}
console.log(
  `ratio (hookflow / baseline): throughput ${(hook.throughput / base.throughput).toFixed(2)}×, ack p50 ${(hook.p50 / base.p50).toFixed(2)}×, ack p99 ${(hook.p99 / base.p99).toFixed(2)}×`,
);
