import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { WebhookTriggerError } from '../response/errors.js';
import { signTwilio, twilio, twilioBodyUrl } from './twilio.js';
import type { VerifyRequest } from './types.js';

interface TwilioVector {
  id: string;
  scheme: string;
  secret: string;
  url: string;
  headers: Record<string, string>;
  body: string;
  expect: string;
  note: string;
}

const vectors = (
  JSON.parse(
    readFileSync(new URL('../../test/fixtures/signature-vectors.json', import.meta.url), 'utf8'),
  ) as TwilioVector[]
).filter((vector) => vector.scheme === 'twilio');

const FORM = 'application/x-www-form-urlencoded';
const encoder = new TextEncoder();

function toRequest(
  url: string,
  headers: Record<string, string>,
  body: string | Uint8Array,
): VerifyRequest {
  const byName = new Map(
    Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]),
  );
  return {
    method: 'POST',
    url,
    header: (name) => byName.get(name.toLowerCase()),
    rawBody: typeof body === 'string' ? encoder.encode(body) : body,
    now: Date.now(),
  };
}

function signatureOf(vector: TwilioVector): string {
  return toRequest(vector.url, vector.headers, '').header('x-twilio-signature') ?? '';
}

function isJson(vector: TwilioVector): boolean {
  return !/x-www-form-urlencoded/i.test(
    toRequest('', vector.headers, '').header('content-type') ?? '',
  );
}

function withHeader(headers: Record<string, string>, value: string | undefined) {
  const rest = Object.fromEntries(
    Object.entries(headers).filter(([name]) => name.toLowerCase() !== 'x-twilio-signature'),
  );
  return value === undefined ? rest : { ...rest, 'X-Twilio-Signature': value };
}

async function rejection(run: () => void | Promise<void>): Promise<WebhookTriggerError> {
  const error = await Promise.resolve()
    .then(run)
    .then(
      () => undefined,
      (caught: unknown) => caught,
    );
  expect(error).toBeInstanceOf(WebhookTriggerError);
  expect(error).toMatchObject({ code: 'SIGNATURE_INVALID', status: 401 });
  return error as WebhookTriggerError;
}

interface Twin {
  id: string;
  change: string;
  authToken: string;
  url: string;
  headers: Record<string, string>;
  body: string;
  signature: string;
}

function twinsOf(vector: TwilioVector): Twin[] {
  const signature = signatureOf(vector);
  const base = { id: vector.id, authToken: vector.secret, signature };
  const lastChar = vector.body.at(-1) === 'x' ? 'y' : 'x';
  const twins: Twin[] = [
    {
      ...base,
      change: 'one body byte changed',
      url: vector.url,
      headers: vector.headers,
      body: vector.body.slice(0, -1) + lastChar,
    },
    { ...base, change: 'a wrong token', authToken: 'wrong', ...pick(vector) },
    {
      ...base,
      change: 'the header missing',
      ...pick(vector),
      headers: withHeader(vector.headers, undefined),
    },
    {
      ...base,
      change: 'a header that is not base64',
      ...pick(vector),
      headers: withHeader(vector.headers, '!!not*base64!!'),
    },
    {
      ...base,
      change: 'a truncated header',
      ...pick(vector),
      headers: withHeader(vector.headers, signature.slice(0, -4)),
    },
    { ...base, change: 'one query param added', ...pick(vector), url: `${vector.url}&extra=1` },
  ];
  if (isJson(vector)) {
    const flipped = vector.url.replace(/bodySHA256=([0-9a-f])/, (_, digit: string) =>
      digit === '0' ? 'bodySHA256=1' : 'bodySHA256=0',
    );
    twins.push(
      { ...base, change: 'a changed bodySHA256', ...pick(vector), url: flipped },
      {
        ...base,
        change: 'bodySHA256 removed',
        ...pick(vector),
        url: vector.url.replace(/&bodySHA256=[0-9a-f]+/, ''),
      },
    );
  } else {
    twins.push({
      ...base,
      change: 'one POST param added',
      ...pick(vector),
      body: `${vector.body}&Extra=1`,
    });
  }
  return twins;
}

function pick(vector: TwilioVector) {
  return { url: vector.url, headers: vector.headers, body: vector.body };
}

