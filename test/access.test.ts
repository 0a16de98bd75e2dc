import { type AuthConfig, createWebhookTrigger, type Verifier } from 'hookflow';
import { github, signGithub, signStandardWebhooks, standardWebhooks } from 'hookflow/verify';
import { describe, expect, it } from 'vitest';
import { post, seen } from './helpers.js';

const ok = () => ({ ok: true });

describe('ipAllow and trustProxy', () => {
  const trigger = createWebhookTrigger({
    mode: 'sync',
    ipAllow: ['203.0.113.0/24', '2001:db8::/32'],
    workflow: (ctx) => ({ ip: ctx.ip }),
  });

  it.each([
    ['203.0.113.9', 200],
    ['::ffff:203.0.113.9', 200],
    ['2001:db8::1', 200],
    ['198.51.100.1', 403],
    ['2001:db9::1', 403],
  ])('answers %s with %i', async (clientIp, status) => {
    const res = await seen(await trigger(post({}), { clientIp }));
    expect(res.status).toBe(status);
    if (status === 403) expect(res.json).toMatchObject({ error: { code: 'IP_NOT_ALLOWED' } });
  });

  it('fails closed when the client IP is unknown', async () => {
    expect((await trigger(post({}))).status).toBe(403);
  });

  it('ignores X-Forwarded-For from an untrusted peer', async () => {
    const res = await trigger(post({}, { headers: { 'x-forwarded-for': '203.0.113.9' } }), {
      clientIp: '198.51.100.1',
    });
    expect(res.status).toBe(403);
  });

  it('reads X-Forwarded-For right to left behind a trusted proxy, and sets ctx.ip', async () => {
    const behind = createWebhookTrigger({
      mode: 'sync',
      ipAllow: ['203.0.113.0/24'],
      trustProxy: ['10.0.0.0/8'],
      workflow: (ctx) => ({ ip: ctx.ip }),
    });
    const forged = '203.0.113.50, 198.51.100.7';
    const spoofed = await behind(post({}, { headers: { 'x-forwarded-for': forged } }), {
      clientIp: '10.0.0.2',
    });
    expect(spoofed.status).toBe(403);
    const real = await seen(
      await behind(post({}, { headers: { 'x-forwarded-for': '198.51.100.7, 203.0.113.9' } }), {
        clientIp: '10.0.0.2',
      }),
    );
    expect(real).toMatchObject({ status: 200, json: { ip: '203.0.113.9' } });
  });

  it('names the option for a malformed range', () => {
    expect(() => createWebhookTrigger({ workflow: ok, ipAllow: ['10.0.0.0/33'] })).toThrow(
      /ipAllow/,
    );
  });
});

describe('bearer and header tokens', () => {
  it.each<[AuthConfig, Record<string, string>, number]>([
    [{ type: 'bearer', token: ['old', 'new-token'] }, { authorization: 'Bearer new-token' }, 200],
    [{ type: 'bearer', token: 'new-token' }, { authorization: 'Bearer wrong' }, 401],
    [{ type: 'bearer', token: 'new-token' }, {}, 401],
    [{ type: 'header', name: 'X-Api-Key', value: 'k-1' }, { 'x-api-key': 'k-1' }, 200],
    [{ type: 'header', name: 'X-Api-Key', value: 'k-1' }, { 'x-api-key': 'k-2' }, 401],
  ])('%j with %j → %i', async (auth, headers, status) => {
    const trigger = createWebhookTrigger({ mode: 'sync', auth, workflow: ok });
    const res = await seen(await trigger(post({}, { headers })));
    expect(res.status).toBe(status);
    if (status === 401) expect(res.json).toMatchObject({ error: { code: 'UNAUTHORIZED' } });
    if (status === 401 && auth.type === 'bearer')
      expect(res.headers['www-authenticate']).toMatch(/^Bearer realm=/);
  });
});

describe('verify', () => {
  const secret = "It's a Secret to Everybody";

  it('requires every verifier of a list to pass', async () => {
    const sw = `whsec_${btoa('another secret of thirty-two bytes')}`;
    const trigger = createWebhookTrigger({
      mode: 'sync',
      verify: [github({ secret }), standardWebhooks({ secret: sw })],
      workflow: ok,
    });
    const body = '{"a":1}';
    const gh = await signGithub(secret, body);
    const std = await signStandardWebhooks(sw, {
      id: 'msg_1',
      timestamp: Math.floor(Date.now() / 1000),
      body,
    });
    expect((await trigger(post(body, { headers: { ...gh, ...std } }))).status).toBe(200);
    expect((await trigger(post(body, { headers: gh }))).status).toBe(401);
  });

  it('answers 401 with a generic message when a verifier throws something unexpected', async () => {
    const broken: Verifier = {
      scheme: 'broken',
      verify() {
        throw new Error('internal detail: key=abc');
      },
    };
    const res = await seen(await createWebhookTrigger({ verify: broken, workflow: ok })(post({})));
    expect(res).toMatchObject({
      status: 401,
      json: {
        error: { code: 'SIGNATURE_INVALID', message: 'The signature could not be verified.' },
      },
    });
  });

  it("deduplicates on the sender's delivery id with dedupe: { key: 'delivery' }", async () => {
    let runs = 0;
    const trigger = createWebhookTrigger({
      verify: github({ secret }),
      dedupe: { key: 'delivery' },
      workflow: () => void runs++,
    });
    const body = '{"zen":"Keep it logically awesome."}';
    const headers = {
      ...(await signGithub(secret, body)),
      'x-github-delivery': '72d3162e-cc78-11e3-81ab-4c9367dc0958',
    };
    expect((await trigger(post(body, { headers }))).status).toBe(200);
    const again = await trigger(post(body, { headers }));
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(runs).toBe(1);
  });

  it("deduplicates Svix deliveries (svix-* headers) with dedupe: { key: 'delivery' }", async () => {
    let runs = 0;
    const sw = `whsec_${btoa('svix secret of some thirty-two bytes')}`;
    const trigger = createWebhookTrigger({
      verify: standardWebhooks({ secret: sw }),
      dedupe: { key: 'delivery' },
      workflow: () => void runs++,
    });
    const body = '{"type":"invoice.paid"}';
    const signed = await signStandardWebhooks(sw, {
      id: 'msg_svix_1',
      timestamp: Math.floor(Date.now() / 1000),
      body,
    });
    const headers = Object.fromEntries(
      Object.entries(signed).map(([k, v]) => [k.replace('webhook-', 'svix-'), v]),
    );
    await trigger(post(body, { headers }));
    const again = await trigger(post(body, { headers }));
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(runs).toBe(1);
  });

  it("refuses dedupe: { key: 'delivery' } without a verifier that names a delivery header", () => {
    expect(() => createWebhookTrigger({ workflow: ok, dedupe: { key: 'delivery' } })).toThrow(
      /dedupe\.key/,
    );
  });

  it('verifies before decoding: a bad JSON body with a bad signature is 401, not 400', async () => {
    const trigger = createWebhookTrigger({ verify: github({ secret }), workflow: ok });
    const res = await trigger(
      post('{not json', {
        headers: { 'content-type': 'application/json', 'x-hub-signature-256': 'sha256=00' },
      }),
    );
    expect(res.status).toBe(401);
  });
});
