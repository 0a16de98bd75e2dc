import {
  createWebhookTrigger,
  memoryQueue,
  NonRetryableError,
  type Verifier,
  type WebhookTriggerConfig,
} from 'hookflow';
import {
  createTestRequest,
  fakeClock,
  invoke,
  type TestRequestConfig,
  type TestSignConfig,
} from 'hookflow/testing';
import {
  github,
  hmac,
  linear,
  paddle,
  shopify,
  slack,
  square,
  standardWebhooks,
  stripe,
  twilio,
} from 'hookflow/verify';
import { describe, expect, it } from 'vitest';

/** A sync trigger that answers with what its workflow saw of the delivery. */
function echo(config: Partial<WebhookTriggerConfig> = {}) {
  return createWebhookTrigger({
    mode: 'sync',
    workflow: (ctx) => ({ method: ctx.method, url: ctx.url, query: ctx.query, body: ctx.body }),
    ...config,
  });
}

describe('createTestRequest', () => {
  it('posts to http://localhost/ by default, without a body', async () => {
    const request = await createTestRequest();
    expect(request.method).toBe('POST');
    expect(request.url).toBe('http://localhost/');
    expect(request.headers.get('content-type')).toBeNull();
    expect(await request.text()).toBe('');
  });

  it('JSON-encodes an object body and declares application/json', async () => {
    const request = await createTestRequest({ url: '/hooks/orders', body: { id: 7, tags: ['a'] } });
    expect(request.url).toBe('http://localhost/hooks/orders');
    expect(request.headers.get('content-type')).toBe('application/json');
    expect(await request.text()).toBe('{"id":7,"tags":["a"]}');
    const { body } = await invoke(echo(), { body: { id: 7, tags: ['a'] } });
    expect(body).toMatchObject({ method: 'POST', body: { id: 7, tags: ['a'] } });
  });

  it('sends a string as text/plain, bytes as they are', async () => {
    const text = await createTestRequest({ body: 'héllo' });
    expect(text.headers.get('content-type')).toBe('text/plain;charset=UTF-8');
    expect(await text.text()).toBe('héllo');
    const bytes = await createTestRequest({ body: new Uint8Array([0, 255, 1]) });
    expect(bytes.headers.get('content-type')).toBeNull();
    expect([...new Uint8Array(await bytes.arrayBuffer())]).toEqual([0, 255, 1]);
  });

  it('encodes an object as a nested form when the headers declare one', async () => {
    const { body } = await invoke(echo(), {
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: { order: { id: '9', items: ['x', 'y'] } },
    });
    expect(body).toMatchObject({ body: { order: { id: '9', items: ['x', 'y'] } } });
  });

  it('adds a query object the way the trigger decodes it, after the query of the URL', async () => {
    const request = await createTestRequest({
      url: 'http://example.test/hook?source=crm',
      query: { filter: { ids: [1, 2] }, q: 'a b&c' },
    });
    const { body } = await invoke(echo(), request);
    expect(body).toMatchObject({
      url: request.url,
      query: { source: 'crm', filter: { ids: ['1', '2'] }, q: 'a b&c' },
    });
  });

  it.each([
    ['a string', '?page=2&sort=desc'],
    ['URLSearchParams', new URLSearchParams({ page: '2', sort: 'desc' })],
  ])('adds a query given as %s', async (_name, query) => {
    const { body } = await invoke(echo(), { url: '/list', query });
    expect(body).toMatchObject({ url: 'http://localhost/list?page=2&sort=desc' });
  });

  it('sends Basic credentials (UTF-8) that the trigger accepts, and a wrong one gets 401', async () => {
    const trigger = echo({ auth: { type: 'basic', username: 'zoë', password: 'pässword' } });
    const ok = await invoke(trigger, { basicAuth: { username: 'zoë', password: 'pässword' } });
    expect(ok.status).toBe(200);
    const refused = await invoke(trigger, { basicAuth: { username: 'zoë', password: 'nope' } });
    expect(refused.status).toBe(401);
    expect(refused.headers['www-authenticate']).toMatch(/^Basic realm=/);
    expect(refused.body).toEqual({
      error: { code: 'UNAUTHORIZED', message: expect.any(String) },
    });
    expect(refused.execution).toBeUndefined();
  });

  it('keeps a content type given in headers', async () => {
    const request = await createTestRequest({
      headers: { 'content-type': 'application/vnd.api+json' },
      body: { data: null },
    });
    expect(request.headers.get('content-type')).toBe('application/vnd.api+json');
    expect(await request.text()).toBe('{"data":null}');
  });

  it.each<[string, TestRequestConfig, RegExp]>([
    ['a body with GET', { method: 'get', body: {} }, /option "body" must be absent for a GET/],
    ['a body that is no JSON value', { body: () => 1 }, /option "body"/],
    ['a query that is an array', { query: [] as unknown as string }, /option "query"/],
    ['a username with a colon', { basicAuth: { username: 'a:b', password: 'p' } }, /username/],
    ['an empty secret', { sign: { scheme: 'github', secret: '' } }, /"sign\.secret"/],
    [
      'an unknown scheme',
      { sign: { scheme: 'svix', secret: 's' } as unknown as TestSignConfig },
      /"sign\.scheme" must be one of 'github', .*'hmac', received "svix"/,
    ],
  ])('refuses %s with a TypeError', async (_name, config, message) => {
    // Thrown at once, or a rejection when signing (which is asynchronous).
    const make = async () => createTestRequest(config);
    await expect(make()).rejects.toThrow(TypeError);
    await expect(make()).rejects.toThrow(message);
  });

  it('takes the promise a signed createTestRequest returns, without await', async () => {
    const trigger = echo({ verify: github({ secret: 's' }) });
    const result = await invoke(
      trigger,
      createTestRequest({ body: { id: 7 }, sign: { scheme: 'github', secret: 's' } }),
    );
    expect(result.status).toBe(200);
    expect(result.body).toMatchObject({ body: { id: 7 } });
  });

  it('takes `secret` for Square and Twilio too, as for every other scheme', async () => {
    const notificationUrl = 'http://localhost/hooks/square';
    const squareTrigger = echo({ verify: square({ signatureKey: 'k', notificationUrl }) });
    const squareResult = await invoke(squareTrigger, {
      url: notificationUrl,
      body: { id: 1 },
      sign: { scheme: 'square', secret: 'k' },
    });
    expect(squareResult.status).toBe(200);
    const twilioTrigger = echo({ verify: twilio({ authToken: 'tw' }) });
    const twilioResult = await invoke(twilioTrigger, {
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: { Body: 'hi' },
      sign: { scheme: 'twilio', secret: 'tw' },
    });
    expect(twilioResult.status).toBe(200);
  });

  it('returns an unsigned Request at once, usable without await', async () => {
    const request = createTestRequest({ url: '/hooks', query: { a: 1 }, body: { id: 'A-1' } });
    expect(request).toBeInstanceOf(Request);
    expect(request.url).toBe('http://localhost/hooks?a=1');
    expect(request.headers.get('content-type')).toBe('application/json');
    expect(await request.text()).toBe('{"id":"A-1"}');
    const signed = createTestRequest({ body: {}, sign: { scheme: 'github', secret: 's' } });
    expect(signed).toBeInstanceOf(Promise);
    expect((await signed).headers.get('x-hub-signature-256')).toMatch(/^sha256=[0-9a-f]{64}$/);
  });
});

