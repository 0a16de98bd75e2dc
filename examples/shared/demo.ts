/**
 * What the Express, Hono, Koa, Fastify and Next.js examples share: the two triggers behind one
 * router, the banner with a signed curl, a graceful `close()` and the run-as-main entry point. Each
 * example keeps only its framework wiring.
 */
import { pathToFileURL } from 'node:url';
import type { WebhookRouter } from 'hookflow';
import { createWebhookRouter, createWebhookTrigger } from 'hookflow';
import { github, signGithub } from 'hookflow/verify';

/** The interface every demo listens on. */
export const HOST = '127.0.0.1';

/** Options of a demo's `startDemo`. */
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

/**
 * The router behind `/hooks/:key`: `github` (async, signed, 202) and `payments` (sync, 200 for
 * `{ "status": "paid" }`, else 400).
 */
export function createDemoRouter(secret: string, log: (line: string) => void): WebhookRouter {
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

/** The GitHub secret: the option, else `GITHUB_WEBHOOK_SECRET`, else `'demo-secret'`. */
export function demoSecret(options: DemoOptions): string {
  return options.githubSecret ?? process.env.GITHUB_WEBHOOK_SECRET ?? 'demo-secret';
}

/** Prints the banner: where the demo listens and a curl with a correctly signed delivery. */
export async function announce({
  url,
  secret,
  log,
  framework,
}: {
  url: string;
  secret: string;
  log: (line: string) => void;
  framework: string;
}): Promise<void> {
  const body = '{"action":"opened"}';
  const signature = (await signGithub(secret, body))['x-hub-signature-256'];
  log(`hookflow + ${framework} demo listening on ${url}`);
  log('A signed GitHub delivery (202, the run is logged below):');
  log(
    `  curl -i -X POST ${url}/hooks/github -H 'content-type: application/json' ` +
      `-H 'x-hub-signature-256: ${signature}' -d '${body}'`,
  );
}

/** A Node server as far as {@link createCloser} needs it (HTTP/2 servers lack `closeIdleConnections`). */
export interface ClosableServer {
  close(callback: (error?: Error) => void): unknown;
  closeIdleConnections?: () => void;
}

/**
 * A once-only `close()`: stops listening, drops idle connections, lets the router finish its
 * workflows (at most 5 s), then waits for the server to close.
 */
export function createCloser(server: ClosableServer, router: WebhookRouter): () => Promise<void> {
  let closing: Promise<void> | undefined;
  return () => {
    closing ??= (async () => {
      const closed = new Promise<void>((resolve, reject) =>
        server.close((error) => (error ? reject(error) : resolve())),
      );
      server.closeIdleConnections?.();
      // New deliveries now get 503 SHUTTING_DOWN; queued and running workflows are finished first.
      await router.close({ timeoutMs: 5000 });
      await closed;
    })();
    return closing;
  };
}

function readPort(value: string | undefined): number {
  if (value === undefined || value === '') return 3000;
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65_535) {
    throw new RangeError(`PORT must be an integer from 0 to 65535, received "${value}"`);
  }
  return port;
}

async function main(startDemo: (options: DemoOptions) => Promise<Demo>) {
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

/**
 * When the module at `importMetaUrl` is the entry point, starts the demo on `PORT` (default 3000)
 * and closes it on SIGINT/SIGTERM; exits with 1 if it cannot start.
 */
export function runWhenMain(
  importMetaUrl: string,
  startDemo: (options: DemoOptions) => Promise<Demo>,
): void {
  const entry = process.argv[1];
  if (entry !== undefined && importMetaUrl === pathToFileURL(entry).href) {
    main(startDemo).catch((error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    });
  }
}
