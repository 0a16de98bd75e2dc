import { createWebhookTrigger, ERROR_STATUS, type ErrorCode } from 'hookflow';
import { describe, expect, it } from 'vitest';
import { basic, post, seen, waitForRecords } from './helpers.js';

const noop = () => {};

describe('createWebhookTrigger: pipeline errors', () => {
  const cases: {
    name: string;
    config: Parameters<typeof createWebhookTrigger>[0];
    request: () => Request;
    code: ErrorCode;
    status: number;
    headers?: Record<string, string | RegExp>;
    message?: RegExp;
  }[] = [
    {
      name: 'a disabled trigger',
      config: { workflow: noop, enabled: false },
      request: () => post({}),
      code: 'TRIGGER_DISABLED',
      status: 404,
    },
    {
      name: 'GET on a POST-only trigger',
      config: { workflow: noop },
      request: () => new Request('http://127.0.0.1/hooks/test'),
      code: 'METHOD_NOT_ALLOWED',
      status: 405,
      headers: { allow: 'POST' },
    },
    {
      name: 'POST when only PUT and PATCH are allowed',
      config: { workflow: noop, methods: ['put', 'PATCH'] },
      request: () => post({}),
      code: 'METHOD_NOT_ALLOWED',
      status: 405,
      headers: { allow: 'PUT, PATCH' },
    },
    {
      name: 'no credentials on a Basic-auth trigger',
      config: {
        workflow: noop,
        key: 'orders',
        auth: { type: 'basic', username: 'u', password: 'p' },
      },
      request: () => post({}),
      code: 'UNAUTHORIZED',
      status: 401,
      headers: { 'www-authenticate': /^Basic realm="hookflow orders"/ },
    },
    {
      name: 'a wrong password',
      config: { workflow: noop, auth: { type: 'basic', username: 'u', password: 'p' } },
      request: () => post({}, { headers: { authorization: basic('u', 'x') } }),
      code: 'UNAUTHORIZED',
      status: 401,
      headers: { 'www-authenticate': /^Basic realm=/ },
    },
    {
      name: 'a wrong user name',
      config: { workflow: noop, auth: { type: 'basic', username: 'u', password: 'p' } },
      request: () => post({}, { headers: { authorization: basic('v', 'p') } }),
      code: 'UNAUTHORIZED',
      status: 401,
    },
    {
      name: 'a malformed Basic header',
      config: { workflow: noop, auth: { type: 'basic', username: 'u', password: 'p' } },
      request: () => post({}, { headers: { authorization: 'Basic %%%not-base64' } }),
      code: 'UNAUTHORIZED',
      status: 401,
    },
    {
      name: 'a Content-Length over the limit',
      config: { workflow: noop, limits: { maxBodyBytes: 10 } },
      request: () => post('x'.repeat(11)),
      code: 'PAYLOAD_TOO_LARGE',
      status: 413,
    },
    {
      name: 'a body that lies about its length',
      config: { workflow: noop, limits: { maxBodyBytes: 10 } },
      request: () => post('x'.repeat(5000), { headers: { 'content-length': '3' } }),
      code: 'PAYLOAD_TOO_LARGE',
      status: 413,
    },
    {
      name: 'malformed JSON',
      config: { workflow: noop },
      request: () => post('{"a":', { headers: { 'content-type': 'application/json' } }),
      code: 'INVALID_BODY',
      status: 400,
    },
    {
      name: 'malformed +json',
      config: { workflow: noop },
      request: () => post('nope', { headers: { 'content-type': 'application/cloudevents+json' } }),
      code: 'INVALID_BODY',
      status: 400,
    },
    {
      name: 'a content type outside accept',
      config: { workflow: noop, accept: ['application/json'] },
      request: () =>
        post('a=1', { headers: { 'content-type': 'application/x-www-form-urlencoded' } }),
      code: 'UNSUPPORTED_MEDIA_TYPE',
      status: 415,
    },
    {
      name: 'an unknown charset',
      config: { workflow: noop },
      request: () => post('hi', { headers: { 'content-type': 'text/plain; charset=x-unknown-9' } }),
      code: 'UNSUPPORTED_MEDIA_TYPE',
      status: 415,
    },
    {
      name: 'missing required fields',
      config: {
        workflow: noop,
        request: {
          headers: [{ path: 'X-Delivery', required: true }],
          query: [{ path: 'tenant', required: true }],
          body: [{ path: 'order.id', alias: 'orderId', required: true }, 'order.note'],
        },
      },
      request: () => post({ order: {} }),
      code: 'MISSING_FIELDS',
      status: 400,
      message: /headers\.X-Delivery.*query\.tenant.*body\.order\.id/,
    },
    {
      name: 'a thrown error in a sync workflow',
      config: {
        mode: 'sync',
        workflow: () => {
          throw new Error('database password is hunter2');
        },
      },
      request: () => post({}),
      code: 'WORKFLOW_FAILED',
      status: 500,
      message: /^The workflow failed\.$/,
    },
    {
      name: 'a sync workflow slower than timeoutMs',
      config: {
        mode: 'sync',
        limits: { timeoutMs: 30 },
        workflow: () => new Promise((resolve) => setTimeout(resolve, 1000)),
      },
      request: () => post({}),
      code: 'WORKFLOW_TIMEOUT',
      status: 408,
    },
    {
      name: 'a full memory queue',
      config: {
        workflow: () => new Promise((resolve) => setTimeout(resolve, 50)),
      },
      request: () => post({}),
      code: 'QUEUE_FULL',
      status: 503,
      headers: { 'retry-after': /^\d+$/ },
    },
  ];

  it.each(cases)('answers $status $code for $name', async (c) => {
    const config = { ...c.config };
    let trigger = createWebhookTrigger(config);
    if (c.code === 'QUEUE_FULL') {
      const { memoryQueue } = await import('hookflow');
      trigger = createWebhookTrigger({
        ...config,
        queue: memoryQueue({ concurrency: 1, maxQueued: 1 }),
      });
      // One running, one waiting: the third has no room.
      await trigger(post({}));
      await trigger(post({}));
    }
    const res = await seen(await trigger(c.request()));
    expect(res.status).toBe(c.status);
    expect(ERROR_STATUS[c.code]).toBe(c.status);
    expect(res.headers['content-type']).toBe('application/json');
    expect(res.json).toEqual({ error: { code: c.code, message: expect.any(String) } });
    const { message } = (res.json as { error: { message: string } }).error;
    if (c.message) expect(message).toMatch(c.message);
    expect(message).not.toMatch(/hunter2|at .*\.ts:\d+/);
    for (const [name, value] of Object.entries(c.headers ?? {})) {
      if (typeof value === 'string') expect(res.headers[name]).toBe(value);
      else expect(res.headers[name]).toMatch(value);
    }
    await trigger.close({ timeoutMs: 100 });
  });

  it('stops reading a body at the limit, whatever Content-Length said', async () => {
    let pulls = 0;
    let cancelled = false;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulls++;
        controller.enqueue(new Uint8Array(16 * 1024));
      },
      cancel() {
        cancelled = true;
      },
    });
    const trigger = createWebhookTrigger({ workflow: noop, limits: { maxBodyBytes: 64 * 1024 } });
    const request = new Request('http://127.0.0.1/h', {
      method: 'POST',
      body: endless,
      duplex: 'half',
    } as RequestInit);
    const res = await trigger(request);
    expect(res.status).toBe(413);
    expect(cancelled).toBe(true);
    expect(pulls).toBeLessThan(10);
  });

  it('does not read the body of a request that fails authentication', async () => {
    let pulled = false;
    const body = new ReadableStream<Uint8Array>(
      {
        pull(controller) {
          pulled = true;
          controller.enqueue(new TextEncoder().encode('{}'));
          controller.close();
        },
        // With no queue to fill, the stream is only pulled when someone reads it.
      },
      { highWaterMark: 0 },
    );
    const trigger = createWebhookTrigger({
      workflow: noop,
      auth: { type: 'basic', username: 'u', password: 'p' },
    });
    const res = await trigger(
      new Request('http://127.0.0.1/h', { method: 'POST', body, duplex: 'half' } as RequestInit),
    );
    expect(res.status).toBe(401);
    expect(pulled).toBe(false);
  });
});