interface SchemeCase {
  scheme: TestSignConfig['scheme'];
  verify: Verifier;
  sign: TestSignConfig;
  /** The same scheme signed with another secret. */
  wrong: TestSignConfig;
  url?: string;
}

const WHSEC = `whsec_${btoa('a standard webhooks secret')}`;

const schemes: SchemeCase[] = [
  {
    scheme: 'github',
    verify: github({ secret: 'gh-secret' }),
    sign: { scheme: 'github', secret: 'gh-secret' },
    wrong: { scheme: 'github', secret: 'other' },
  },
  {
    scheme: 'shopify',
    verify: shopify({ secret: 'shop-secret' }),
    sign: { scheme: 'shopify', secret: 'shop-secret' },
    wrong: { scheme: 'shopify', secret: 'other' },
  },
  {
    scheme: 'linear',
    verify: linear({ secret: 'lin-secret' }),
    sign: { scheme: 'linear', secret: 'lin-secret' },
    wrong: { scheme: 'linear', secret: 'other' },
  },
  {
    scheme: 'stripe',
    verify: stripe({ secret: 'whsec_stripe' }),
    sign: { scheme: 'stripe', secret: 'whsec_stripe' },
    wrong: { scheme: 'stripe', secret: 'other' },
  },
  {
    scheme: 'slack',
    verify: slack({ secret: 'slack-secret' }),
    sign: { scheme: 'slack', secret: 'slack-secret' },
    wrong: { scheme: 'slack', secret: 'other' },
  },
  {
    scheme: 'paddle',
    verify: paddle({ secret: 'pdl-secret' }),
    sign: { scheme: 'paddle', secret: 'pdl-secret' },
    wrong: { scheme: 'paddle', secret: 'other' },
  },
  {
    scheme: 'standard-webhooks',
    verify: standardWebhooks({ secret: WHSEC }),
    sign: { scheme: 'standard-webhooks', secret: WHSEC, id: 'msg_1' },
    wrong: { scheme: 'standard-webhooks', secret: `whsec_${btoa('another')}` },
  },
  {
    scheme: 'square',
    url: 'https://shop.example/hooks/square',
    verify: square({
      signatureKey: 'sq-key',
      notificationUrl: 'https://shop.example/hooks/square',
    }),
    sign: { scheme: 'square', signatureKey: 'sq-key' },
    wrong: { scheme: 'square', signatureKey: 'other' },
  },
  {
    scheme: 'twilio',
    url: 'https://example.test/sms?tenant=7',
    verify: twilio({ authToken: 'tw-token' }),
    sign: { scheme: 'twilio', authToken: 'tw-token' },
    wrong: { scheme: 'twilio', authToken: 'other' },
  },
  {
    scheme: 'hmac',
    verify: hmac({ header: 'x-signature', prefix: 'sha512=', algorithm: 'sha512', secret: 'h' }),
    sign: {
      scheme: 'hmac',
      header: 'X-Signature',
      prefix: 'sha512=',
      algorithm: 'sha512',
      secret: 'h',
    },
    wrong: {
      scheme: 'hmac',
      header: 'x-signature',
      prefix: 'sha512=',
      algorithm: 'sha512',
      secret: 'x',
    },
  },
];

