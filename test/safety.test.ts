import fc from 'fast-check';
import { createWebhookTrigger, getPath, renderTemplate } from 'hookflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { post } from './helpers.js';

const prototypeKeys = () => Object.getOwnPropertyNames(Object.prototype).sort();

describe('prototype pollution', () => {
  const before = prototypeKeys();
  const contexts: unknown[] = [];
  const trigger = createWebhookTrigger({
    mode: 'sync',
    request: {
      query: ['__proto__x', 'a.b'],
      body: [{ path: 'safe', alias: 'safe' }],
    },
    workflow: (ctx) => {
      contexts.push(ctx);
      return { vars: ctx.vars, polluted: ({} as Record<string, unknown>).polluted ?? null };
    },
  });

  it.each([
    [
      'query',
      post(undefined, {
        url: 'http://h/x?__proto__[polluted]=1&constructor[prototype][polluted]=1&a[__proto__][polluted]=1',
      }),
    ],
    [
      'form',
      post('__proto__[polluted]=1&constructor[prototype][polluted]=1&x[__proto__][polluted]=1', {
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      }),
    ],
    [
      'JSON',
      post(
        '{"__proto__":{"polluted":1},"constructor":{"prototype":{"polluted":1}},"safe":{"__proto__":{"polluted":1}}}',
        {
          headers: { 'content-type': 'application/json' },
        },
      ),
    ],
  ])('leaves Object.prototype clean for %s input', async (_name, request) => {
    const res = await trigger(request);
    expect(res.status).toBe(200);
    const out = (await res.json()) as { polluted: unknown };
    expect(out.polluted).toBeNull();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(prototypeKeys()).toEqual(before);
  });

  it('drops prototype keys from JSON bodies so that later merges cannot pollute', () => {
    const body = (contexts.at(-1) as { body: Record<string, unknown> }).body;
    expect(Object.keys(body)).toEqual(['safe']);
    expect(Object.keys(body.safe as object)).toEqual([]);
  });

  it('never reads through __proto__, constructor or prototype', () => {
    const value = { a: { b: 1 }, list: [1] };
    for (const path of [
      '__proto__',
      'a.__proto__',
      'constructor',
      'a.constructor.prototype',
      'list.constructor',
      'toString',
      'a.hasOwnProperty',
    ]) {
      expect(getPath(value, path)).toBeUndefined();
    }
    expect(
      renderTemplate('{{$context.__proto__}}|{{$context.constructor.name}}', { $context: value }),
    ).toBe('|');
  });

  it('rejects field paths through prototype keys at config time', () => {
    expect(() =>
      createWebhookTrigger({ workflow: () => {}, request: { body: ['a.__proto__.b'] } }),
    ).toThrow(/request\.body\[0\]/);
    expect(() =>
      createWebhookTrigger({
        workflow: () => {},
        request: { body: [{ path: 'a', alias: '__proto__' }] },
      }),
    ).toThrow(TypeError);
  });

  it('bounds qs: depth, array and parameter limits', async () => {
    const deep = `${'a'}${'[b]'.repeat(50)}=1`;
    const many = Array.from({ length: 5000 }, (_, i) => `k${i}=1`).join('&');
    const res = await trigger(post(undefined, { url: `http://h/x?${deep}&big[999999]=1&${many}` }));
    expect(res.status).toBe(200);
    const ctx = contexts.at(-1) as { query: Record<string, unknown> };
    expect(Object.keys(ctx.query).length).toBeLessThanOrEqual(1000);
    // A huge index stays an object key instead of allocating a sparse array.
    expect(Array.isArray(ctx.query.big)).toBe(false);
    let depth = 0;
    for (
      let node: unknown = ctx.query.a;
      node && typeof node === 'object';
      node = Object.values(node)[0]
    )
      depth++;
    expect(depth).toBeLessThanOrEqual(9);
  });
});

