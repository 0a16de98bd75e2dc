/**
 * A bare `node:http` server with two hookflow triggers:
 *
 * - `POST /hooks/orders` (async): acknowledges with 202 `{ accepted: <order id> }` as soon as the
 *   delivery is queued, then runs the workflow in the background.
 * - `POST /hooks/payments` (sync, Basic auth): runs the workflow first and answers what it decides,
 *   200 `{ ok: true }` for a paid payment and 400 otherwise.
 *
 * Run it with `npm start` (`PORT=0 npm start` picks a free port); it prints curl commands to try.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { WebhookRouter } from 'hookflow';
import { createWebhookRouter, createWebhookTrigger } from 'hookflow';
import { toNodeListener } from 'hookflow/node';
import { runWhenMain } from '../shared/demo.js';

const HOST = '127.0.0.1';

/** Demo credentials of the payments trigger; a real app reads them from its secret store. */
const PAYMENTS_USER = 'demo';
const PAYMENTS_PASSWORD = 'demo-password';

/** Options of {@link startDemo}. */
export interface DemoOptions {
  /** The port to listen on; `0` picks a free one. @defaultValue `3000` */
  port?: number;
  /** Where the banner and the workflow logs go. @defaultValue `console.log` */
  log?: (line: string) => void;
}

/** A started demo server. */
export interface Demo {
  /** The base URL, e.g. `http://127.0.0.1:3000`. */
  url: string;
  /** Stops taking deliveries, lets running workflows finish, then closes the server. */
  close(): Promise<void>;
}

function createTriggers(log: (line: string) => void): WebhookRouter {
  const orders = createWebhookTrigger({
    key: 'orders',
    request: { body: [{ path: 'order.id', alias: 'orderId', required: true }] },
    response: { status: 202, body: { accepted: '{{$context.vars.orderId}}' } },
    // Runs after the 202 was sent. A real workflow would reserve stock, send e-mails, … and stop
    // early when run.signal aborts (timeout or shutdown).
    workflow: (ctx, run) => {
      log(`[orders] order ${String(ctx.vars.orderId)} processed (attempt ${run.attempt})`);
    },
  });

  const payments = createWebhookTrigger({
    key: 'payments',
    mode: 'sync',
    auth: { type: 'basic', username: PAYMENTS_USER, password: PAYMENTS_PASSWORD },
    workflow: (ctx, run) => {
      const status = (ctx.body as { status?: unknown } | undefined)?.status;
      if (status === 'paid') {
        run.respond({ status: 200, body: { ok: true } });
      } else {
        run.respond({
          status: 400,
          body: {
            ok: false,
            message: `expected status "paid", received ${JSON.stringify(status)}`,
          },
        });
      }
    },
  });

  // One router serves both under /hooks/:key; unknown keys get 404 TRIGGER_NOT_FOUND.
  return createWebhookRouter({ route: '/hooks/:key' }).add(orders).add(payments);
}

/** The curl commands printed on start, one per outcome worth seeing. */
export function curlCommands(url: string): string[] {
  const json = "-H 'content-type: application/json'";
  const auth = `-u ${PAYMENTS_USER}:${PAYMENTS_PASSWORD}`;
  return [
    `curl -i -X POST ${url}/hooks/orders ${json} -d '{"order":{"id":"A-1001"}}'`,
    `curl -i -X POST ${url}/hooks/payments ${auth} ${json} -d '{"status":"paid"}'`,
    `curl -i -X POST ${url}/hooks/payments ${auth} ${json} -d '{"status":"pending"}'`,
  ];
}

/**
 * Starts the demo server on 127.0.0.1.
 *
 * @param options - `port` (0 for a free one) and `log`.
 * @returns the base URL and a `close()` function.
 */
export async function startDemo(options: DemoOptions = {}): Promise<Demo> {
  const log = options.log ?? console.log;
  const router = createTriggers(log);
  // The Node fast path: no Web Request/Response per delivery; the socket peer is ctx.ip.
  const server = createServer(toNodeListener(router));

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 3000, HOST, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${HOST}:${port}`;

  log(`hookflow demo listening on ${url}`);
  log('');
  log('Async trigger (202 once queued, the run is logged below):');
  log(`  ${curlCommands(url)[0]}`);
  log('Sync trigger with Basic auth, paid (200) and not paid (400):');
  log(`  ${curlCommands(url)[1]}`);
  log(`  ${curlCommands(url)[2]}`);
  log('');

  let closing: Promise<void> | undefined;
  function close() {
    closing ??= (async () => {
      const closed = new Promise<void>((resolve, reject) =>
        server.close((error) => (error ? reject(error) : resolve())),
      );
      server.closeIdleConnections();
      // New deliveries now get 503 SHUTTING_DOWN; queued and running workflows are finished first.
      await router.close({ timeoutMs: 5000 });
      await closed;
    })();
    return closing;
  }

  return { url, close };
}

runWhenMain(import.meta.url, startDemo);