describe('createTestRequest({ sign })', () => {
  it('knows every scheme of the table', () => {
    expect(schemes.map((c) => c.scheme).sort()).toEqual(
      [
        'github',
        'hmac',
        'linear',
        'paddle',
        'shopify',
        'slack',
        'square',
        'standard-webhooks',
        'stripe',
        'twilio',
      ].sort(),
    );
  });

  // The trigger's clock is months away from the real time: timestamped schemes only pass if the
  // request took its timestamps from the same clock.
  it.each(schemes)('signs $scheme deliveries that its verifier accepts', async (c) => {
    const clock = fakeClock({ now: '2024-03-01T10:00:00Z' });
    const trigger = echo({ verify: c.verify, clock });
    const delivery = {
      ...(c.url ? { url: c.url } : {}),
      body: { event: 'order.paid', id: 41 },
      clock,
    };
    const signed = await invoke(trigger, { ...delivery, sign: c.sign });
    expect(signed.status, JSON.stringify(signed.body)).toBe(200);
    expect(signed.body).toMatchObject({ body: { event: 'order.paid', id: 41 } });
    expect(signed.execution).toMatchObject({ status: 'resolved', mode: 'sync' });

    const wrong = await invoke(trigger, { ...delivery, sign: c.wrong });
    expect(wrong.status).toBe(401);
    expect(wrong.body).toMatchObject({ error: { code: 'SIGNATURE_INVALID' } });
    expect(wrong.execution).toBeUndefined();
  });

  it.each(
    schemes.filter((c) => ['stripe', 'slack', 'paddle', 'standard-webhooks'].includes(c.scheme)),
  )('signs $scheme timestamps with the clock given, so that an old one is refused', async (c) => {
    const clock = fakeClock({ now: '2024-03-01T10:00:00Z' });
    const trigger = echo({ verify: c.verify, clock });
    const request = await createTestRequest({ body: { id: 1 }, sign: c.sign, clock });
    await clock.advance(3_600_000);
    const { status } = await invoke(trigger, request);
    expect(status).toBe(401);
  });

  it('uses the timestamp given', async () => {
    const clock = fakeClock({ now: '2024-03-01T10:00:00Z' });
    const trigger = echo({ verify: stripe({ secret: 's' }), clock });
    const at = Math.floor(clock.now() / 1000);
    const fresh = await invoke(trigger, {
      sign: { scheme: 'stripe', secret: 's', timestamp: at - 10 },
    });
    expect(fresh.status).toBe(200);
    const stale = await invoke(trigger, {
      sign: { scheme: 'stripe', secret: 's', timestamp: at - 400 },
    });
    expect(stale.status).toBe(401);
  });

  it('adds webhookTimestamp to a Linear body that has none, from the clock', async () => {
    const clock = fakeClock({ now: '2024-03-01T10:00:00Z' });
    const request = await createTestRequest({
      body: { action: 'create' },
      sign: { scheme: 'linear', secret: 's' },
      clock,
    });
    expect(await request.json()).toEqual({ action: 'create', webhookTimestamp: clock.now() });
  });

  it('signs a Twilio form body over its parameters, without bodySHA256', async () => {
    const trigger = echo({ verify: twilio({ authToken: 'tw' }) });
    const request = await createTestRequest({
      url: 'https://example.test/sms',
      body: new URLSearchParams({ From: '+15551234567', Body: 'hi' }),
      sign: { scheme: 'twilio', authToken: 'tw' },
    });
    expect(request.url).toBe('https://example.test/sms');
    const { status, body } = await invoke(trigger, request);
    expect(status).toBe(200);
    expect(body).toMatchObject({ body: { From: '+15551234567', Body: 'hi' } });
  });

  it('adds bodySHA256 to the URL of a Twilio JSON body, and signs the public URL given', async () => {
    const trigger = echo({
      verify: twilio({ authToken: 'tw', url: 'https://public.example/sms' }),
    });
    const { status, body } = await invoke(trigger, {
      url: 'http://127.0.0.1:8080/sms',
      body: { Body: 'hi' },
      sign: { scheme: 'twilio', authToken: 'tw', url: 'https://public.example/sms' },
    });
    expect(status).toBe(200);
    expect(body).toMatchObject({ url: expect.stringMatching(/\?bodySHA256=[0-9a-f]{64}$/) });
  });

  it('signs the Square notification URL given', async () => {
    const notificationUrl = 'https://public.example/square';
    const trigger = echo({ verify: square({ signatureKey: 'k', notificationUrl }) });
    const { status } = await invoke(trigger, {
      url: 'http://127.0.0.1/square',
      body: { event_id: 'e1' },
      sign: { scheme: 'square', signatureKey: 'k', notificationUrl },
    });
    expect(status).toBe(200);
  });
});

