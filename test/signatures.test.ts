import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { createWebhookTrigger, type Verifier } from 'hookflow';
import {
  github,
  paddle,
  shopify,
  slack,
  square,
  standardWebhooks,
  stripe,
  twilio,
} from 'hookflow/verify';
import { describe, expect, it } from 'vitest';

interface Vector {
  id: string;
  scheme: string;
  secret: string;
  headers: Record<string, string>;
  body: string;
  url?: string;
  now?: number;
  tolerance_s?: number;
  expect: 'valid' | 'invalid';
}

const vectors: Vector[] = JSON.parse(
  readFileSync(new URL('./fixtures/signature-vectors.json', import.meta.url), 'utf8'),
);

/** How each scheme is configured, and which header carries its signature. */
const SCHEMES: Record<
  string,
  {
    make: (v: Vector, secret: string) => Verifier;
    signature: string;
    wrongSecret: (v: Vector) => string;
    /** Where the signature itself sits in its header. */
    sig?: RegExp;
    /** The header and pattern of the signed timestamp. */
    ts?: [string, RegExp];
  }
> = {
  'standard-webhooks': {
    make: (v, secret) => standardWebhooks({ secret, toleranceSeconds: v.tolerance_s ?? 300 }),
    signature: 'webhook-signature',
    sig: /v1a?,(\S+?)=*$/,
    ts: ['webhook-timestamp', /^(\d+)$/],
    wrongSecret: (v) =>
      v.secret.startsWith('whpk_')
        ? `whpk_${btoa('x'.repeat(32))}`
        : `whsec_${btoa('wrong secret bytes')}`,
  },
  github: {
    make: (_v, secret) => github({ secret }),
    signature: 'x-hub-signature-256',
    sig: /sha256=([0-9a-f]+)/,
    wrongSecret: () => 'wrong',
  },
  stripe: {
    make: (v, secret) => stripe({ secret, toleranceSeconds: v.tolerance_s ?? 300 }),
    signature: 'stripe-signature',
    sig: /v1=([0-9a-f]+)/,
    ts: ['stripe-signature', /t=(\d+)/],
    wrongSecret: () => 'wrong',
  },
  slack: {
    make: (v, secret) => slack({ secret, toleranceSeconds: v.tolerance_s ?? 300 }),
    signature: 'x-slack-signature',
    sig: /v0=([0-9a-f]+)/,
    ts: ['x-slack-request-timestamp', /^(\d+)$/],
    wrongSecret: () => 'wrong',
  },
  shopify: {
    make: (_v, secret) => shopify({ secret }),
    signature: 'x-shopify-hmac-sha256',
    wrongSecret: () => 'wrong',
  },
  square: {
    make: (v, secret) => square({ signatureKey: secret, notificationUrl: v.url ?? '' }),
    signature: 'x-square-hmacsha256-signature',
    wrongSecret: () => 'wrong',
  },
  twilio: {
    // A URL with user:pass@ never reaches a server as such (the credentials travel in Authorization),
    // so, as behind Basic auth in production, the signed public URL is configured.
    make: (v, secret) =>
      twilio({ authToken: secret, ...(publicUrl(v) ? { url: publicUrl(v) as string } : {}) }),
    signature: 'x-twilio-signature',
    wrongSecret: () => 'wrong',
  },
  paddle: {
    make: (v, secret) => paddle({ secret, toleranceSeconds: v.tolerance_s ?? 5 }),
    signature: 'paddle-signature',
    sig: /h1=([0-9a-f]+)/,
    ts: ['paddle-signature', /ts=(\d+)/],
    wrongSecret: () => 'wrong',
  },
};

/** The public URL (with credentials, without query) for vectors whose signed URL has credentials. */
function publicUrl(v: Vector): string | undefined {
  if (!v.url || !/\/\/[^/]*@/.test(v.url)) return undefined;
  return v.url.split('?')[0];
}

/** The URL a server receives: credentials are never part of it. */
function receivedUrl(v: Vector): string {
  const url = v.url ?? 'https://hooks.example.com/webhook';
  return url.replace(/\/\/[^/@]*@/, '//');
}

const covered = vectors.filter((v) => v.scheme in SCHEMES);
const lower = (headers: Record<string, string>) =>
  Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));

interface Delivery {
  secret: string;
  headers: Record<string, string>;
  body: string | Uint8Array;
  nowSeconds: number;
}

async function deliver(v: Vector, change: Partial<Delivery> = {}) {
  const d: Delivery = {
    secret: v.secret,
    headers: lower(v.headers),
    body: v.body,
    nowSeconds: v.now ?? Math.floor(Date.now() / 1000),
    ...change,
  };
  let ran = 0;
  const scheme = SCHEMES[v.scheme];
  if (!scheme) throw new Error(`no scheme ${v.scheme}`);
  const trigger = createWebhookTrigger({
    mode: 'sync',
    clock: () => d.nowSeconds * 1000,
    verify: scheme.make(v, d.secret),
    workflow: () => {
      ran++;
      return { ran: true };
    },
  });
  const res = await trigger(
    new Request(receivedUrl(v), {
      method: 'POST',
      headers: d.headers,
      body: d.body as BodyInit,
    }),
  );
  return { status: res.status, json: await res.json().catch(() => undefined), ran };
}

