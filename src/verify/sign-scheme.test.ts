import { describe, expect, it } from 'vitest';
import { github, hmac, linear, paddle, shopify, slack, square, stripe } from './hmac-schemes.js';
import {
  SIGN_SCHEMES,
  type SignDelivery,
  type SignScheme,
  signFor,
  signSchemeTraits,
} from './sign-scheme.js';
import { standardWebhooks } from './standard-webhooks.js';
import { twilio } from './twilio.js';
import type { Verifier } from './types.js';

const NOW_MS = 1_763_800_000_000;
const URL_SIGNED = 'https://hooks.example.com/in';
const FORM = 'application/x-www-form-urlencoded';
const secret = `whsec_${btoa('0123456789abcdef0123456789abcdef')}`;
const json = `{"event":"order.paid","webhookTimestamp":${NOW_MS}}`;

/** Each scheme's verifier, and the body and content type its sender sends. */
const CASES: Record<SignScheme, { verifier: Verifier; body: string; contentType: string }> = {
  github: { verifier: github({ secret }), body: json, contentType: 'application/json' },
  hmac: {
    verifier: hmac({ header: 'X-Signature', prefix: 'sha1=', algorithm: 'sha1', secret }),
    body: json,
    contentType: 'application/json',
  },
  linear: { verifier: linear({ secret }), body: json, contentType: 'application/json' },
  paddle: { verifier: paddle({ secret }), body: json, contentType: 'application/json' },
  shopify: { verifier: shopify({ secret }), body: json, contentType: 'application/json' },
  slack: { verifier: slack({ secret }), body: 'token=x&text=hi', contentType: FORM },
  square: {
    verifier: square({ signatureKey: secret, notificationUrl: URL_SIGNED }),
    body: json,
    contentType: 'application/json',
  },
  'standard-webhooks': {
    verifier: standardWebhooks({ secret }),
    body: json,
    contentType: 'application/json',
  },
  stripe: { verifier: stripe({ secret }), body: json, contentType: 'application/json' },
  twilio: {
    verifier: twilio({ authToken: secret }),
    body: 'From=%2B1555&Body=hi',
    contentType: FORM,
  },
};

function delivery(scheme: SignScheme, overrides: Partial<SignDelivery> = {}): SignDelivery {
  return {
    secret,
    body: CASES[scheme].body,
    url: URL_SIGNED,
    contentType: CASES[scheme].contentType,
    hmac: { header: 'X-Signature', prefix: 'sha1=', algorithm: 'sha1' },
    clock: () => NOW_MS,
    ...overrides,
  };
}

async function verify(scheme: SignScheme, headers: Record<string, string>, body: string) {
  await CASES[scheme].verifier.verify({
    method: 'POST',
    url: URL_SIGNED,
    header: (name) => ({ 'content-type': CASES[scheme].contentType, ...headers })[name] ?? null,
    rawBody: new TextEncoder().encode(body),
    now: NOW_MS,
  });
}

describe('signFor', () => {
  it('has one scheme per sign helper', () => {
    expect(Object.keys(CASES).sort()).toEqual([...SIGN_SCHEMES].sort());
  });

  it.each(SIGN_SCHEMES)('signs %s deliveries that its verifier accepts', async (scheme) => {
    const headers = await signFor(scheme, delivery(scheme));
    await expect(verify(scheme, headers, CASES[scheme].body)).resolves.toBeUndefined();
  });

  it.each(SIGN_SCHEMES)('signs the exact bytes for %s: one more byte fails', async (scheme) => {
    const headers = await signFor(scheme, delivery(scheme));
    await expect(verify(scheme, headers, `${CASES[scheme].body} `)).rejects.toMatchObject({
      code: 'SIGNATURE_INVALID',
    });
  });

  it('uses the given timestamp and id, and the clock and id generator by default', async () => {
    expect(
      await signFor(
        'standard-webhooks',
        delivery('standard-webhooks', { id: 'msg_1', timestamp: 7 }),
      ),
    ).toMatchObject({ 'webhook-id': 'msg_1', 'webhook-timestamp': '7' });
    expect(
      await signFor(
        'standard-webhooks',
        delivery('standard-webhooks', { createId: () => 'msg_x' }),
      ),
    ).toMatchObject({ 'webhook-id': 'msg_x', 'webhook-timestamp': String(NOW_MS / 1000) });
    expect((await signFor('slack', delivery('slack')))['x-slack-request-timestamp']).toBe(
      String(NOW_MS / 1000),
    );
  });

  it('sends an id in the delivery id header of schemes that have one', async () => {
    expect(await signFor('github', delivery('github', { id: 'd-1' }))).toMatchObject({
      'x-github-delivery': 'd-1',
    });
    expect(await signFor('github', delivery('github'))).not.toHaveProperty('x-github-delivery');
    expect(signSchemeTraits('twilio')).toMatchObject({
      signsUrl: true,
      deliveryIdHeader: 'i-twilio-idempotency-token',
    });
  });

  it.each<[string, SignScheme, Partial<SignDelivery>, RegExp]>([
    ['an empty secret', 'github', { secret: '' }, /github: secret must be a non-empty string/],
    ['no url for square', 'square', { url: '' }, /square signs the URL: url is required/],
    ['no url for twilio', 'twilio', { url: '' }, /twilio signs the URL/],
    ['no hmac header', 'hmac', { hmac: { header: '' } }, /hmac.header .* is required/],
    ['a secret that is not base64', 'standard-webhooks', { secret: 'whsec_!!' }, /base64/],
  ])('throws a TypeError for %s', async (_name, scheme, overrides, message) => {
    await expect(signFor(scheme, delivery(scheme, overrides))).rejects.toThrow(TypeError);
    await expect(signFor(scheme, delivery(scheme, overrides))).rejects.toThrow(message);
  });

  it('rejects an unknown scheme, listing the valid ones', async () => {
    await expect(signFor('nope' as SignScheme, delivery('github'))).rejects.toThrow(
      /scheme must be one of github, hmac, .*, received nope/,
    );
  });
});
