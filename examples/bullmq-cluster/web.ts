/**
 * The web process: accepts, verifies and queues deliveries, and answers them. It never runs a
 * workflow (it never calls `startWorker`). Besides the triggers it serves `GET /executions`: the
 * latest execution records, written by this process and by every worker.
 *
 * Run it on its own with `npx tsx examples/bullmq-cluster/web.ts` (Redis at REDIS_HOST/REDIS_PORT,
 * default 127.0.0.1:6379; PORT, default 3000), or let `cluster.ts` start everything.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { toNodeListener } from 'hookflow/node';
import { createHooks, curlCommands, HOST, settingsFromEnv } from './trigger.js';

const settings = settingsFromEnv();
const hooks = createHooks({ ...settings, name: 'web' });
const triggers = toNodeListener(hooks.router);

const server = createServer((req, res) => {
  if (req.method === 'GET' && req.url?.split('?')[0] === '/executions') {
    Promise.resolve(hooks.executions.list({ limit: 20 })).then(
      (records) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(records));
      },
      (error: unknown) => {
        res.writeHead(503, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: String(error) } }));
      },
    );
    return;
  }
  triggers(req, res);
});

await new Promise<void>((resolve, reject) => {
  server.once('error', reject);
  server.listen(settings.port, HOST, () => resolve());
});
const url = `http://${HOST}:${(server.address() as AddressInfo).port}`;

if (process.send) {
  // Started by cluster.ts, which prints the banner once the workers are up too.
  process.send({ ready: 'web', url });
} else {
  console.log(`listening on ${url}`);
  for (const curl of await curlCommands(url, settings)) console.log(`  ${curl}`);
}

let closing = false;
function shutdown() {
  if (closing) return;
  closing = true;
  (async () => {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    // New deliveries get 503 SHUTTING_DOWN; callers waiting for a quote get their answer first.
    await hooks.close({ timeoutMs: 10_000 });
    await closed;
  })().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error('web: could not close cleanly:', error);
      process.exit(1);
    },
  );
}
process.on('SIGTERM', shutdown);
// Under cluster.ts, Ctrl-C is the cluster's to handle: it stops the processes in order.
process.on('SIGINT', process.send ? () => {} : shutdown);
// The cluster went away without stopping this process.
process.on('disconnect', shutdown);