describe('createWebhookTrigger: Basic auth', () => {
  it('accepts the right credentials, including a rotated password and a UTF-8 password', async () => {
    const trigger = createWebhookTrigger({
      mode: 'sync',
      auth: { type: 'basic', username: 'hook', password: ['old-secret', 'nöuvéau:pass'] },
      workflow: () => ({ ok: true }),
    });
    for (const password of ['old-secret', 'nöuvéau:pass']) {
      const res = await trigger(post({}, { headers: { authorization: basic('hook', password) } }));
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ ok: true });
    }
  });

  it('accepts other spellings of the right credentials and refuses near misses', async () => {
    const trigger = createWebhookTrigger({
      mode: 'sync',
      auth: { type: 'basic', username: 'hook', password: 's3cret' },
      workflow: () => ({ ok: true }),
    });
    const encoded = Buffer.from('hook:s3cret').toString('base64');
    const status = async (authorization: string) =>
      (await trigger(post({}, { headers: { authorization } }))).status;
    expect(await status(`Basic ${encoded}`)).toBe(200);
    expect(await status(`basic ${encoded}`)).toBe(200);
    expect(await status(`BASIC   ${encoded}  `)).toBe(200);
    expect(await status(basic('hook', 's3creT'))).toBe(401);
    expect(await status(basic('Hook', 's3cret'))).toBe(401);
    expect(await status(`Basic ${encoded}x`)).toBe(401);
    expect(await status(`Bearer ${encoded}`)).toBe(401);
  });
});

