/**
 * The trigger definitions every process of the cluster creates: the web process accepts, verifies
 * and queues deliveries; worker processes create the very same triggers and run them.
 *
 * - `POST /hooks/orders` (async, GitHub-style signature): answers 202 `{ accepted: <execution id> }`
 *   once the delivery is in Redis; a worker runs it and logs `worker <n> ran <execution id> …`.
 *   A repeated `X-GitHub-Delivery` id gets the first answer back, whichever web process took it.
 * - `POST /hooks/quote` (sync, Basic auth): a worker prices the request and decides the answer,
 *   201 with an `X-Quoted-By` header, which the web process sends back to the caller.
 */
import type { CloseOptions, ExecutionStore, WebhookRouter, WebhookTrigger } from 'hookflow';
import { createWebhookRouter, createWebhookTrigger } from 'hookflow';
import { bullmqQueue, type RedisConnection, redisDedupeStore } from 'hookflow/bullmq';
import { github, signGithub } from 'hookflow/verify';

/** The interface the web process listens on. */
export const HOST = '127.0.0.1';

/** The Basic auth user name of the quote trigger. */
export const QUOTE_USER = 'shop';

/** What the processes read from their environment. */
export interface Settings {
  /** Where Redis is: `REDIS_HOST` (default 127.0.0.1) and `REDIS_PORT` (default 6379). */
  connection: { host: string; port: number };
  /** The web process's port: `PORT`, default 3000 (0 picks a free one). */
  port: number;
  /** The secret orders are signed with: `GITHUB_WEBHOOK_SECRET`, default `demo-secret`. */
  githubSecret: string;
  /** The quote trigger's Basic auth password: `QUOTE_PASSWORD`, default `quote-password`. */
  quotePassword: string;
}

function readPort(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65_535) {
    throw new RangeError(`${name} must be an integer from 0 to 65535, received "${value}"`);
  }
  return port;
}

/** Reads {@link Settings} from environment variables. */
export function settingsFromEnv(env: NodeJS.ProcessEnv = process.env): Settings {
  return {
    connection: {
      host: env.REDIS_HOST || '127.0.0.1',
      port: readPort('REDIS_PORT', env.REDIS_PORT, 6379),
    },
    port: readPort('PORT', env.PORT, 3000),
    githubSecret: env.GITHUB_WEBHOOK_SECRET || 'demo-secret',
    quotePassword: env.QUOTE_PASSWORD || 'quote-password',
  };
}

/** Unit prices of the quote trigger, in cents. */
const PRICES: Record<string, number> = { tea: 450, coffee: 900 };

/** The triggers of one process, behind one router. */
export interface Hooks {
  /** Serves `/hooks/:key`: `orders` and `quote`. */
  router: WebhookRouter;
  /**
   * The execution records of both triggers, written by whichever process handled them: the web
   * process records what it queued, workers what they ran.
   */
  executions: ExecutionStore;
  /** Worker processes only: runs queued deliveries of both triggers here. */
  startWorkers(concurrency: number): void;
  /** Closes both triggers (their queues and record stores) and the dedupe store. */
  close(options?: CloseOptions): Promise<void>;
}

/** Options of {@link createHooks}. */
export interface HooksOptions {
  connection: RedisConnection;
  githubSecret: string;
  quotePassword: string;
  /** How this process calls itself in logs and in `X-Quoted-By`, e.g. `worker 2`. */
  name: string;
  /** Where the workflows log. @defaultValue `console.log` */
  log?: (line: string) => void;
}

/** Creates the two triggers; the same call in the web process and in every worker. */
export function createHooks(options: HooksOptions): Hooks {
  const { connection, name } = options;
  const log = options.log ?? console.log;
  // Shared by every web process, so a redelivery is recognised wherever it lands.
  const dedupe = redisDedupeStore({ connection });

  const orders = createWebhookTrigger({
    key: 'orders',
    // One BullMQ queue per trigger; both keep their records under the same prefix.
    queue: bullmqQueue({ connection, queueName: 'orders' }),
    verify: github({ secret: options.githubSecret }),
    dedupe: { key: 'delivery', store: dedupe },
    retry: { attempts: 3 },
    request: { body: [{ path: 'order.id', alias: 'orderId', required: true }] },
    response: { status: 202, body: { accepted: '{{$context.executionId}}' } },
    hooks: {
      onDeadLetter: (record) =>
        log(`${name}: order run ${record.id} is dead: ${record.error?.message}`),
    },
    // Runs in a worker, at least once: a real workflow would use ctx.executionId as the
    // idempotency key of what it changes (a payment, an e-mail, a row).
    workflow: (ctx, run) => {
      const orderId = String(ctx.vars.orderId);
      log(`${name} ran ${ctx.executionId} (order ${orderId}, attempt ${run.attempt})`);
      return { order: orderId };
    },
  });

  const quote = createWebhookTrigger({
    key: 'quote',
    mode: 'sync',
    queue: bullmqQueue({ connection, queueName: 'quote' }),
    auth: { type: 'basic', username: QUOTE_USER, password: options.quotePassword },
    limits: { timeoutMs: 5000 },
    workflow: (ctx, run) => {
      const { sku, qty } = (ctx.body ?? {}) as { sku?: unknown; qty?: unknown };
      const price = typeof sku === 'string' ? PRICES[sku] : undefined;
      if (price === undefined || !Number.isInteger(qty) || (qty as number) < 1) {
        run.respond({
          status: 422,
          body: { error: 'unknown sku or invalid qty', skus: Object.keys(PRICES) },
        });
        return;
      }
      const totalCents = price * (qty as number);
      log(
        `${name} quoted ${ctx.executionId} (${String(qty)} × ${String(sku)} = ${totalCents} cents)`,
      );
      run.respond({
        status: 201,
        headers: { 'x-quoted-by': name },
        body: { sku, qty, totalCents },
      });
    },
  });

  const router = createWebhookRouter({ route: '/hooks/:key' }).add(orders).add(quote);
  const triggers: WebhookTrigger[] = [orders, quote];

  return {
    router,
    // The queues' Redis record store; both queues use the default prefix, hence one index.
    executions: orders.executions,
    startWorkers(concurrency) {
      for (const trigger of triggers) trigger.startWorker({ concurrency });
    },
    async close(closeOptions) {
      await router.close(closeOptions);
      await dedupe.close();
    },
  };
}

/** Ready-to-paste curl commands: a signed order and a quote. */
export async function curlCommands(url: string, settings: Settings): Promise<string[]> {
  const order = '{"order":{"id":"A-1001"}}';
  const signature = (await signGithub(settings.githubSecret, order))['x-hub-signature-256'];
  const json = "-H 'content-type: application/json'";
  return [
    `curl -i -X POST ${url}/hooks/orders ${json} -H 'x-github-delivery: d-1' ` +
      `-H 'x-hub-signature-256: ${signature}' -d '${order}'`,
    `curl -i -X POST ${url}/hooks/quote -u ${QUOTE_USER}:${settings.quotePassword} ${json} ` +
      `-d '{"sku":"tea","qty":3}'`,
  ];
}