describe('twilio', () => {
  it('has Twilio vectors to check', () => {
    expect(vectors.length).toBeGreaterThanOrEqual(9);
    expect(vectors.every((vector) => vector.expect === 'valid')).toBe(true);
  });

  it('names its scheme and delivery id header', () => {
    expect(twilio({ authToken: 'token' })).toMatchObject({
      scheme: 'twilio',
      deliveryIdHeader: 'i-twilio-idempotency-token',
    });
  });

  it.each(vectors)('accepts vector $id', async (vector) => {
    const request = toRequest(vector.url, vector.headers, vector.body);
    await expect(twilio({ authToken: vector.secret }).verify(request)).resolves.toBeUndefined();
  });

  it.each(vectors)('accepts vector $id with the token second in a rotation', async (vector) => {
    const request = toRequest(vector.url, vector.headers, vector.body);
    const verifier = twilio({ authToken: ['wrong', vector.secret] });
    await expect(verifier.verify(request)).resolves.toBeUndefined();
  });

  it.each(vectors.flatMap(twinsOf))('rejects $id with $change', async (twin) => {
    const verifier = twilio({ authToken: twin.authToken });
    const error = await rejection(() =>
      verifier.verify(toRequest(twin.url, twin.headers, twin.body)),
    );
    expect(error.message).not.toContain(twin.signature);
  });

  it('names the missing header', async () => {
    const [vector] = vectors as [TwilioVector];
    const request = toRequest(vector.url, withHeader(vector.headers, undefined), vector.body);
    const error = await rejection(() => twilio({ authToken: vector.secret }).verify(request));
    expect(error.message).toBe('Missing x-twilio-signature header.');
  });

  it.each(vectors.filter(isJson))(
    'rejects $id re-signed over a URL whose bodySHA256 is another body’s hash',
    async (vector) => {
      const url = await twilioBodyUrl(
        vector.url.replace(/&bodySHA256=[0-9a-f]+/, ''),
        `${vector.body} `,
      );
      const headers = {
        ...(await signTwilio(vector.secret, url, vector.body, 'application/json')),
      };
      const request = toRequest(
        url,
        { ...headers, 'content-type': 'application/json' },
        vector.body,
      );
      await rejection(() => twilio({ authToken: vector.secret }).verify(request));
    },
  );

  it('checks against the public url option behind a proxy', async () => {
    const vector = vectors.find((candidate) => candidate.id === 'twilio-01') as TwilioVector;
    const internal = 'http://127.0.0.1:3000/myapp.php?foo=1&bar=2';
    const request = toRequest(internal, vector.headers, vector.body);
    const behindProxy = twilio({
      authToken: vector.secret,
      url: 'https://mycompany.com/myapp.php',
    });
    await expect(behindProxy.verify(request)).resolves.toBeUndefined();
    await rejection(() => twilio({ authToken: vector.secret }).verify(request));
  });

  it.each([
    { option: 'authToken', config: {} },
    { option: 'authToken', config: { authToken: '' } },
    { option: 'authToken', config: { authToken: [] } },
    { option: 'authToken', config: { authToken: ['ok', ''] } },
    { option: 'authToken', config: { authToken: 42 } },
    { option: 'url', config: { authToken: 't', url: 'not a url' } },
    { option: 'url', config: { authToken: 't', url: 'ftp://example.com/hook' } },
    { option: 'url', config: { authToken: 't', url: 'https://example.com/hook?foo=1' } },
    { option: 'url', config: { authToken: 't', url: 42 } },
  ])('throws a TypeError naming $option for $config', ({ option, config }) => {
    expect(() => twilio(config as never)).toThrow(TypeError);
    expect(() => twilio(config as never)).toThrow(option);
  });
});