describe('createWebhookTrigger: async mode', () => {
  it('answers 200 "ok" by default and runs the workflow in the background', async () => {
    const seenBodies: unknown[] = [];
    const trigger = createWebhookTrigger({ workflow: (ctx) => void seenBodies.push(ctx.body) });
    const res = await seen(await trigger(post({ hello: 'world' })));
    expect(res).toMatchObject({ status: 200, text: 'ok' });
    expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
    const [record] = await waitForRecords(trigger, (r) => r[0]?.status === 'resolved');
    expect(seenBodies).toEqual([{ hello: 'world' }]);
    expect(record).toMatchObject({
      key: trigger.key,
      mode: 'async',
      status: 'resolved',
      attempts: 1,
      response: { status: 200, body: 'ok' },
    });
  });

  it('answers the configured status, headers and templated body', async () => {
    const trigger = createWebhookTrigger({
      workflow: noop,
      request: { body: [{ path: 'order.id', alias: 'orderId' }] },
      response: {
        status: 202,
        headers: { 'X-Order': '{{$context.body.order.id}}', 'x-static': 'yes' },
        body: {
          accepted: '{{$context.vars.orderId}}',
          note: 'Order {{$context.query.ref}} queued',
        },
      },
    });
    const res = await seen(
      await trigger(post({ order: { id: 42 } }, { url: 'http://h/x?ref=abc' })),
    );
    expect(res.status).toBe(202);
    expect(res.headers['x-order']).toBe('42');
    expect(res.headers['x-static']).toBe('yes');
    expect(res.json).toEqual({ accepted: 42, note: 'Order abc queued' });
  });

  it('records a workflow that throws as failed, without an unhandled rejection', async () => {
    const trigger = createWebhookTrigger({
      workflow: async () => {
        throw new TypeError('bad data');
      },
    });
    const res = await trigger(post({}));
    expect(res.status).toBe(200);
    const [record] = await waitForRecords(trigger, (r) => r[0]?.status === 'failed');
    expect(record?.error).toEqual({ name: 'TypeError', message: 'bad data' });
  });

  it('gives the run a context with lower-case headers, parsed query, body, raw bytes and vars', async () => {
    let context: unknown;
    const trigger = createWebhookTrigger({
      key: 'ctx-test',
      clock: () => Date.UTC(2026, 0, 2, 3, 4, 5),
      generateId: () => 'exec-1',
      request: {
        headers: ['X-Source'],
        query: ['filter[0].a'],
        body: [{ path: 'b.c', alias: 'c' }],
      },
      workflow: (ctx) => {
        context = ctx;
      },
    });
    const body = '{"b":{"c":2}}';
    await trigger(
      post(body, {
        url: 'http://127.0.0.1/hooks/x?filter[0][a]=1&t=1&t=2',
        headers: { 'X-Source': 'crm', 'content-type': 'application/json' },
      }),
      { clientIp: '203.0.113.9', params: { tenant: 'acme' } },
    );
    await waitForRecords(trigger, (r) => r[0]?.status === 'resolved');
    expect(context).toEqual({
      key: 'ctx-test',
      executionId: 'exec-1',
      receivedAt: '2026-01-02T03:04:05.000Z',
      method: 'POST',
      url: 'http://127.0.0.1/hooks/x?filter[0][a]=1&t=1&t=2',
      params: { tenant: 'acme' },
      headers: expect.objectContaining({ 'x-source': 'crm', 'content-type': 'application/json' }),
      query: { filter: [{ a: '1' }], t: ['1', '2'] },
      body: { b: { c: 2 } },
      rawBody: new TextEncoder().encode(body),
      vars: { 'X-Source': 'crm', 'filter[0].a': '1', c: 2 },
      ip: '203.0.113.9',
    });
  });

  it.each([
    ['application/json', '{"a":[1,2]}', { a: [1, 2] }],
    ['application/vnd.api+json; charset=utf-8', '{"a":1}', { a: 1 }],
    [
      'application/x-www-form-urlencoded',
      'a=1&b[c]=2&l=x&l=y',
      { a: '1', b: { c: '2' }, l: ['x', 'y'] },
    ],
    ['text/plain', 'héllo', 'héllo'],
    ['text/csv; charset=iso-8859-1', new Uint8Array([0x63, 0x61, 0x66, 0xe9]), 'café'],
    ['application/octet-stream', new Uint8Array([0, 1, 2]), undefined],
    ['application/xml', '<a/>', undefined],
    ['application/json', '', undefined],
  ])('decodes %s bodies', async (type, raw, expected) => {
    let ctxBody: unknown = 'unset';
    let rawBody: Uint8Array | undefined;
    const trigger = createWebhookTrigger({
      mode: 'sync',
      workflow: (ctx) => {
        ctxBody = ctx.body;
        rawBody = ctx.rawBody;
      },
    });
    const res = await trigger(post(raw, { headers: { 'content-type': type } }));
    expect(res.status).toBe(200);
    expect(ctxBody).toEqual(expected);
    const bytes = typeof raw === 'string' ? new TextEncoder().encode(raw) : raw;
    expect(rawBody).toEqual(bytes);
  });
});