/** Changes one character of a string to a different one of the same kind. */
function changeChar(text: string, index: number): string {
  const c = text[index] ?? 'a';
  const replacement = /[0-9]/.test(c)
    ? String((Number(c) + 1) % 10)
    : c === 'a'
      ? 'b'
      : c === 'A'
        ? 'B'
        : 'a';
  return text.slice(0, index) + replacement + text.slice(index + 1);
}

describe('signature vectors through the real trigger', () => {
  it('covers every scheme of the fixtures', () => {
    expect(new Set(covered.map((v) => v.scheme))).toEqual(new Set(Object.keys(SCHEMES)));
    expect(covered).toHaveLength(vectors.length);
  });

  it.each(covered.filter((v) => v.expect === 'valid').map((v) => [v.id, v] as const))(
    '%s runs the workflow',
    async (_id, v) => {
      expect(await deliver(v)).toEqual({ status: 200, json: { ran: true }, ran: 1 });
    },
  );

  const twins: [string, Vector, (v: Vector) => Partial<Delivery> | undefined][] = [];
  for (const v of covered.filter((x) => x.expect === 'valid')) {
    const scheme = SCHEMES[v.scheme];
    if (!scheme) continue;
    const timestamped = v.now !== undefined;
    twins.push([
      `${v.id}: one body byte changed`,
      v,
      () => ({ body: changeChar(v.body, Math.floor(v.body.length / 2)) }),
    ]);
    twins.push([`${v.id}: wrong secret`, v, () => ({ secret: scheme.wrongSecret(v) })]);
    twins.push([
      `${v.id}: signature header missing`,
      v,
      () => ({
        headers: Object.fromEntries(
          Object.entries(lower(v.headers)).filter(([k]) => k !== scheme.signature),
        ),
      }),
    ]);
    twins.push([
      `${v.id}: signature header malformed`,
      v,
      () => ({ headers: { ...lower(v.headers), [scheme.signature]: 'not a signature!' } }),
    ]);
    if (timestamped && scheme.ts) {
      const [header, pattern] = scheme.ts;
      const signedAt = Number(pattern.exec(lower(v.headers)[header] ?? '')?.[1]);
      const t = (v.tolerance_s ?? 300) + 1;
      twins.push([`${v.id}: timestamp too old`, v, () => ({ nowSeconds: signedAt + t })]);
      twins.push([`${v.id}: timestamp in the future`, v, () => ({ nowSeconds: signedAt - t })]);
    }
    let reserialised: string | undefined;
    try {
      reserialised = JSON.stringify(JSON.parse(v.body));
    } catch {}
    if (reserialised !== undefined && reserialised !== v.body) {
      twins.push([`${v.id}: JSON body re-serialised`, v, () => ({ body: reserialised })]);
    }
  }

  it.each(twins)('%s → 401 SIGNATURE_INVALID, workflow not run', async (_name, v, change) => {
    const out = await deliver(v, change(v));
    expect(out.status).toBe(401);
    expect(out.ran).toBe(0);
    expect(out.json).toMatchObject({ error: { code: 'SIGNATURE_INVALID' } });
    // The message may name a missing header; it never carries a signature.
    expect(JSON.stringify(out.json)).not.toMatch(/[0-9a-f]{40,}|[A-Za-z0-9+/]{40,}=/);
  });
});

const isForm = (v: Vector) => /form-urlencoded/.test(lower(v.headers)['content-type'] ?? '');
const sortedParams = (text: string) =>
  [...new URLSearchParams(text)].map(([k, val]) => `${k}=${val}`).sort();
const sameParams = (original: string, changed: Uint8Array) =>
  JSON.stringify(sortedParams(original)) ===
  JSON.stringify(sortedParams(new TextDecoder().decode(changed)));

describe('signature vectors (property)', () => {
  const valid = covered.filter((v) => v.expect === 'valid');

  it('rejects a delivery with any single byte of the body changed', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...valid),
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        async (v, at, xor) => {
          const bytes = new TextEncoder().encode(v.body);
          const i = at % bytes.length;
          bytes[i] = (bytes[i] as number) ^ xor;
          // Twilio signs the decoded form parameters, not the bytes: a change that decodes to the
          // same parameters (`%2B` → `%2b`) is the same delivery, and rightly verifies.
          fc.pre(!(v.scheme === 'twilio' && isForm(v) && sameParams(v.body, bytes)));
          expect((await deliver(v, { body: bytes })).status).toBe(401);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('rejects a delivery with any single character of the signature changed', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...valid), fc.nat(), async (v, at) => {
        const scheme = SCHEMES[v.scheme];
        const name = scheme?.signature ?? '';
        const value = lower(v.headers)[name] ?? '';
        // The signature itself (not a label or an ignored entry); every copy of it is changed.
        const sig = (scheme?.sig ?? /^(\S+?)=*$/).exec(value)?.[1] ?? value;
        const changed = value.split(sig).join(changeChar(sig, at % sig.length));
        expect(
          (await deliver(v, { headers: { ...lower(v.headers), [name]: changed } })).status,
        ).toBe(401);
      }),
      { numRuns: 300 },
    );
  });
});