describe('untrusted input (property)', () => {
  const rejections: unknown[] = [];
  const onRejection = (reason: unknown) => rejections.push(reason);
  beforeAll(() => {
    process.on('unhandledRejection', onRejection);
  });
  afterAll(() => {
    process.off('unhandledRejection', onRejection);
  });

  const token = fc.stringMatching(/^[a-z][a-z0-9!#$%&'*+.^_`|~-]{0,15}$/);
  const contentType = fc.oneof(
    fc.constantFrom(
      'application/json',
      'application/ld+json',
      'application/x-www-form-urlencoded',
      'text/plain',
      'text/html; charset=utf-16le',
      'multipart/form-data; boundary=x',
      'application/octet-stream',
      '',
    ),
    fc
      .tuple(token, token, fc.option(fc.stringMatching(/^[ -~]{0,20}$/)))
      .map(([t, s, p]) => `${t}/${s}${p === null ? '' : `; ${p}`}`),
    fc.stringMatching(/^[ -~]{0,40}$/),
  );
  const headerValue = fc.stringMatching(/^[!-~]([ -~]{0,60}[!-~])?$/);

  it('never answers 5xx nor leaves an unhandled rejection in async mode', async () => {
    const trigger = createWebhookTrigger({
      workflow: (ctx) => {
        if (JSON.stringify(ctx.body ?? null).length % 3 === 0) throw new Error('workflow bug');
      },
      request: {
        headers: ['x-a', 'authorization'],
        query: ['q.r[0]'],
        body: ['a.b', 'items[0].x'],
      },
      response: { status: 200, body: { got: '{{$context.body.a}}', q: '{{$context.query.q}}' } },
      limits: { maxBodyBytes: 4096 },
    });
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 6000 }),
        contentType,
        fc.dictionary(
          fc.constantFrom('x-a', 'authorization', 'content-length', 'x-forwarded-for', 'origin'),
          headerValue,
        ),
        fc.stringMatching(/^[\x21-\x7e]{0,60}$/),
        async (bytes, type, headers, query) => {
          const all = new Headers();
          for (const [k, v] of Object.entries(headers)) all.set(k, v);
          if (type !== '') all.set('content-type', type);
          let url: string;
          try {
            url = new URL(`http://127.0.0.1/h?${query}`).href;
          } catch {
            url = 'http://127.0.0.1/h';
          }
          const res = await trigger(
            new Request(url, { method: 'POST', headers: all, body: bytes }),
          );
          expect(res.status).toBeLessThan(500);
          await res.arrayBuffer();
        },
      ),
      { numRuns: 500 },
    );
    await trigger.close({ timeoutMs: 2000 });
    expect(rejections).toEqual([]);
  });
});

describe('request data is never a template', () => {
  it('echoes template-like strings from the caller as plain text', async () => {
    const trigger = createWebhookTrigger({
      mode: 'sync',
      workflow: (ctx, run) =>
        run.respond({
          headers: { 'x-echo': (ctx.query as { q: string }).q },
          body: {
            echo: ctx.body,
            name: (ctx.body as { name: string }).name,
            mine: '{{$context.method}}',
          },
        }),
    });
    const res = await trigger(
      post(
        { name: '{{$context.headers.authorization}}', nested: ['{{$context.headers.x-secret}}'] },
        {
          url: 'http://h/x?q=%7B%7B$context.headers.x-secret%7D%7D',
          headers: { authorization: 'Bearer top-secret', 'x-secret': 's3cr3t' },
        },
      ),
    );
    const text = await res.clone().text();
    expect(text).not.toMatch(/top-secret|s3cr3t/);
    expect(res.headers.get('x-echo')).toBe('{{$context.headers.x-secret}}');
    expect(await res.json()).toEqual({
      echo: {
        name: '{{$context.headers.authorization}}',
        nested: ['{{$context.headers.x-secret}}'],
      },
      name: '{{$context.headers.authorization}}',
      mine: 'POST',
    });
  });

  it('drops prototype keys spelled with JSON escapes', async () => {
    let body: unknown;
    const trigger = createWebhookTrigger({
      mode: 'sync',
      workflow: (ctx) => {
        body = ctx.body;
      },
    });
    const text =
      '{"\\u005f_proto__":{"polluted":1},"\\u0063onstructor":{"prototype":{"polluted":1}},"ok":1}';
    await trigger(post(text, { headers: { 'content-type': 'application/json' } }));
    expect(Object.keys(body as object)).toEqual(['ok']);
    expect(Object.getPrototypeOf(Object.assign({}, body))).toBe(Object.prototype);
  });
});

