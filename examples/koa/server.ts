/**
 * A Koa app with its own JSON routes and two hookflow triggers beside them:
 *
 * - `GET /health` and `POST /api/notes`: the app's routes, reading `ctx.request.body`.
 * - `POST /hooks/github` (async, GitHub signature): acknowledges with 202 once the delivery is
 *   verified and queued, then runs the workflow in the background.
 * - `POST /hooks/payments` (sync): answers 200 `{ ok: true }` for `{ "status": "paid" }`, else 400.
 *
 * `@koa/bodyparser` runs first for the whole app and keeps `ctx.request.rawBody`, which the trigger
 * verifies the signature against; the router passes every other path on to the app.
 *
 * Run it from this folder with `npx tsx server.ts` (`PORT=0` picks a free port).
 */
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { bodyParser } from '@koa/bodyparser';
import type { WebhookRouter } from 'hookflow';
import { createWebhookRouter, createWebhookTrigger } from 'hookflow';
import { koaHandler } from 'hookflow/koa';
import { github, signGithub } from 'hookflow/verify';
import Koa from 'koa';

const HOST = '127.0.0.1';

/** Options of {@link startDemo}. */
export interface DemoOptions {
  /** The port to listen on; `0` picks a free one. @defaultValue `3000` */
  port?: number;
  /** Where the banner and the workflow logs go. @defaultValue `console.log` */
  log?: (line: string) => void;
  /** The GitHub webhook secret. @defaultValue `GITHUB_WEBHOOK_SECRET`, else `'demo-secret'` */
  githubSecret?: string;
}

/** A started demo server. */
export interface Demo {
  /** The base URL, e.g. `http://127.0.0.1:3000`. */
  url: string;
  /** Stops taking deliveries, lets running workflows finish, then closes the server. */
  close(): Promise<void>;
}

function createTriggers(secret: string, log: (line: string) => void): WebhookRouter {
  const githubTrigger = createWebhookTrigger({
    key: 'github',
    verify: github({ secret }),
    response: { status: 202, body: { accepted: '{{$context.executionId}}' } },
    // Runs after the 202 was sent; a real workflow would stop early when run.signal aborts.
    workflow: (ctx, run) => {
      const action = (ctx.body as { action?: unknown } | undefined)?.action;
      log(`[github] delivery ${String(action)} processed (attempt ${run.attempt})`);
    },
  });

  const payments = createWebhookTrigger({
    key: 'payments',
    mode: 'sync',
    workflow: (ctx, run) => {
      const status = (ctx.body as { status?: unknown } | undefined)?.status;
      if (status === 'paid') run.respond({ status: 200, body: { ok: true } });
      else run.respond({ status: 400, body: { ok: false } });
    },
  });

  return createWebhookRouter({ route: '/hooks/:key' }).add(githubTrigger).add(payments);
}

/**
 * Starts the demo app on 127.0.0.1.
 *
 * @param options - `port` (0 for a free one), `log` and `githubSecret`.
 * @returns the base URL and a `close()` function.
 */
export async function startDemo(options: DemoOptions = {}): Promise<Demo> {
  const log = options.log ?? console.log;
  const secret = options.githubSecret ?? process.env.GITHUB_WEBHOOK_SECRET ?? 'demo-secret';
  const router = createTriggers(secret, log);

  const notes: string[] = [];
  const app = new Koa()
    .use(bodyParser())
    .use(koaHandler(router))
    .use(async (ctx) => {
      if (ctx.method === 'GET' && ctx.path === '/health') {
        ctx.body = { ok: true };
      } else if (ctx.method === 'POST' && ctx.path === '/api/notes') {
        const text = (ctx.request.body as { text?: unknown } | undefined)?.text;
        if (typeof text !== 'string') {
          ctx.status = 400;
          ctx.body = { error: 'expected { "text": string }' };
          return;
        }
        notes.push(text);
        ctx.status = 201;
        ctx.body = { id: notes.length, text };
      }
    });

  const server = app.listen(options.port ?? 3000, HOST);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.once('listening', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${HOST}:${port}`;

  const body = '{"action":"opened"}';
  const signature = (await signGithub(secret, body))['x-hub-signature-256'];
  log(`hookflow + Koa demo listening on ${url}`);
  log('A signed GitHub delivery (202, the run is logged below):');
  log(
    `  curl -i -X POST ${url}/hooks/github -H 'content-type: application/json' ` +
      `-H 'x-hub-signature-256: ${signature}' -d '${body}'`,
  );

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

function readPort(value: string | undefined): number {
  if (value === undefined || value === '') return 3000;
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65_535) {
    throw new RangeError(`PORT must be an integer from 0 to 65535, received "${value}"`);
  }
  return port;
}

async function main() {
  const demo = await startDemo({ port: readPort(process.env.PORT) });
  const shutdown = (signal: NodeJS.Signals) => {
    console.log(`${signal} received, shutting down…`);
    demo.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

const entry = process.argv[1];
if (entry !== undefined && import.meta.url === pathToFileURL(entry).href) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
