/**
 * A small order workflow, written so that it can be tested without a server: everything it
 * touches (the database, the clock) comes in as an argument.
 *
 * - `createOrderTrigger` (async, Standard Webhooks signature, deduplicated by `webhook-id`): stores
 *   the order and reserves its stock (`confirmed`, or `backordered` when stock is short). A
 *   warehouse that cannot be reached is retried with backoff; an order that makes no sense fails
 *   at once (`NonRetryableError`) and goes to the dead letter.
 * - `createQuoteTrigger` (sync, Basic auth): answers with the price of a basket, `422` for an
 *   unknown product, and `408` when the price lookup takes longer than two seconds.
 */
import { type Clock, createWebhookTrigger, NonRetryableError, type WebhookTrigger } from 'hookflow';
import { standardWebhooks } from 'hookflow/verify';

/** One line of an order. */
export interface OrderLine {
  sku: string;
  qty: number;
}

/** An order as the shop sends it. */
export interface PlacedOrder {
  orderId: string;
  email: string;
  lines: OrderLine[];
}

/** An order as the workflow stores it. */
export interface StoredOrder extends PlacedOrder {
  status: 'confirmed' | 'backordered';
  /** When the workflow stored it, ISO 8601 (from the trigger's clock). */
  storedAt: string;
}

/** What the workflows need from the database. */
export interface OrderDb {
  /** The unit price of a product in cents, or `undefined` for an unknown product. */
  price(sku: string, signal?: AbortSignal): Promise<number | undefined>;
  /** Takes `qty` units out of stock; `false` when there are not enough. Throws when unreachable. */
  reserve(sku: string, qty: number): Promise<boolean>;
  /** Inserts or replaces an order. */
  save(order: StoredOrder): Promise<void>;
}

/** What the triggers are built from. */
export interface OrderDeps {
  db: OrderDb;
  /** The shop's Standard Webhooks secret (`whsec_…`). */
  secret: string;
  /** The Basic auth password of the quote trigger (user `shop`). */
  quotePassword: string;
  /** Time for timestamps, timeouts and retry delays. @defaultValue the real clock */
  clock?: Clock;
}

function parseOrder(body: unknown): PlacedOrder {
  const order = body as Partial<PlacedOrder> | undefined;
  const valid =
    typeof order?.orderId === 'string' &&
    typeof order.email === 'string' &&
    order.email.includes('@') &&
    Array.isArray(order.lines) &&
    order.lines.length > 0 &&
    order.lines.every(
      (line) => typeof line?.sku === 'string' && Number.isInteger(line.qty) && line.qty > 0,
    );
  // Retrying cannot fix a malformed order: straight to the dead letter.
  if (!valid) throw new NonRetryableError('The order is malformed.');
  return order as PlacedOrder;
}

/**
 * The "order placed" trigger: async, signed, deduplicated, three attempts one and two seconds
 * apart.
 */
export function createOrderTrigger({ db, secret, clock }: OrderDeps): WebhookTrigger {
  const now = () => new Date(clock ? clock.now() : Date.now()).toISOString();
  return createWebhookTrigger({
    key: 'orders',
    verify: standardWebhooks({ secret }),
    dedupe: { key: 'delivery' },
    retry: { attempts: 3, backoff: { type: 'exponential', delayMs: 1000 } },
    ...(clock ? { clock } : {}),
    workflow: async (ctx) => {
      const order = parseOrder(ctx.body);
      let status: StoredOrder['status'] = 'confirmed';
      for (const line of order.lines) {
        if (!(await db.reserve(line.sku, line.qty))) status = 'backordered';
      }
      await db.save({ ...order, status, storedAt: now() });
      return { orderId: order.orderId, status };
    },
  });
}

/** The "quote" trigger: sync, Basic auth, answers within two seconds or with 408. */
export function createQuoteTrigger({ db, quotePassword, clock }: OrderDeps): WebhookTrigger {
  return createWebhookTrigger({
    key: 'quote',
    mode: 'sync',
    auth: { type: 'basic', username: 'shop', password: quotePassword },
    limits: { timeoutMs: 2000 },
    ...(clock ? { clock } : {}),
    workflow: async (ctx, run) => {
      const { lines } = ctx.body as { lines: OrderLine[] };
      let totalCents = 0;
      for (const { sku, qty } of lines) {
        const price = await db.price(sku, run.signal);
        if (price === undefined) {
          run.respond({ status: 422, body: { error: `unknown product ${sku}` } });
          return;
        }
        totalCents += price * qty;
      }
      return { totalCents };
    },
  });
}

/** An in-memory {@link OrderDb} for tests and demos. */
export interface MemoryOrderDb extends OrderDb {
  /** Stock left, by product. */
  readonly stock: Map<string, number>;
  /** Stored orders, by id. */
  readonly orders: Map<string, StoredOrder>;
  /** Makes the next `n` calls to `reserve` throw, as an unreachable warehouse would. */
  failNextReserves(n: number): void;
  /** Makes `price` wait for this promise first, as a slow database would. */
  delayPrices(until: Promise<void>): void;
}

/**
 * An in-memory database with products, prices (cents) and stock.
 */
export function memoryOrderDb(
  products: Record<string, { priceCents: number; stock: number }>,
): MemoryOrderDb {
  const stock = new Map(Object.entries(products).map(([sku, p]) => [sku, p.stock]));
  const orders = new Map<string, StoredOrder>();
  let failures = 0;
  let slow: Promise<void> | undefined;
  return {
    stock,
    orders,
    failNextReserves(n) {
      failures = n;
    },
    delayPrices(until) {
      slow = until;
    },
    async price(sku, signal) {
      if (slow) {
        // A lookup the caller gave up on stops waiting, as a real driver given the signal does.
        const stopped = new Promise<never>((_, reject) => {
          signal?.addEventListener('abort', () => reject(signal.reason), { once: true });
        });
        await Promise.race([slow, stopped]);
      }
      return products[sku]?.priceCents;
    },
    async reserve(sku, qty) {
      if (failures > 0) {
        failures--;
        throw new Error('warehouse unreachable');
      }
      const left = stock.get(sku) ?? 0;
      if (left < qty) return false;
      stock.set(sku, left - qty);
      return true;
    },
    async save(order) {
      orders.set(order.orderId, order);
    },
  };
}