describe('invoke', () => {
  it('returns the sync answer, parsed, with the record of its run', async () => {
    const trigger = createWebhookTrigger({
      mode: 'sync',
      workflow: (_ctx, run) => {
        run.respond({ status: 201, headers: { 'x-order': '42' }, body: { ok: true } });
        return 'saved';
      },
    });
    const { response, status, headers, body, execution } = await invoke(trigger, {
      body: { id: 42 },
    });
    expect(status).toBe(201);
    expect(headers['x-order']).toBe('42');
    expect(body).toEqual({ ok: true });
    expect(await response.json()).toEqual({ ok: true });
    expect(execution).toMatchObject({
      key: trigger.key,
      mode: 'sync',
      status: 'resolved',
      attempts: 1,
      result: 'saved',
      response: { status: 201 },
    });
  });

  it('returns a text body as text', async () => {
    const trigger = createWebhookTrigger({
      mode: 'sync',
      workflow: (_ctx, run) =>
        run.respond({ headers: { 'content-type': 'text/csv' }, body: 'a,b' }),
    });
    expect((await invoke(trigger)).body).toBe('a,b');
  });

  it('takes a Request as it is', async () => {
    const trigger = echo();
    const request = new Request('http://localhost/raw', { method: 'PUT', body: 'x' });
    const { body } = await invoke(echo({ methods: ['PUT'] }), request);
    expect(body).toMatchObject({ method: 'PUT', body: 'x' });
    expect(
      (await invoke(trigger, new Request('http://localhost/', { method: 'PUT' }))).status,
    ).toBe(405);
  });

  it('waits in async mode until the background run has ended, and returns its record', async () => {
    let release = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const trigger = createWebhookTrigger({
      workflow: async (ctx) => {
        await gate;
        return { stored: (ctx.body as { id: number }).id };
      },
    });
    let done = false;
    const pending = invoke(trigger, { body: { id: 5 } }).finally(() => {
      done = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(done).toBe(false);
    const [running] = await trigger.executions.list();
    expect(running?.status).toBe('started');
    release();
    const { status, body, execution } = await pending;
    expect(status).toBe(200);
    expect(body).toBe('ok');
    expect(execution).toMatchObject({ status: 'resolved', result: { stored: 5 }, id: running?.id });
  });

  it('returns the failed record of an async run that threw without retries', async () => {
    const trigger = createWebhookTrigger({
      workflow: () => {
        throw new TypeError('bad order');
      },
    });
    const { status, execution } = await invoke(trigger, { body: {} });
    expect(status).toBe(200);
    expect(execution).toMatchObject({
      status: 'failed',
      error: { name: 'TypeError', message: 'bad order' },
    });
  });

  it('finds each delivery its own record when calls overlap', async () => {
    const trigger = createWebhookTrigger({
      workflow: async (ctx) => {
        const { n } = ctx.body as { n: number };
        // Later deliveries finish first.
        await new Promise((resolve) => setTimeout(resolve, (6 - n) * 3));
        return n;
      },
    });
    const results = await Promise.all([1, 2, 3, 4, 5].map((n) => invoke(trigger, { body: { n } })));
    expect(results.map((r) => r.execution?.result)).toEqual([1, 2, 3, 4, 5]);
    expect(new Set(results.map((r) => r.execution?.id)).size).toBe(5);
  });

  it('finds records in an executions store shared with other triggers', async () => {
    const first = createWebhookTrigger({ key: 'first', mode: 'sync', workflow: () => 1 });
    const second = createWebhookTrigger({
      key: 'second',
      mode: 'sync',
      executions: first.executions,
      workflow: () => 2,
    });
    const [a, b] = await Promise.all([invoke(first), invoke(second)]);
    expect(a.execution).toMatchObject({ key: 'first', result: 1 });
    expect(b.execution).toMatchObject({ key: 'second', result: 2 });
  });

  it('returns no record for a delivery refused before it ran', async () => {
    const trigger = createWebhookTrigger({
      auth: { type: 'bearer', token: 'secret-token' },
      workflow: () => 'ran',
    });
    const { status, body, execution } = await invoke(trigger, { body: { id: 1 } });
    expect(status).toBe(401);
    expect(body).toMatchObject({ error: { code: 'UNAUTHORIZED' } });
    expect(execution).toBeUndefined();
    expect(await trigger.executions.list()).toEqual([]);
  });

  it('returns the failed record of a delivery the queue refused', async () => {
    let release = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const trigger = createWebhookTrigger({
      queue: memoryQueue({ concurrency: 1, maxQueued: 1 }),
      workflow: () => gate,
    });
    // One run holds the only slot and one waits: the queue is full.
    for (const n of [1, 2])
      expect((await trigger(await createTestRequest({ body: { n } }))).status).toBe(200);
    const { status, headers, execution } = await invoke(trigger, { body: { n: 3 } });
    expect(status).toBe(503);
    expect(headers['retry-after']).toBe('1');
    expect(execution).toMatchObject({ status: 'failed', error: { code: 'QUEUE_FULL' } });
    release();
    await trigger.close();
  });

  it('returns no record for a duplicate answered with the first response', async () => {
    const trigger = createWebhookTrigger({
      mode: 'sync',
      dedupe: { key: 'body.id' },
      workflow: () => ({ ok: true }),
    });
    const first = await invoke(trigger, { body: { id: 'evt_1' } });
    const again = await invoke(trigger, { body: { id: 'evt_1' } });
    expect(first.execution?.status).toBe('resolved');
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toEqual({ ok: true });
    expect(again.execution).toBeUndefined();
  });

  it('passes clientIp and params on to the trigger', async () => {
    const trigger = createWebhookTrigger({
      mode: 'sync',
      ipAllow: ['10.0.0.0/8'],
      workflow: (ctx) => ({ ip: ctx.ip, params: ctx.params }),
    });
    const allowed = await invoke(trigger, {}, { clientIp: '10.1.2.3', params: { tenant: 'acme' } });
    expect(allowed.body).toEqual({ ip: '10.1.2.3', params: { tenant: 'acme' } });
    const refused = await invoke(trigger, {}, { clientIp: '192.0.2.1' });
    expect(refused.status).toBe(403);
  });

  it('fails after timeoutMs, naming the execution and its last status', async () => {
    const clock = fakeClock();
    const trigger = createWebhookTrigger({
      mode: 'sync',
      clock,
      workflow: () => new Promise(() => {}),
    });
    const failure = await invoke(trigger, {}, { timeoutMs: 50 }).catch((error: Error) => error);
    const [record] = await trigger.executions.list();
    expect(failure).toBeInstanceOf(Error);
    expect((failure as Error).message).toContain(`execution ${record?.id}`);
    expect((failure as Error).message).toContain('(last status: started)');
    expect((failure as Error).message).toContain('advance the clock');
  });

  it('rejects a timeoutMs that is not a positive number', async () => {
    await expect(invoke(echo(), {}, { timeoutMs: 0 })).rejects.toThrow(RangeError);
  });
});

describe('fakeClock with a trigger', () => {
  it('drives a sync run past limits.timeoutMs to 408', async () => {
    const clock = fakeClock({ now: '2024-06-01T08:00:00Z' });
    let aborted = false;
    const trigger = createWebhookTrigger({
      mode: 'sync',
      clock,
      limits: { timeoutMs: 10_000 },
      workflow: (_ctx, run) =>
        new Promise((resolve) => {
          run.signal.addEventListener('abort', () => {
            aborted = true;
            resolve('too late');
          });
        }),
    });
    let answered = false;
    const pending = invoke(trigger, { body: {} }).finally(() => {
      answered = true;
    });
    await clock.advance(9_999);
    expect(answered).toBe(false);
    expect(clock.pending()).toBe(1);
    await clock.advance(1);
    const { status, body, execution } = await pending;
    expect(status).toBe(408);
    expect(body).toMatchObject({ error: { code: 'WORKFLOW_TIMEOUT' } });
    expect(aborted).toBe(true);
    expect(execution).toMatchObject({
      status: 'timeout',
      receivedAt: '2024-06-01T08:00:00.000Z',
      startedAt: '2024-06-01T08:00:00.000Z',
      finishedAt: '2024-06-01T08:00:10.000Z',
      durationMs: 10_000,
    });
  });

  it('drives an async retry backoff, and invoke returns the dead record after the last attempt', async () => {
    const clock = fakeClock({ now: '2024-06-01T08:00:00Z' });
    const attempts: string[] = [];
    const trigger = createWebhookTrigger({
      clock,
      retry: { attempts: 3, backoff: { type: 'exponential', delayMs: 1000 } },
      workflow: (_ctx, run) => {
        attempts.push(`${run.attempt}@${new Date(clock.now()).toISOString().slice(11, 19)}`);
        throw new Error('warehouse unavailable');
      },
    });
    const pending = invoke(trigger, { body: { orderId: 'A-1' } });
    await clock.advance(0);
    expect(attempts).toEqual(['1@08:00:00']);
    await clock.advance(999);
    expect(attempts).toHaveLength(1);
    await clock.advance(1);
    expect(attempts).toEqual(['1@08:00:00', '2@08:00:01']);
    await clock.advance(2000);
    const { status, execution } = await pending;
    expect(status).toBe(200);
    expect(attempts).toEqual(['1@08:00:00', '2@08:00:01', '3@08:00:03']);
    expect(execution).toMatchObject({
      status: 'dead',
      attempts: 3,
      error: { message: 'warehouse unavailable' },
      finishedAt: '2024-06-01T08:00:03.000Z',
    });
    expect(execution?.history?.map((h) => h.status)).toEqual(['failed', 'failed', 'failed']);
    expect(clock.pending()).toBe(0);
  });

  it('ends an async run early with a NonRetryableError, without waiting for the clock', async () => {
    const clock = fakeClock();
    const trigger = createWebhookTrigger({
      clock,
      retry: { attempts: 5 },
      workflow: () => {
        throw new NonRetryableError('unknown product');
      },
    });
    const { execution } = await invoke(trigger, { body: {} });
    expect(execution).toMatchObject({ status: 'dead', attempts: 1 });
  });
});
