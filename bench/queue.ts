/**
 * The async path under load: accept→complete throughput and acknowledgement latency (p50/p99) of a
 * trigger with a no-op workflow, side by side with a bare setImmediate loop doing the same
 * bookkeeping (a record per delivery, a FIFO, a worker marking records started and resolved).
 *
 * Then the BullMQ queue on a redis-server of its own (127.0.0.1, free port, temporary directory,
 * no persistence), skipped when redis-server is not installed:
 * - web only: a trigger that never starts a worker accepts deliveries (accepted/s, ack p50/p99);
 * - 1 and 2 workers: worker child processes (bench/bullmq-worker.ts) run the jobs while this
 *   process accepts them; throughput runs from the first accept to the last record `resolved`.
 * Each BullMQ run uses a fresh prefix and queue name. Its ratios to the memory queue's
 * accept→complete throughput are informational: Redis round trips are the point of comparison.
 * Run: npm run bench:queue
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Queue as BullQueue } from 'bullmq';
import {
  createWebhookTrigger,
  memoryExecutionStore,
  memoryQueue,
  type WebhookTrigger,
} from 'hookflow';
import { Redis } from 'ioredis';
import { hasRedis, startRedis } from '../test/redis.js';
import { benchTrigger, resolvedCounterKey } from './bullmq-trigger.js';

const DELIVERIES = 20_000;
const IN_FLIGHT = 64;
const body = JSON.stringify({ event: 'order.paid', order: { id: 'A-1001', total: '19.99' } });

interface Result {
  acceptMs: number[];
  /** From the first accept to the last acknowledgement. */
  acceptedMs: number;
  /** From the first accept to the last completion. */
  totalMs: number;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

/**
 * Sends `count` deliveries through `accept`, at most IN_FLIGHT at once, then waits for `allDone`
 * (called once every delivery is acknowledged).
 */
async function drive(
  accept: (i: number) => Promise<unknown>,
  allDone: () => Promise<void>,
  count = DELIVERIES,
): Promise<Result> {
  const acceptMs: number[] = [];
  const started = performance.now();
  let next = 0;
  async function lane() {
    while (next < count) {
      const i = next++;
      const t = performance.now();
      await accept(i);
      acceptMs.push(performance.now() - t);
    }
  }
  await Promise.all(Array.from({ length: IN_FLIGHT }, lane));
  const acceptedMs = performance.now() - started;
  await allDone();
  return { acceptMs, acceptedMs, totalMs: performance.now() - started };
}

