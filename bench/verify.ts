/**
 * Verification throughput of hookflow's `standardWebhooks` and `github` verifiers against the
 * official libraries (`standardwebhooks`' `Webhook#verify`, `@octokit/webhooks-methods`' `verify`),
 * measured side by side in one process on the same signed deliveries.
 *
 * For a 1 KB and a 64 KB body it prints the median ops/s of each side and the ratio
 * hookflow / official. Target: ratio ≥ 1.0 on every row.
 *
 * Each side gets the input type it takes natively, built once before timing:
 * - hookflow: the body as UTF-8 bytes (`rawBody: Uint8Array`, what the trigger reads from the
 *   request) and a `header(name)` lookup over the same header record; `now` is read from
 *   `Date.now()` on every call, as the trigger's clock does per delivery.
 * - standardwebhooks: the body as a string (its `sign` turns a Buffer into a string anyway) and the
 *   header record; `jsonParse: false`, so that it verifies and does not also parse the body, as
 *   hookflow's verifier does not. It checks the timestamp against `Date.now()` itself.
 * - @octokit/webhooks-methods: the body as a string (it throws on anything else), the secret and
 *   the `x-hub-signature-256` value; its boolean result is checked on every call.
 *
 * Deliveries are signed with hookflow's `signStandardWebhooks` / `signGithub` at the current time
 * and accepted by both sides before anything is timed.
 * Run: npm run bench:verify
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { verify as octokitVerify } from '@octokit/webhooks-methods';
import { github, signGithub, signStandardWebhooks, standardWebhooks } from 'hookflow/verify';
import { Webhook } from 'standardwebhooks';
import { median } from './stats.mjs';

/** A JSON event of exactly `bytes` bytes (ASCII, so string length and byte length agree). */
function body(bytes: number): string {
  const items: { sku: string; title: string; quantity: number; price: string }[] = [];
  const event = { id: 'evt_2f1c9a', type: 'order.paid', data: { items, note: '' } };
  for (let i = 0; JSON.stringify(event).length < bytes - 200; i++) {
    items.push({
      sku: `SKU-${i}`,
      title: 'Ceramic mug, 350 ml',
      quantity: 1 + (i % 3),
      price: '12.50',
    });
  }
  event.data.note = 'x'.repeat(bytes - JSON.stringify(event).length);
  const text = JSON.stringify(event);
  if (text.length !== bytes) throw new Error(`body is ${text.length} bytes, wanted ${bytes}`);
  return text;
}

// A collection before each sample, so that neither side pays for the other's garbage. tsx does not
// pass --expose-gc on, so the flag is set at run time and `gc` taken from a fresh context.
setFlagsFromString('--expose-gc');
const collect =
  (globalThis as { gc?: () => void }).gc ?? (runInNewContext('gc') as (() => void) | undefined);

/** Runs `fn` `loops` times, one after the other, and returns calls per second. */
async function opsPerSecond(fn: () => unknown, loops: number): Promise<number> {
  collect?.();
  const start = performance.now();
  for (let i = 0; i < loops; i++) {
    const out = fn();
    if (out instanceof Promise) await out;
  }
  return loops / ((performance.now() - start) / 1000);
}

interface Case {
  scheme: string;
  label: string;
  hookflow: () => Promise<void>;
  official: () => unknown;
}

const secret = "It's a Secret to Everybody";
// 32 fixed bytes, base64: a `whsec_` secret as Standard Webhooks senders issue them.
const whsec = `whsec_${Buffer.from(Array.from({ length: 32 }, (_, i) => (i * 37 + 11) % 256)).toString('base64')}`;
const url = 'https://hooks.example.com/webhooks/orders';
const encoder = new TextEncoder();

async function standardWebhooksCase(label: string, text: string): Promise<Case> {
  const verifier = standardWebhooks({ secret: whsec });
  const official = new Webhook(whsec);
  const headers: Record<string, string> = await signStandardWebhooks(whsec, {
    id: 'msg_2f1c9a7be01d',
    timestamp: Math.floor(Date.now() / 1000),
    body: text,
  });
  const rawBody = encoder.encode(text);
  const header = (name: string) => headers[name] ?? null;
  return {
    scheme: 'standard-webhooks',
    label,
    hookflow: () =>
      verifier.verify({ method: 'POST', url, header, rawBody, now: Date.now() }) as Promise<void>,
    official: () => official.verify(text, headers, { jsonParse: false }),
  };
}

async function githubCase(label: string, text: string): Promise<Case> {
  const verifier = github({ secret });
  const headers: Record<string, string> = {
    ...(await signGithub(secret, text)),
    'x-github-delivery': '72d3162e-cc78-11e3-81ab-4c9367dc0958',
    'x-github-event': 'push',
  };
  const signature = headers['x-hub-signature-256'] as string;
  const rawBody = encoder.encode(text);
  const header = (name: string) => headers[name] ?? null;
  return {
    scheme: 'github',
    label,
    hookflow: () =>
      verifier.verify({ method: 'POST', url, header, rawBody, now: Date.now() }) as Promise<void>,
    official: async () => {
      if (!(await octokitVerify(secret, text, signature))) throw new Error('octokit: rejected');
    },
  };
}

const sizes = [
  { label: '1 KB', bytes: 1024, loops: 2000, rounds: 15 },
  { label: '64 KB', bytes: 64 * 1024, loops: 100, rounds: 15 },
];

const rows: { scheme: string; label: string; ratio: number }[] = [];
console.log('scheme             body    official ops/s  hookflow ops/s  ratio');
for (const size of sizes) {
  const text = body(size.bytes);
  for (const make of [standardWebhooksCase, githubCase]) {
    // Signed now, so that the timestamp is within both sides' 300 s tolerance while this row runs.
    const c = await make(size.label, text);
    // Both sides must accept the delivery (each throws when it does not) before it is timed.
    await c.hookflow();
    await c.official();
    for (let i = 0; i < 3; i++) {
      await opsPerSecond(c.official, size.loops);
      await opsPerSecond(c.hookflow, size.loops);
    }
    const official: number[] = [];
    const ours: number[] = [];
    for (let round = 0; round < size.rounds; round++) {
      // Alternate the order so that neither side always runs after the other's garbage.
      if (round % 2 === 0) {
        official.push(await opsPerSecond(c.official, size.loops));
        ours.push(await opsPerSecond(c.hookflow, size.loops));
      } else {
        ours.push(await opsPerSecond(c.hookflow, size.loops));
        official.push(await opsPerSecond(c.official, size.loops));
      }
    }
    const ratio = median(ours) / median(official);
    rows.push({ scheme: c.scheme, label: c.label, ratio });
    console.log(
      `${c.scheme.padEnd(18)} ${c.label.padEnd(6)} ${Math.round(median(official)).toString().padStart(15)}  ${Math.round(median(ours)).toString().padStart(14)}  ${ratio.toFixed(2).padStart(5)}`,
    );
  }
}

console.log('');
for (const row of rows) {
  console.log(
    `${row.scheme} ${row.label}: hookflow/official ${row.ratio.toFixed(2)} (target ≥ 1.0) — target ${row.ratio >= 1 ? 'met' : 'NOT met'}`,
  );
}