describe('request data is never a template, even when the workflow builds strings from it', () => {
  it.each<[string, unknown, (body: Record<string, string>) => string]>([
    ['trimmed', { name: ' {{$context.headers.authorization}} ' }, (b) => (b.name ?? '').trim()],
    [
      'parsed from a JSON field',
      { json: '{"v":"{{$context.headers.authorization}}"}' },
      (b) => JSON.parse(b.json ?? '').v,
    ],
    [
      'joined from pieces without delimiters',
      { a: '{', b: '{$context.headers.authorization}', c: '}' },
      (b) => `${b.a}${b.b}${b.c}`,
    ],
    [
      'sent with JSON escapes',
      '{"name":"{{\\u0024context.headers.authorization}}"}',
      (b) => b.name ?? '',
    ],
  ])('sends a caller template %s as text', async (_name, body, build) => {
    const trigger = createWebhookTrigger({
      mode: 'sync',
      workflow: (ctx, run) =>
        run.respond({ body: { echo: build(ctx.body as Record<string, string>) } }),
    });
    const res = await trigger(
      post(body, {
        headers: { authorization: 'Bearer top-secret', 'content-type': 'application/json' },
      }),
    );
    const text = await res.text();
    expect(text).not.toContain('top-secret');
    expect(JSON.parse(text).echo).toContain('$context.headers.authorization');
  });

  it('still renders its own templates when the caller sends lone delimiters', async () => {
    const trigger = createWebhookTrigger({
      mode: 'sync',
      workflow: (_ctx, run) =>
        run.respond({
          status: '{{$context.body.code}}',
          body: { got: '{{$context.body.text}}', m: '{{$context.method}}' },
        }),
    });
    const res = await trigger(post({ code: 201, text: 'a }} b {{ c' }, { url: 'http://h/x?x=}}' }));
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({ got: 'a }} b {{ c', m: 'POST' });
  });

  it('sends concatenated or split caller strings as text', async () => {
    const trigger = createWebhookTrigger({
      mode: 'sync',
      workflow: (ctx, run) => {
        const body = ctx.body as { name: string; open: string; rest: string };
        run.respond({ body: { greeting: `Hi ${body.name}`, joined: `${body.open}${body.rest}` } });
      },
    });
    const res = await trigger(
      post(
        {
          name: '{{$context.headers.authorization}}',
          open: '{{',
          rest: '$context.headers.authorization}}',
        },
        { headers: { authorization: 'Bearer top-secret' } },
      ),
    );
    expect(await res.json()).toEqual({
      greeting: 'Hi {{$context.headers.authorization}}',
      joined: '{{$context.headers.authorization}}',
    });
  });
});

describe('respond() templates cannot read credentials', () => {
  it('renders credential-like headers empty, even from a template split across fields', async () => {
    const trigger = createWebhookTrigger({
      mode: 'sync',
      workflow: (ctx, run) => {
        const b = ctx.body as { first: string; last: string };
        run.respond({
          body: { joined: `${b.first}${b.last}`, id: '{{$context.headers.x-request-id}}' },
        });
      },
    });
    const res = await trigger(
      post(
        { first: '{{$context.headers', last: '.authorization}}' },
        { headers: { authorization: 'Bearer s3cret', 'x-request-id': 'req-1' } },
      ),
    );
    expect(await res.json()).toEqual({ joined: '', id: 'req-1' });
  });
});

describe('respond() templates cannot read credentials copied into vars', () => {
  it('hides vars taken from credential headers', async () => {
    const trigger = createWebhookTrigger({
      mode: 'sync',
      request: {
        headers: [
          { path: 'authorization', alias: 'who' },
          { path: 'x-request-id', alias: 'rid' },
        ],
      },
      workflow: (ctx, run) => {
        const b = ctx.body as { a: string; b: string };
        run.respond({ body: { joined: `${b.a}${b.b}`, rid: '{{$context.vars.rid}}' } });
      },
    });
    const res = await trigger(
      post(
        { a: '{{$context.vars', b: '.who}}' },
        { headers: { authorization: 'Bearer s3cret', 'x-request-id': 'r-9' } },
      ),
    );
    expect(await res.json()).toEqual({ joined: '', rid: 'r-9' });
  });
});