describe('signTwilio', () => {
  const token = 'rotating-token';

  it.each([
    {
      name: 'a form body',
      url: 'https://example.com/sms',
      body: 'From=%2B15551234567&Body=Hi+there',
    },
    {
      name: 'repeated and unicode params',
      url: 'https://example.com/sms?x=1',
      body: 'B=2&A=%C3%A9t%C3%A9&B=1&B=1&A=%F0%9F%98%80',
    },
    { name: 'an empty form body', url: 'https://example.com/status', body: '' },
    {
      name: 'a form body with a charset',
      url: 'https://example.com/sms',
      body: 'Body=ok',
      contentType: `${FORM}; charset=UTF-8`,
    },
  ])('round-trips $name', async ({ url, body, contentType }) => {
    const type = contentType ?? FORM;
    const headers = await signTwilio(token, url, body, type);
    expect(Object.keys(headers)).toEqual(['x-twilio-signature']);
    const request = toRequest(url, { ...headers, 'content-type': type }, body);
    await expect(twilio({ authToken: token }).verify(request)).resolves.toBeUndefined();
  });

  it.each([
    { name: 'a JSON body', body: '{"event":"message.received","sid":"SM1"}' },
    { name: 'an empty JSON object', body: '{}' },
    { name: 'a byte body', body: Uint8Array.from([0, 255, 10, 13]) },
  ])('round-trips $name through twilioBodyUrl', async ({ body }) => {
    const url = await twilioBodyUrl('https://example.com/studio?flow=1', body);
    const headers = await signTwilio(token, url, body, 'application/json');
    const request = toRequest(url, { ...headers, 'content-type': 'application/json' }, body);
    await expect(twilio({ authToken: token }).verify(request)).resolves.toBeUndefined();
  });

  it.each([
    { signed: 'https://example.com:443/sms', received: 'https://example.com/sms', valid: true },
    { signed: 'https://example.com/sms', received: 'https://example.com:443/sms', valid: true },
    { signed: 'http://example.com:80/sms', received: 'http://example.com/sms', valid: true },
    { signed: 'https://example.com/sms', received: 'https://example.com:8443/sms', valid: true },
    {
      signed: "https://example.com/sms?q=It's",
      received: 'https://example.com/sms?q=It%27s',
      valid: true,
    },
    {
      signed: 'https://example.com/sms?q=It%27s',
      received: "https://example.com/sms?q=It's",
      valid: true,
    },
    {
      signed: 'https://example.com/sms?q=a%20b',
      received: 'https://example.com/sms?q=a+b',
      valid: true,
    },
    {
      signed: 'https://example.com:8443/sms',
      received: 'https://example.com:9443/sms',
      valid: false,
    },
    { signed: 'https://example.com/sms', received: 'https://example.com/other', valid: false },
    { signed: 'https://example.com/sms', received: 'https://example.org/sms', valid: false },
    { signed: 'https://example.com/sms', received: 'http://example.com/sms', valid: false },
    {
      signed: 'https://example.com/sms?q=1',
      received: 'https://example.com/sms?q=2',
      valid: false,
    },
  ])(
    'signed over $signed, received at $received: valid $valid',
    async ({ signed, received, valid }) => {
      const body = 'Body=hello';
      const headers = await signTwilio(token, signed, body);
      const verify = () =>
        twilio({ authToken: token }).verify(
          toRequest(received, { ...headers, 'content-type': FORM }, body),
        );
      if (valid) await expect(verify()).resolves.toBeUndefined();
      else await rejection(verify);
    },
  );

  it('refuses a non-form body over a URL without bodySHA256', async () => {
    await expect(
      signTwilio(token, 'https://example.com/hook', '{}', 'application/json'),
    ).rejects.toThrow(TypeError);
  });

  it('refuses an empty token', async () => {
    await expect(signTwilio('', 'https://example.com/hook', '')).rejects.toThrow('authToken');
  });
});

describe('twilioBodyUrl', () => {
  const emptyObjectHash = '44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a';

  it.each([
    {
      url: 'https://example.com/hook',
      expected: `https://example.com/hook?bodySHA256=${emptyObjectHash}`,
    },
    {
      url: 'https://example.com/hook?foo=1',
      expected: `https://example.com/hook?foo=1&bodySHA256=${emptyObjectHash}`,
    },
    {
      url: 'https://example.com/hook?',
      expected: `https://example.com/hook?bodySHA256=${emptyObjectHash}`,
    },
    {
      url: 'https://example.com/hook?foo=1#top',
      expected: `https://example.com/hook?foo=1&bodySHA256=${emptyObjectHash}#top`,
    },
  ])('appends the body hash to $url', async ({ url, expected }) => {
    expect(await twilioBodyUrl(url, '{}')).toBe(expected);
  });

  it('hashes the same bytes whether given a string or bytes', async () => {
    const url = 'https://example.com/hook';
    expect(await twilioBodyUrl(url, encoder.encode('{}'))).toBe(await twilioBodyUrl(url, '{}'));
  });
});
