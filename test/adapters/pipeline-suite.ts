import { createWebhookTrigger, type WebhookTrigger, type WebhookTriggerConfig } from 'hookflow';
import { afterEach, describe, expect, it, vi } from 'vitest';

const json = { 'content-type': 'application/json' };

/** Options of {@link describeAdapterPipeline}. */
export interface AdapterPipelineOptions {
  /**
   * What the adapter tells the trigger about the client: the socket's peer (`'peer'`), or nothing
   * (`'unknown'`, as Next.js route handlers), in which case an `ipAllow` list refuses everyone.
   * @defaultValue `'peer'`
   */
  clientIp?: 'peer' | 'unknown';
}

/**
 * The trigger pipeline through a real framework server: async round trip, 405, Basic auth, a
 * streamed 413 and ipAllow against the client IP the framework reports. Every adapter runs it.
 *
 * @param title - the describe title, e.g. `'expressHandler'`.
 * @param serveTrigger - serves a trigger at some URL on 127.0.0.1 and returns that URL.
 * @param options - what the adapter knows of the client IP.
 */
export function describeAdapterPipeline(
  title: string,
  serveTrigger: (trigger: WebhookTrigger) => Promise<string>,
  options: AdapterPipelineOptions = {},
): void {
  const triggers: WebhookTrigger[] = [];
  afterEach(async () => {
    await Promise.all(triggers.splice(0).map((t) => t.close()));
  });

  /** Creates a trigger, closed after the test. */
  function track(config: WebhookTriggerConfig): WebhookTrigger {
    const trigger = createWebhookTrigger(config);
    triggers.push(trigger);
    return trigger;
  }

  /** `count` chunks of `size` bytes, produced on demand (no Content-Length). */
  function chunkedStream(count: number, size: number) {
    let pulls = 0;
    return new ReadableStream<Uint8Array>({
      pull(controller) {
        if (pulls++ === count) controller.close();
        else controller.enqueue(new Uint8Array(size));
      },
    });
  }

  const basic = (username: string, password: string) => ({
    authorization: `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`,
  });
  /** A fresh 5 s deadline per request. */
  const bounded = () => ({ signal: AbortSignal.timeout(5000) });

  describe(`${title}: the trigger pipeline through a real server`, () => {
    it('acknowledges an async trigger with 200 ok, then runs the workflow', async () => {
      const trigger = track({ workflow: (ctx) => ctx.body });
      const url = await serveTrigger(trigger);
      const res = await fetch(url, {
        method: 'POST',
        headers: json,
        body: '{"a":1}',
        ...bounded(),
      });
      expect(res.status).toBe(200);
      expect(await res.text()).toBe('ok');
      await vi.waitFor(
        async () => {
          const records = await trigger.executions.list();
          expect(records).toHaveLength(1);
          expect(records[0]).toMatchObject({ mode: 'async', status: 'resolved', result: { a: 1 } });
        },
        { timeout: 2000, interval: 10 },
      );
    });

    it('answers 405 with an Allow header for GET on a POST trigger', async () => {
      const url = await serveTrigger(track({ workflow: () => {} }));
      const res = await fetch(url, bounded());
      expect(res.status).toBe(405);
      expect(res.headers.get('allow')).toBe('POST');
      expect(await res.json()).toMatchObject({ error: { code: 'METHOD_NOT_ALLOWED' } });
    });

    it.each([
      { password: 'wrong', status: 401, challenged: true },
      { password: 'right', status: 200, challenged: false },
    ])('answers $status to Basic auth with the $password password', async (c) => {
      const auth = { type: 'basic', username: 'hook', password: 'right' } as const;
      const url = await serveTrigger(track({ key: 'orders', auth, workflow: () => {} }));
      const res = await fetch(url, {
        method: 'POST',
        headers: basic('hook', c.password),
        ...bounded(),
      });
      expect(res.status).toBe(c.status);
      if (c.challenged) {
        expect(res.headers.get('www-authenticate')).toMatch(/^Basic realm="hookflow orders"/);
        expect(await res.json()).toMatchObject({ error: { code: 'UNAUTHORIZED' } });
      } else {
        expect(res.headers.get('www-authenticate')).toBeNull();
        expect(await res.text()).toBe('ok');
      }
    });

    it('answers 413 PAYLOAD_TOO_LARGE to a streamed body without Content-Length', async () => {
      const url = await serveTrigger(
        track({ workflow: () => {}, limits: { maxBodyBytes: 64 * 1024 } }),
      );
      const stream = chunkedStream(8, 64 * 1024);
      // Abort the upload once answered: the server stops reading but keeps the connection open.
      const upload = new AbortController();
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/octet-stream' },
        body: stream,
        duplex: 'half',
        signal: AbortSignal.any([upload.signal, AbortSignal.timeout(5000)]),
      } as RequestInit);
      expect(res.status).toBe(413);
      expect(await res.json()).toMatchObject({ error: { code: 'PAYLOAD_TOO_LARGE' } });
      upload.abort();
      // Not asserted: how far the stream was pulled. fetch (undici) buffers ahead of the server, and
      // the server drains up to 1 MiB past the limit (keeping none of it) so the client can read the
      // 413; a body larger than that is cut off. What matters is the answer.
    });

    const ipCases =
      options.clientIp === 'unknown'
        ? [
            { ipAllow: ['127.0.0.1/32', '::1/128'], status: 403, code: 'IP_NOT_ALLOWED' },
            { ipAllow: ['203.0.113.0/24'], status: 403, code: 'IP_NOT_ALLOWED' },
          ]
        : [
            { ipAllow: ['127.0.0.1/32', '::1/128'], status: 200, code: undefined },
            { ipAllow: ['203.0.113.0/24'], status: 403, code: 'IP_NOT_ALLOWED' },
          ];
    const ipTitle =
      options.clientIp === 'unknown'
        ? 'answers $status for ipAllow $ipAllow, the client IP being unknown'
        : 'answers $status for ipAllow $ipAllow, matched against the client IP';
    it.each(ipCases)(ipTitle, async (c) => {
      const url = await serveTrigger(track({ ipAllow: c.ipAllow, workflow: () => {} }));
      const res = await fetch(url, { method: 'POST', ...bounded() });
      expect(res.status).toBe(c.status);
      if (c.code) expect(await res.json()).toMatchObject({ error: { code: c.code } });
      else expect(await res.text()).toBe('ok');
    });
  });
}
