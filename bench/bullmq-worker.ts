/**
 * One BullMQ worker process of bench/queue.ts.
 * Arguments: Redis port, run name (prefix and queue name), worker concurrency.
 *
 * Once a record has been saved as `resolved`, the worker increments the run's counter in Redis;
 * the bench polls that one key to know when every delivery is done, instead of listing records.
 * SIGTERM (or the bench going away) closes the trigger and exits.
 */
import { Redis } from 'ioredis';
import { benchTrigger, resolvedCounterKey } from './bullmq-trigger.js';

const [portArg, name, concurrencyArg] = process.argv.slice(2);
const port = Number(portArg);
if (!Number.isInteger(port) || !name) {
  throw new Error('usage: bullmq-worker.ts <redis port> <run name> [concurrency]');
}
const counterKey = resolvedCounterKey(name);
const counter = new Redis({ host: '127.0.0.1', port });

const trigger = benchTrigger(port, name, {
  // Called after the record is saved, so a count of N means N records are `resolved` in Redis.
  onExecution: (record) => {
    if (record.status === 'resolved') counter.incr(counterKey).catch(() => {});
  },
});
trigger.startWorker({ concurrency: Number(concurrencyArg ?? 16) });

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  // Redis may already be gone when the bench failed: never linger reconnecting to it.
  setTimeout(() => process.exit(1), 10_000).unref();
  await trigger.close({ timeoutMs: 5000 });
  await counter.quit().catch(() => counter.disconnect());
  process.exit(0);
}
process.once('SIGTERM', stop);
// The IPC channel closes when the bench exits, however it exits.
process.once('disconnect', stop);