describe('createWebhookTrigger: sync mode', () => {
  const payments = createWebhookTrigger({
    mode: 'sync',
    workflow: (ctx, run) => {
      const body = ctx.body as { status?: string };
      if (body.status === 'paid') run.respond({ status: 200, body: { ok: true } });
      else run.respond({ status: 400, body: { ok: false, status: '{{$context.body.status}}' } });
    },
  });

  it('answers what the workflow decides: 200 for a paid order', async () => {
    const res = await seen(await payments(post({ status: 'paid' })));
    expect(res).toMatchObject({ status: 200, json: { ok: true } });
    expect(res.headers['content-type']).toBe('application/json');
  });

  it('answers what the workflow decides: 400 otherwise, with a templated body', async () => {
    const res = await seen(await payments(post({ status: 'pending' })));
    expect(res).toMatchObject({ status: 400, json: { ok: false, status: 'pending' } });
  });

  it('answers 200 with the returned value as JSON when respond is not called', async () => {
    const trigger = createWebhookTrigger({ mode: 'sync', workflow: (ctx) => ({ echo: ctx.body }) });
    expect(await seen(await trigger(post({ a: 1 })))).toMatchObject({
      status: 200,
      json: { echo: { a: 1 } },
    });
    const empty = createWebhookTrigger({ mode: 'sync', workflow: noop });
    const res = await seen(await empty(post({})));
    expect(res).toMatchObject({ status: 200, text: '' });
    expect(res.headers['content-type']).toBeUndefined();
  });

  it('lets the first respond() win at once and records later calls as ignored', async () => {
    let finish: () => void = noop;
    const trigger = createWebhookTrigger({
      mode: 'sync',
      workflow: async (_ctx, run) => {
        run.respond({ status: 201, headers: { location: '/orders/1' }, body: 'created' });
        run.respond({ status: 500, body: 'late' });
        await new Promise<void>((resolve) => {
          finish = resolve;
        });
        return 'done';
      },
    });
    const res = await seen(await trigger(post({})));
    expect(res).toMatchObject({ status: 201, text: 'created', headers: { location: '/orders/1' } });
    const [running] = await trigger.executions.list();
    expect(running?.status).toBe('started');
    finish();
    const [record] = await waitForRecords(trigger, (r) => r[0]?.status === 'resolved');
    expect(record?.result).toBe('done');
    expect(record?.response).toMatchObject({ status: 201, body: 'created' });
    expect(record?.warnings).toEqual([expect.stringMatching(/ignored/)]);
  });

  it('keeps the value type of a whole-string template and renders unknown paths empty', async () => {
    const trigger = createWebhookTrigger({
      mode: 'sync',
      workflow: (_ctx, run) =>
        run.respond({
          status: '{{$context.body.code}}',
          body: {
            n: '{{$context.body.n}}',
            list: '{{$context.body.list}}',
            none: '{{$context.body.x.y}}',
            text: 'n={{$context.body.n}};x={{$context.nope}}',
          },
        }),
    });
    const res = await seen(await trigger(post({ code: 207, n: 5, list: [1, { a: 2 }] })));
    expect(res.status).toBe(207);
    expect(res.json).toEqual({ n: 5, list: [1, { a: 2 }], none: '', text: 'n=5;x=' });
  });

  it('exposes the error message only with exposeErrors', async () => {
    const trigger = createWebhookTrigger({
      mode: 'sync',
      exposeErrors: true,
      workflow: () => {
        throw new Error('stock is empty');
      },
    });
    const res = await seen(await trigger(post({})));
    expect(res).toMatchObject({
      status: 500,
      json: { error: { code: 'WORKFLOW_FAILED', message: 'stock is empty' } },
    });
    const [record] = await waitForRecords(trigger, (r) => r[0]?.status === 'failed');
    expect(record?.error).toEqual({ name: 'Error', message: 'stock is empty' });
  });

  it('answers 408, aborts the run signal and records a timeout', async () => {
    let aborted = false;
    const trigger = createWebhookTrigger({
      mode: 'sync',
      limits: { timeoutMs: 20 },
      workflow: (_ctx, run) =>
        new Promise<void>((resolve) => {
          run.signal.addEventListener('abort', () => {
            aborted = true;
            resolve();
          });
        }),
    });
    const res = await seen(await trigger(post({})));
    expect(res).toMatchObject({ status: 408, json: { error: { code: 'WORKFLOW_TIMEOUT' } } });
    expect(aborted).toBe(true);
    const [record] = await waitForRecords(trigger, (r) => r[0]?.status === 'timeout');
    expect(record?.response?.status).toBe(408);
  });

  it("answers 202 { executionId } with onTimeout: 'accept' and lets the run go on", async () => {
    const trigger = createWebhookTrigger({
      mode: 'sync',
      onTimeout: 'accept',
      limits: { timeoutMs: 20 },
      workflow: () => new Promise((resolve) => setTimeout(resolve, 80, { late: true })),
    });
    const res = await seen(await trigger(post({})));
    expect(res.status).toBe(202);
    const { executionId } = res.json as { executionId: string };
    expect((await trigger.executions.get(executionId))?.status).toBe('started');
    const [record] = await waitForRecords(trigger, (r) => r[0]?.status === 'resolved');
    expect(record).toMatchObject({
      id: executionId,
      result: { late: true },
      response: { status: 202 },
    });
  });

  it('aborts the run signal when the caller goes away', async () => {
    const client = new AbortController();
    let reason: unknown;
    const trigger = createWebhookTrigger({
      mode: 'sync',
      workflow: (_ctx, run) =>
        new Promise((resolve) => {
          run.signal.addEventListener('abort', () => {
            reason = run.signal.reason;
            resolve('stopped');
          });
        }),
    });
    const pending = trigger(post({}), { signal: client.signal });
    setTimeout(() => client.abort(new Error('client went away')), 10);
    expect((await pending).status).toBe(200);
    expect(reason).toEqual(new Error('client went away'));
  });

  it('answers 500 INVALID_RESPONSE for a response spec it cannot send', async () => {
    const trigger = createWebhookTrigger({
      mode: 'sync',
      workflow: (ctx, run) => run.respond({ status: (ctx.body as { s: number }).s }),
    });
    const res = await seen(await trigger(post({ s: 99 })));
    expect(res).toMatchObject({ status: 500, json: { error: { code: 'INVALID_RESPONSE' } } });
  });
});

