/**
 * A worker process: creates the same triggers as the web process and runs their queued deliveries
 * (`startWorker`). Start as many as you like, on any machine that reaches Redis.
 *
 * Run it on its own with `npx tsx examples/bullmq-cluster/worker.ts` (Redis at
 * REDIS_HOST/REDIS_PORT, default 127.0.0.1:6379; WORKER_ID names it in logs, WORKER_CONCURRENCY
 * runs that many deliveries of each trigger at once, default 4), or let `cluster.ts` start it.
 * SIGTERM or SIGINT lets running deliveries finish (up to 10 s), then exits.
 */
import { createHooks, settingsFromEnv } from './trigger.js';

const name = `worker ${process.env.WORKER_ID || process.pid}`;
const concurrency = Number(process.env.WORKER_CONCURRENCY || 4);
if (!Number.isInteger(concurrency) || concurrency < 1) {
  throw new RangeError(`WORKER_CONCURRENCY must be a positive integer, received ${concurrency}`);
}

const hooks = createHooks({ ...settingsFromEnv(), name });
hooks.startWorkers(concurrency);

if (process.send) process.send({ ready: name });
else console.log(`${name} ready (concurrency ${concurrency})`);

let closing = false;
function shutdown() {
  if (closing) return;
  closing = true;
  // Takes no new jobs, waits for running ones; past 10 s their run.signal is aborted and Redis
  // hands what is left to another worker once its lock expires.
  hooks.close({ drain: true, timeoutMs: 10_000 }).then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(`${name}: could not close cleanly:`, error);
      process.exit(1);
    },
  );
}
process.on('SIGTERM', shutdown);
// Under cluster.ts, Ctrl-C is the cluster's to handle: it stops the processes in order.
process.on('SIGINT', process.send ? () => {} : shutdown);
// The cluster went away without stopping this process.
process.on('disconnect', shutdown);
