import { generateKeyPairSync, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { WebhookTriggerError } from '../response/errors.js';
import { discord } from './discord.js';
import {
  github,
  hmac,
  linear,
  paddle,
  shopify,
  signGithub,
  signHmac,
  signLinear,
  signPaddle,
  signShopify,
  signSlack,
  signSquare,
  signStripe,
  slack,
  square,
  stripe,
} from './hmac-schemes.js';
import { signStandardWebhooks, standardWebhooks } from './standard-webhooks.js';
import type { Verifier, VerifyRequest } from './types.js';

const NOW = 1_763_800_000;
const body = '{"event":"order.paid","id":"evt_1"}';

function request(
  headers: Record<string, string>,
  rawBody: string | Uint8Array = body,
  now = NOW,
): VerifyRequest {
  return {
    method: 'POST',
    url: 'https://hooks.example.com/in',
    header: (name) => headers[name] ?? null,
    rawBody: typeof rawBody === 'string' ? new TextEncoder().encode(rawBody) : rawBody,
    now: now * 1000,
  };
}

/** Runs a verifier, sync or async, as a promise. */
const settle = (verifier: Verifier, req: VerifyRequest) =>
  Promise.resolve().then(() => verifier.verify(req));

async function rejection(
  verifier: Verifier,
  req: VerifyRequest,
): Promise<WebhookTriggerError | undefined> {
  try {
    await verifier.verify(req);
    return undefined;
  } catch (error) {
    return error as WebhookTriggerError;
  }
}

const whsec = `whsec_${btoa('0123456789abcdef0123456789abcdef')}`;

describe('sign helpers round-trip with their verifiers', () => {
  it.each<[string, Verifier, () => Promise<Record<string, string>>]>([
    ['github', github({ secret: 's' }), () => signGithub('s', body)],
    ['stripe', stripe({ secret: 's' }), () => signStripe('s', body, NOW)],
    ['slack', slack({ secret: 's' }), () => signSlack('s', body, NOW)],
    ['paddle', paddle({ secret: 's' }), () => signPaddle('s', body, NOW)],
    ['shopify', shopify({ secret: 's' }), () => signShopify('s', body)],
    [
      'square',
      square({ signatureKey: 's', notificationUrl: 'https://a.example/h' }),
      () => signSquare('s', 'https://a.example/h', body),
    ],
    [
      'standard webhooks',
      standardWebhooks({ secret: whsec }),
      () => signStandardWebhooks(whsec, { id: 'msg_1', timestamp: NOW, body }),
    ],
    [
      'hmac (base64, prefix, sha512)',
      hmac({
        header: 'X-Signature',
        algorithm: 'sha512',
        encoding: 'base64',
        prefix: 'sha512=',
        secret: 's',
      }),
      () =>
        signHmac(
          {
            header: 'X-Signature',
            algorithm: 'sha512',
            encoding: 'base64',
            prefix: 'sha512=',
            secret: 's',
          },
          body,
        ),
    ],
  ])('%s: a signed delivery verifies, a tampered one does not', async (_name, verifier, signed) => {
    const headers = await signed();
    await expect(settle(verifier, request(headers))).resolves.toBeUndefined();
    const error = await rejection(verifier, request(headers, `${body} `));
    expect(error).toMatchObject({ code: 'SIGNATURE_INVALID', status: 401 });
  });

  it.each<[string, Verifier, () => Promise<Record<string, string>>, string]>([
    ['github', github({ secret: 's' }), () => signGithub('s', body), 'x-hub-signature-256'],
    ['stripe', stripe({ secret: 's' }), () => signStripe('s', body, NOW), 'stripe-signature'],
    ['slack', slack({ secret: 's' }), () => signSlack('s', body, NOW), 'x-slack-signature'],
    ['paddle', paddle({ secret: 's' }), () => signPaddle('s', body, NOW), 'paddle-signature'],
  ])(
    '%s: reads hex signatures in either case, and refuses one that is not hex',
    async (_name, verifier, signed, name) => {
      const headers = await signed();
      const value = headers[name] as string;
      // Upper-case hex digits only: the prefixes and the timestamps stay as they are.
      const upper = value.replace(/[0-9a-f]{40,}/g, (hex) => hex.toUpperCase());
      expect(upper).not.toBe(value);
      await expect(
        settle(verifier, request({ ...headers, [name]: upper })),
      ).resolves.toBeUndefined();
      // The same length, one digit turned into a letter that is not hex.
      const broken = value.replace(/([0-9a-f]{40,})/, (hex) => `${hex.slice(0, -1)}g`);
      expect(await rejection(verifier, request({ ...headers, [name]: broken }))).toMatchObject({
        code: 'SIGNATURE_INVALID',
      });
    },
  );

  it('accepts any secret of a rotation', async () => {
    const headers = await signGithub('new', body);
    await expect(
      settle(github({ secret: ['old', 'new'] }), request(headers)),
    ).resolves.toBeUndefined();
  });

  it('accepts the legacy GitHub sha1 header only when asked', async () => {
    const { createHmac } = await import('node:crypto');
    const headers = {
      'x-hub-signature': `sha1=${createHmac('sha1', 's').update(body).digest('hex')}`,
    };
    expect(await rejection(github({ secret: 's' }), request(headers))).toMatchObject({
      code: 'SIGNATURE_INVALID',
    });
    await expect(
      settle(github({ secret: 's', legacySha1: true }), request(headers)),
    ).resolves.toBeUndefined();
  });
});

describe('linear', () => {
  const payload = (ms: number) =>
    JSON.stringify({ action: 'create', type: 'Issue', webhookTimestamp: ms });

  it('verifies the signature, then the webhookTimestamp inside the body', async () => {
    const fresh = payload(NOW * 1000 - 5_000);
    await expect(
      settle(linear({ secret: 's' }), request(await signLinear('s', fresh), fresh)),
    ).resolves.toBeUndefined();
    const stale = payload(NOW * 1000 - 61_000);
    const error = await rejection(
      linear({ secret: 's' }),
      request(await signLinear('s', stale), stale),
    );
    expect(error?.message).toMatch(/tolerance/);
  });
});

describe('discord', () => {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const raw = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
  const hex = Buffer.from(raw).toString('hex');
  const signed = (timestamp: string, text: string) => ({
    'x-signature-timestamp': timestamp,
    'x-signature-ed25519': sign(null, Buffer.from(timestamp + text), privateKey).toString('hex'),
  });

  it('verifies an Ed25519 signature over timestamp + body', async () => {
    await expect(
      settle(discord({ publicKey: hex }), request(signed(String(NOW), body))),
    ).resolves.toBeUndefined();
  });

  it.each<[string, Record<string, string>, string, number]>([
    ['a changed body', signed(String(NOW), body), `${body}x`, NOW],
    ['a stale timestamp', signed(String(NOW - 301), body), body, NOW],
    ['a future timestamp', signed(String(NOW + 301), body), body, NOW],
    ['a missing signature', { 'x-signature-timestamp': String(NOW) }, body, NOW],
    [
      'a signature that is not hex',
      { ...signed(String(NOW), body), 'x-signature-ed25519': 'zz' },
      body,
      NOW,
    ],
  ])('rejects %s', async (_name, headers, text, now) => {
    expect(await rejection(discord({ publicKey: hex }), request(headers, text, now))).toMatchObject(
      { code: 'SIGNATURE_INVALID' },
    );
  });

  it('refuses a public key that is not 32 bytes of hex', () => {
    expect(() => discord({ publicKey: 'abcd' })).toThrow(TypeError);
  });
});

describe('configuration errors', () => {
  it.each<[string, () => unknown]>([
    ['github without a secret', () => github({ secret: '' })],
    ['stripe with an empty rotation', () => stripe({ secret: [] })],
    [
      'standard webhooks with a secret that is not base64',
      () => standardWebhooks({ secret: 'whsec_***' }),
    ],
    ['slack with a zero tolerance', () => slack({ secret: 's', toleranceSeconds: 0 })],
    ['square without a URL', () => square({ signatureKey: 's', notificationUrl: '' })],
    ['hmac without a header', () => hmac({ header: '', secret: 's' })],
    [
      'hmac with an unknown algorithm',
      () => hmac({ header: 'x', secret: 's', algorithm: 'md5' as 'sha1' }),
    ],
  ])('throws for %s', (_name, make) => {
    expect(make).toThrow(/secret|base64|tolerance|notificationUrl|header|algorithm/);
  });
});