/** Posts delivery `i`; anything but a 2xx acknowledgement (e.g. a queue refusing) ends the bench. */
async function deliver(trigger: WebhookTrigger, i: number) {
  const res = await trigger(
    new Request(`http://127.0.0.1/hooks/orders?n=${i}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    }),
  );
  await res.arrayBuffer();
  if (!res.ok) throw new Error(`delivery ${i} was answered ${res.status}`);
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
  const result = await drive(
    (i) => deliver(trigger, i),
    () => allDone,
  );
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
  const result = await drive(
    async (i) => {
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
    },
    () => allDone,
  );
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

const BULL_DELIVERIES = 5_000;
const BULL_WARMUP = 500;
const WORKER_CONCURRENCY = 16;
const COMPLETION_TIMEOUT_MS = 60_000;
const WORKER_SCRIPT = fileURLToPath(new URL('./bullmq-worker.ts', import.meta.url));
// The workers run from the repository root so that tsx finds tsconfig.json and its paths.
const ROOT = fileURLToPath(new URL('..', import.meta.url));

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let bullRuns = 0;
function runName(label: string): string {
  return `bench-${label}-${process.pid}-${++bullRuns}`;
}

function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

function spawnWorker(port: number, name: string): ChildProcess {
  return spawn(
    process.execPath,
    ['--import', 'tsx', WORKER_SCRIPT, String(port), name, String(WORKER_CONCURRENCY)],
    // The IPC channel is only there so that a worker notices when this process is gone.
    { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] },
  );
}

async function stopWorkers(workers: ChildProcess[]) {
  await Promise.all(
    workers.map(
      (child) =>
        new Promise<void>((resolve) => {
          if (hasExited(child)) return resolve();
          // A worker that does not finish closing is killed: the bench must end either way.
          const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
          child.once('exit', () => {
            clearTimeout(timer);
            resolve();
          });
          child.kill('SIGTERM');
        }),
    ),
  );
}

function checkWorkers(workers: ChildProcess[]) {
  const dead = workers.find(hasExited);
  if (dead) {
    throw new Error(
      `a BullMQ worker exited early (code ${dead.exitCode}, signal ${dead.signalCode})`,
    );
  }
}

/**
 * Waits until BullMQ sees every worker on the queue (each names its blocking connection after
 * the queue), so that the clock does not include worker start-up.
 */
async function waitForWorkers(port: number, name: string, workers: ChildProcess[]) {
  const bull = new BullQueue(name, { connection: { host: '127.0.0.1', port }, prefix: name });
  try {
    const deadline = performance.now() + 30_000;
    while ((await bull.getWorkersCount()) < workers.length) {
      checkWorkers(workers);
      if (performance.now() > deadline) throw new Error('the BullMQ workers did not start');
      await sleep(50);
    }
  } finally {
    await bull.close();
  }
}

/** Polls the workers' counter: one GET per tick, however many records there are. */
async function waitForResolved(redis: Redis, key: string, target: number, workers: ChildProcess[]) {
  const deadline = performance.now() + COMPLETION_TIMEOUT_MS;
  for (;;) {
    const resolved = Number(await redis.get(key));
    if (resolved >= target) return;
    checkWorkers(workers);
    if (performance.now() > deadline) {
      throw new Error(`only ${resolved} of ${target} BullMQ deliveries resolved in time`);
    }
    await sleep(2);
  }
}

/**
 * One delivery on its own, before any clock starts: the trigger's Redis clients connect on first
 * use, and connecting is not what is measured.
 */
const PRIMING = 1;
function prime(trigger: WebhookTrigger) {
  return deliver(trigger, -1);
}

/** A web process alone: deliveries are accepted into Redis and nobody runs them. */
async function runWebOnly(port: number, count: number): Promise<Result> {
  const trigger = benchTrigger(port, runName('web'));
  try {
    await prime(trigger);
    return await drive(
      (i) => deliver(trigger, i),
      async () => {},
      count,
    );
  } finally {
    await trigger.close();
  }
}

/** This process accepts, `workerCount` worker processes run the jobs. */
async function runWithWorkers(port: number, redis: Redis, workerCount: number): Promise<Result> {
  const name = runName(`w${workerCount}`);
  const key = resolvedCounterKey(name);
  const workers = Array.from({ length: workerCount }, () => spawnWorker(port, name));
  const trigger = benchTrigger(port, name);
  try {
    await waitForWorkers(port, name, workers);
    await prime(trigger);
    // A first batch warms the code paths of the workers (and of this process) on both sides.
    await drive(
      (i) => deliver(trigger, i),
      () => waitForResolved(redis, key, PRIMING + BULL_WARMUP, workers),
      BULL_WARMUP,
    );
    return await drive(
      (i) => deliver(trigger, BULL_WARMUP + i),
      () => waitForResolved(redis, key, PRIMING + BULL_WARMUP + BULL_DELIVERIES, workers),
      BULL_DELIVERIES,
    );
  } finally {
    await stopWorkers(workers);
    await trigger.close();
  }
}

async function benchBullmq(memory: {
  accepted: number;
  throughput: number;
  p50: number;
  p99: number;
}) {
  console.log('');
  if (!hasRedis) {
    console.log('redis-server is not installed: the BullMQ lines are SKIPPED.');
    return;
  }
  const server = await startRedis();
  const redis = new Redis(server.connection);
  try {
    await runWebOnly(server.port, BULL_WARMUP);
    const web = await runWebOnly(server.port, BULL_DELIVERIES);
    const one = await runWithWorkers(server.port, redis, 1);
    const two = await runWithWorkers(server.port, redis, 2);

    const perSecond = (ms: number) => BULL_DELIVERIES / (ms / 1000);
    const table: [string, number, number | undefined, number, number][] = [
      ['memory queue', memory.accepted, memory.throughput, memory.p50, memory.p99],
      ['bullmq web only', perSecond(web.acceptedMs), undefined, ...acks(web)],
      ['bullmq 1 worker', perSecond(one.acceptedMs), perSecond(one.totalMs), ...acks(one)],
      ['bullmq 2 workers', perSecond(two.acceptedMs), perSecond(two.totalMs), ...acks(two)],
    ];
    console.log(
      `BullMQ on a local redis-server: ${BULL_DELIVERIES} deliveries, ${IN_FLIGHT} in flight, no-op workflow, worker concurrency ${WORKER_CONCURRENCY}, one round; the memory queue row is the hookflow line above`,
    );
    console.log('side               accepted/s   accept→complete/s   ack p50 ms   ack p99 ms');
    for (const [name, accepted, complete, p50, p99] of table) {
      console.log(
        `${name.padEnd(16)} ${accepted.toFixed(0).padStart(12)}   ${(complete === undefined ? '—' : complete.toFixed(0)).padStart(17)}   ${p50.toFixed(3).padStart(10)}   ${p99.toFixed(3).padStart(10)}`,
      );
    }
    const ratio = (value: number) => `${(value / memory.throughput).toFixed(2)}×`;
    console.log(
      `ratio to memory accept→complete/s (informational): web only accepted ${ratio(perSecond(web.acceptedMs))}, 1 worker ${ratio(perSecond(one.totalMs))}, 2 workers ${ratio(perSecond(two.totalMs))}`,
    );
  } finally {
    await redis.quit().catch(() => redis.disconnect());
    await server.dispose();
  }
}

function acks(result: Result): [number, number] {
  return [percentile(result.acceptMs, 50), percentile(result.acceptMs, 99)];
}

const memoryAccepted = rows
  .filter(([name]) => name === 'hookflow')
  .map(([, r]) => DELIVERIES / (r.acceptedMs / 1000))
  .sort((a, b) => a - b)[1] as number;
await benchBullmq({ ...hook, accepted: memoryAccepted });
