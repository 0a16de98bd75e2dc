import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const dist = fileURLToPath(new URL('../dist/verify.js', import.meta.url));
const fixtures = fileURLToPath(new URL('./fixtures/signature-vectors.json', import.meta.url));

// Runs the built verifiers in a process without node:crypto access, as on edge runtimes, so that
// they take the Web Crypto path (HMAC and Ed25519 through crypto.subtle).
const script = `
process.getBuiltinModule = undefined;
const v = await import(${JSON.stringify(dist)});
const { readFileSync } = await import('node:fs');
const vectors = JSON.parse(readFileSync(${JSON.stringify(fixtures)}, 'utf8'));
const make = {
  'standard-webhooks': (x) => v.standardWebhooks({ secret: x.secret, toleranceSeconds: x.tolerance_s }),
  github: (x) => v.github({ secret: x.secret }),
  stripe: (x) => v.stripe({ secret: x.secret }),
  slack: (x) => v.slack({ secret: x.secret }),
  shopify: (x) => v.shopify({ secret: x.secret }),
  square: (x) => v.square({ signatureKey: x.secret, notificationUrl: x.url }),
  paddle: (x) => v.paddle({ secret: x.secret, toleranceSeconds: x.tolerance_s }),
  twilio: (x) => v.twilio({ authToken: x.secret, ...(/@/.test(x.url) ? { url: x.url.split('?')[0] } : {}) }),
};
const results = {};
for (const x of vectors) {
  const headers = Object.fromEntries(Object.entries(x.headers).map(([k, value]) => [k.toLowerCase(), value]));
  const request = (body) => ({
    method: 'POST',
    url: (x.url ?? 'https://hooks.example.com/in').replace(/\\/\\/[^/@]*@/, '//'),
    header: (name) => headers[name] ?? null,
    rawBody: new TextEncoder().encode(body),
    now: (x.now ?? Date.now() / 1000) * 1000,
  });
  const verifier = make[x.scheme](x);
  const outcome = async (body) => verifier.verify(request(body)).then(() => 'valid', (e) => e.code);
  results[x.id] = [await outcome(x.body), await outcome(x.body + ' ')];
}
console.log(JSON.stringify(results));
`;

describe('verifiers on Web Crypto (no node:crypto)', () => {
  it('accept every fixture vector and reject it with a changed body', () => {
    const out = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(out.stderr).toBe('');
    const results = JSON.parse(out.stdout) as Record<string, [string, string]>;
    expect(Object.keys(results)).toHaveLength(26);
    for (const [id, outcome] of Object.entries(results)) {
      expect([id, ...outcome]).toEqual([id, 'valid', 'SIGNATURE_INVALID']);
    }
  });
});
