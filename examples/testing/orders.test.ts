import { type FakeClock, fakeClock, invoke, type TestRequestConfig } from 'hookflow/testing';
import { describe, expect, it } from 'vitest';
import { createOrderTrigger, createQuoteTrigger, memoryOrderDb } from './orders.js';

const secret = `whsec_${btoa('orders example secret')}`;
const order = { orderId: 'A-100', email: 'ana@example.com', lines: [{ sku: 'tea', qty: 2 }] };

/** A fresh database, clock and pair of triggers for each test. */
function setup() {
  const clock = fakeClock({ now: '2024-05-01T09:00:00Z' });
  const db = memoryOrderDb({
    tea: { priceCents: 450, stock: 10 },
    coffee: { priceCents: 900, stock: 0 },
  });
  const deps = { db, clock, secret, quotePassword: 'quote-pass' };
  return { clock, db, orders: createOrderTrigger(deps), quote: createQuoteTrigger(deps) };
}

/** A delivery from the shop, signed at the clock's time. */
function placed(body: unknown, clock: FakeClock, id?: string): TestRequestConfig {
  return {
    url: '/hooks/orders',
    body,
    clock,
    sign: { scheme: 'standard-webhooks', secret, ...(id ? { id } : {}) },
  };
}

const shop = { username: 'shop', password: 'quote-pass' };

describe('order placed', () => {
  it('stores a signed order and reserves its stock', async () => {
    const { clock, db, orders } = setup();
    const { status, body, execution } = await invoke(orders, placed(order, clock));
    expect(status).toBe(200);
    expect(body).toBe('ok');
    expect(execution).toMatchObject({
      status: 'resolved',
      result: { orderId: 'A-100', status: 'confirmed' },
    });
    expect(db.orders.get('A-100')).toMatchObject({
      status: 'confirmed',
      storedAt: '2024-05-01T09:00:00.000Z',
    });
    expect(db.stock.get('tea')).toBe(8);
  });

  it('stores an order it cannot fill as backordered', async () => {
    const { clock, db, orders } = setup();
    const coffee = { ...order, lines: [{ sku: 'coffee', qty: 1 }] };
    const { execution } = await invoke(orders, placed(coffee, clock));
    expect(execution?.result).toEqual({ orderId: 'A-100', status: 'backordered' });
    expect(db.orders.get('A-100')?.status).toBe('backordered');
  });

  it('refuses a delivery signed with another secret, and runs nothing', async () => {
    const { clock, db, orders } = setup();
    const { status, execution } = await invoke(orders, {
      body: order,
      clock,
      sign: { scheme: 'standard-webhooks', secret: `whsec_${btoa('not the shop')}` },
    });
    expect(status).toBe(401);
    expect(execution).toBeUndefined();
    expect(db.orders.size).toBe(0);
  });

  it('runs a repeated delivery once', async () => {
    const { clock, db, orders } = setup();
    const first = await invoke(orders, placed(order, clock, 'msg_order_A-100'));
    const again = await invoke(orders, placed(order, clock, 'msg_order_A-100'));
    expect(first.execution?.status).toBe('resolved');
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.execution).toBeUndefined();
    expect(db.stock.get('tea')).toBe(8);
  });

  it('retries while the warehouse is unreachable, one then two seconds apart', async () => {
    const { clock, db, orders } = setup();
    db.failNextReserves(2);
    const pending = invoke(orders, placed(order, clock));
    await clock.advance(1000);
    await clock.advance(2000);
    const { execution } = await pending;
    expect(execution).toMatchObject({ status: 'resolved', attempts: 3 });
    expect(execution?.history?.map((attempt) => attempt.status)).toEqual([
      'failed',
      'failed',
      'resolved',
    ]);
    expect(db.orders.get('A-100')?.storedAt).toBe('2024-05-01T09:00:03.000Z');
  });

  it('sends a malformed order to the dead letter without retrying', async () => {
    const { clock, db, orders } = setup();
    const { status, execution } = await invoke(orders, placed({ orderId: 'A-101' }, clock));
    expect(status).toBe(200);
    expect(execution).toMatchObject({
      status: 'dead',
      attempts: 1,
      error: { name: 'NonRetryableError', message: 'The order is malformed.' },
    });
    expect(db.orders.size).toBe(0);
  });
});

describe('quote', () => {
  it('answers with the price of the basket', async () => {
    const { quote } = setup();
    const { status, body, execution } = await invoke(quote, {
      basicAuth: shop,
      body: { lines: [{ sku: 'tea', qty: 3 }] },
    });
    expect(status).toBe(200);
    expect(body).toEqual({ totalCents: 1350 });
    expect(execution?.status).toBe('resolved');
  });

  it('answers 422 for an unknown product', async () => {
    const { quote } = setup();
    const { status, body } = await invoke(quote, {
      basicAuth: shop,
      body: { lines: [{ sku: 'cocoa', qty: 1 }] },
    });
    expect(status).toBe(422);
    expect(body).toEqual({ error: 'unknown product cocoa' });
  });

  it('answers 408 when the prices take longer than two seconds', async () => {
    const { clock, db, quote } = setup();
    db.delayPrices(new Promise(() => {}));
    const pending = invoke(quote, { basicAuth: shop, body: { lines: [{ sku: 'tea', qty: 1 }] } });
    await clock.advance(2000);
    const { status, execution } = await pending;
    expect(status).toBe(408);
    expect(execution).toMatchObject({ status: 'timeout', durationMs: 2000 });
  });
});
