import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Demo } from './server.js';
import { startDemo } from './server.js';

const paymentsAuth = `Basic ${btoa('demo:demo-password')}`;
const json = { 'content-type': 'application/json' };

describe('examples/node-http', () => {
  const logs: string[] = [];
  let demo: Demo;

  beforeAll(async () => {
    demo = await startDemo({ port: 0, log: (line) => logs.push(line) });
  });

  afterAll(async () => {
    await demo?.close();
  });

  function post(path: string, body: unknown, headers: Record<string, string> = {}) {
    return fetch(`${demo.url}${path}`, {
      method: 'POST',
      headers: { ...json, ...headers },
      body: JSON.stringify(body),
    });
  }

  it('listens on 127.0.0.1 on the port it was given (0 = a free one)', () => {
    expect(demo.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(demo.url).not.toMatch(/:0$/);
  });

  it('prints ready-to-paste curl commands for both triggers', () => {
    const curls = logs.filter((line) => line.trim().startsWith('curl '));
    expect(curls).toHaveLength(3);
    expect(curls[0]).toContain(`${demo.url}/hooks/orders`);
    expect(curls[1]).toContain(`${demo.url}/hooks/payments -u demo:demo-password`);
    expect(curls[2]).toContain('"status":"pending"');
  });

  it('acknowledges an order with the templated 202, then runs the workflow', async () => {
    const response = await post('/hooks/orders', { order: { id: 'A-1001' } });
    expect(response.status).toBe(202);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(await response.json()).toEqual({ accepted: 'A-1001' });
    await vi.waitFor(() => expect(logs).toContain('[orders] order A-1001 processed (attempt 1)'), {
      timeout: 2000,
      interval: 20,
    });
  });

  it('answers 400 MISSING_FIELDS for an order without order.id', async () => {
    const response = await post('/hooks/orders', { order: {} });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: { code: 'MISSING_FIELDS', message: expect.stringContaining('body.order.id') },
    });
  });

  it('answers 200 { ok: true } for a paid payment', async () => {
    const response = await post(
      '/hooks/payments',
      { status: 'paid' },
      { authorization: paymentsAuth },
    );
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true });
  });

  it('answers 400 for a payment that is not paid', async () => {
    const response = await post(
      '/hooks/payments',
      { status: 'pending' },
      { authorization: paymentsAuth },
    );
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ ok: false });
  });

  it('answers 401 with a Basic challenge for a wrong password', async () => {
    const response = await post(
      '/hooks/payments',
      { status: 'paid' },
      { authorization: `Basic ${btoa('demo:wrong')}` },
    );
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(/^Basic realm="[^"]+"/);
    expect(await response.json()).toMatchObject({ error: { code: 'UNAUTHORIZED' } });
  });

  it.each(['/hooks/orders', '/hooks/payments'])(
    'answers 405 with Allow for GET %s',
    async (path) => {
      const response = await fetch(`${demo.url}${path}`);
      expect(response.status).toBe(405);
      expect(response.headers.get('allow')).toBe('POST');
      expect(await response.json()).toMatchObject({ error: { code: 'METHOD_NOT_ALLOWED' } });
    },
  );

  it('answers 404 TRIGGER_NOT_FOUND for an unknown key', async () => {
    const response = await post('/hooks/unknown', {});
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({
      error: { code: 'TRIGGER_NOT_FOUND', message: expect.any(String) },
    });
  });
});
