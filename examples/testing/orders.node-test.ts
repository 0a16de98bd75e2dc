/**
 * The tests of orders.test.ts on Node's own test runner, run with tsx from the repository root:
 *
 *   node --import tsx --test examples/testing/orders.node-test.ts
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type FakeClock, fakeClock, invoke, type TestRequestConfig } from 'hookflow/testing';
import { createOrderTrigger, createQuoteTrigger, memoryOrderDb } from './orders.js';

const secret = `whsec_${btoa('orders example secret')}`;
const order = { orderId: 'A-100', email: 'ana@example.com', lines: [{ sku: 'tea', qty: 2 }] };
const shop = { username: 'shop', password: 'quote-pass' };

function setup() {
  const clock = fakeClock({ now: '2024-05-01T09:00:00Z' });
  const db = memoryOrderDb({
    tea: { priceCents: 450, stock: 10 },
    coffee: { priceCents: 900, stock: 0 },
  });
  const deps = { db, clock, secret, quotePassword: 'quote-pass' };
  return { clock, db, orders: createOrderTrigger(deps), quote: createQuoteTrigger(deps) };
}

function placed(body: unknown, clock: FakeClock, id?: string): TestRequestConfig {
  return {
    url: '/hooks/orders',
    body,
    clock,
    sign: { scheme: 'standard-webhooks', secret, ...(id ? { id } : {}) },
  };
}

test('order placed: stores a signed order and reserves its stock', async () => {
  const { clock, db, orders } = setup();
  const { status, body, execution } = await invoke(orders, placed(order, clock));
  assert.equal(status, 200);
  assert.equal(body, 'ok');
  assert.equal(execution?.status, 'resolved');
  assert.deepEqual(execution?.result, { orderId: 'A-100', status: 'confirmed' });
  assert.equal(db.orders.get('A-100')?.storedAt, '2024-05-01T09:00:00.000Z');
  assert.equal(db.stock.get('tea'), 8);
});

test('order placed: stores an order it cannot fill as backordered', async () => {
  const { clock, db, orders } = setup();
  const coffee = { ...order, lines: [{ sku: 'coffee', qty: 1 }] };
  const { execution } = await invoke(orders, placed(coffee, clock));
  assert.deepEqual(execution?.result, { orderId: 'A-100', status: 'backordered' });
  assert.equal(db.orders.get('A-100')?.status, 'backordered');
});

test('order placed: refuses a delivery signed with another secret, and runs nothing', async () => {
  const { clock, db, orders } = setup();
  const { status, execution } = await invoke(orders, {
    body: order,
    clock,
    sign: { scheme: 'standard-webhooks', secret: `whsec_${btoa('not the shop')}` },
  });
  assert.equal(status, 401);
  assert.equal(execution, undefined);
  assert.equal(db.orders.size, 0);
});

test('order placed: runs a repeated delivery once', async () => {
  const { clock, db, orders } = setup();
  const first = await invoke(orders, placed(order, clock, 'msg_order_A-100'));
  const again = await invoke(orders, placed(order, clock, 'msg_order_A-100'));
  assert.equal(first.execution?.status, 'resolved');
  assert.equal(again.headers['idempotent-replayed'], 'true');
  assert.equal(again.execution, undefined);
  assert.equal(db.stock.get('tea'), 8);
});

test('order placed: retries while the warehouse is unreachable', async () => {
  const { clock, db, orders } = setup();
  db.failNextReserves(2);
  const pending = invoke(orders, placed(order, clock));
  await clock.advance(1000);
  await clock.advance(2000);
  const { execution } = await pending;
  assert.equal(execution?.status, 'resolved');
  assert.equal(execution?.attempts, 3);
  assert.deepEqual(
    execution?.history?.map((attempt) => attempt.status),
    ['failed', 'failed', 'resolved'],
  );
  assert.equal(db.orders.get('A-100')?.storedAt, '2024-05-01T09:00:03.000Z');
});

test('order placed: sends a malformed order to the dead letter without retrying', async () => {
  const { clock, db, orders } = setup();
  const { status, execution } = await invoke(orders, placed({ orderId: 'A-101' }, clock));
  assert.equal(status, 200);
  assert.equal(execution?.status, 'dead');
  assert.equal(execution?.attempts, 1);
  assert.equal(execution?.error?.name, 'NonRetryableError');
  assert.equal(db.orders.size, 0);
});

test('quote: answers with the price of the basket', async () => {
  const { quote } = setup();
  const { status, body } = await invoke(quote, {
    basicAuth: shop,
    body: { lines: [{ sku: 'tea', qty: 3 }] },
  });
  assert.equal(status, 200);
  assert.deepEqual(body, { totalCents: 1350 });
});

test('quote: answers 422 for an unknown product', async () => {
  const { quote } = setup();
  const { status, body } = await invoke(quote, {
    basicAuth: shop,
    body: { lines: [{ sku: 'cocoa', qty: 1 }] },
  });
  assert.equal(status, 422);
  assert.deepEqual(body, { error: 'unknown product cocoa' });
});

test('quote: answers 408 when the prices take longer than two seconds', async () => {
  const { clock, db, quote } = setup();
  db.delayPrices(new Promise(() => {}));
  const pending = invoke(quote, { basicAuth: shop, body: { lines: [{ sku: 'tea', qty: 1 }] } });
  await clock.advance(2000);
  const { status, execution } = await pending;
  assert.equal(status, 408);
  assert.equal(execution?.status, 'timeout');
  assert.equal(execution?.durationMs, 2000);
});