describe('createWebhookTrigger: CORS', () => {
  const trigger = createWebhookTrigger({
    mode: 'sync',
    cors: { origin: ['https://forms.example'] },
    workflow: () => ({ ok: true }),
  });

  it('answers a preflight from an allowed origin', async () => {
    const res = await trigger(
      new Request('http://127.0.0.1/h', {
        method: 'OPTIONS',
        headers: {
          origin: 'https://forms.example',
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type',
        },
      }),
    );
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('https://forms.example');
    expect(res.headers.get('access-control-allow-methods')).toBe('POST, OPTIONS');
    expect(res.headers.get('access-control-allow-headers')).toBe('content-type');
  });

  it('adds the allow-origin header for allowed origins only', async () => {
    const allowed = await trigger(post({}, { headers: { origin: 'https://forms.example' } }));
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://forms.example');
    const other = await trigger(post({}, { headers: { origin: 'https://evil.example' } }));
    expect(other.status).toBe(200);
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('createWebhookTrigger: details', () => {
  it('merges CORS Vary with the Vary the workflow set, and lists OPTIONS once in Allow', async () => {
    const trigger = createWebhookTrigger({
      mode: 'sync',
      methods: ['POST', 'OPTIONS'],
      cors: { origin: '*' },
      workflow: (_ctx, run) => run.respond({ headers: { vary: 'Accept-Encoding' }, body: 'x' }),
    });
    const res = await trigger(post({}, { headers: { origin: 'https://a.example' } }));
    expect(res.headers.get('vary')).toBe('Accept-Encoding, Origin');
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    const preflight = await trigger(
      new Request('http://h/x', { method: 'OPTIONS', headers: { origin: 'https://a.example' } }),
    );
    expect(preflight.headers.get('vary')).toBe('Origin, Access-Control-Request-Headers');
    expect(preflight.headers.get('access-control-allow-methods')).toBe('POST, OPTIONS');
  });

  it('keeps null in a whole-string template', async () => {
    const trigger = createWebhookTrigger({
      mode: 'sync',
      workflow: (_ctx, run) =>
        run.respond({ body: { v: '{{$context.body.v}}', h: '{{$context.body.missing}}' } }),
    });
    expect(await (await trigger(post({ v: null }))).json()).toEqual({ v: null, h: '' });
  });

  it('sends object header templates as JSON', async () => {
    const trigger = createWebhookTrigger({
      workflow: noop,
      response: { headers: { 'x-order': '{{$context.body.order}}' } },
    });
    const res = await trigger(post({ order: { id: 1 } }));
    expect(res.headers.get('x-order')).toBe('{"id":1}');
  });

  it('refuses a declared content type outside accept without reading the body', async () => {
    let pulled = false;
    const body = new ReadableStream<Uint8Array>(
      {
        pull(controller) {
          pulled = true;
          controller.close();
        },
      },
      { highWaterMark: 0 },
    );
    const trigger = createWebhookTrigger({ workflow: noop, accept: ['application/json'] });
    const res = await trigger(
      new Request('http://h/x', {
        method: 'POST',
        headers: { 'content-type': 'text/xml' },
        body,
        duplex: 'half',
      } as RequestInit),
    );
    expect(res.status).toBe(415);
    expect(pulled).toBe(false);
  });

  it('refuses a memory queue shared by two triggers', async () => {
    const { memoryQueue } = await import('hookflow');
    const queue = memoryQueue();
    createWebhookTrigger({ workflow: noop, queue });
    expect(() => createWebhookTrigger({ workflow: noop, queue })).toThrow(/already has a handler/);
  });

  it('leaves out null header values and varies on Origin for disallowed origins too', async () => {
    const trigger = createWebhookTrigger({
      workflow: noop,
      cors: { origin: ['https://a.example'] },
      response: {
        headers: { 'x-none': null as unknown as string, 'x-tpl': '{{$context.body.none}}' },
      },
    });
    const res = await trigger(post({}, { headers: { origin: 'https://b.example' } }));
    expect(res.headers.has('x-none')).toBe(false);
    expect(res.headers.get('x-tpl')).toBe('');
    expect(res.headers.get('vary')).toBe('Origin');
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('hands a sync run that outlives its 202 to waitUntil', async () => {
    const kept: Promise<unknown>[] = [];
    const trigger = createWebhookTrigger({
      mode: 'sync',
      onTimeout: 'accept',
      limits: { timeoutMs: 10 },
      workflow: () => new Promise((resolve) => setTimeout(resolve, 40, 'late')),
    });
    const res = await trigger(post({}), { waitUntil: (p) => kept.push(p) });
    expect(res.status).toBe(202);
    expect(kept).toHaveLength(1);
    await kept[0];
    const [record] = await trigger.executions.list();
    expect(record).toMatchObject({ status: 'resolved', result: 'late' });
  });
});
