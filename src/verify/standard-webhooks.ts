import {
  createEd25519Key,
  createHmacKey,
  type Ed25519Key,
  fromBase64,
  type HmacKey,
  signatureInvalid,
  toBase64,
} from './crypto.js';
import { checkTimestamp, secretList, tolerance } from './shared.js';
import type { Secrets, Verifier } from './types.js';

/** Options of {@link standardWebhooks}. */
export interface StandardWebhooksConfig {
  /**
   * `whsec_…` signing secrets (v1, HMAC-SHA256) and/or `whpk_…` public keys (v1a, Ed25519); a
   * bare base64 secret is taken as a `whsec_` one. Several are accepted during a rotation.
   */
  secret: Secrets;
  /** How far the `webhook-timestamp` may be from now, either way. @defaultValue `300` */
  toleranceSeconds?: number;
}

function decodeKey(secret: string): { hmac?: HmacKey; ed25519?: Ed25519Key } {
  const [prefix, rest] = secret.startsWith('whpk_')
    ? ['whpk_', secret.slice(5)]
    : ['whsec_', secret.replace(/^whsec_/, '')];
  const bytes = fromBase64(rest);
  if (!bytes || bytes.length === 0)
    throw new TypeError(`secret: "${prefix}…" must be followed by base64`);
  return prefix === 'whpk_'
    ? { ed25519: createEd25519Key(bytes) }
    : { hmac: createHmacKey('sha256', bytes) };
}

function headerOf(
  header: (name: string) => string | null | undefined,
  name: string,
): string | undefined {
  // Svix sends the same three headers under svix-* names.
  return header(`webhook-${name}`) ?? header(`svix-${name}`) ?? undefined;
}

/**
 * Verifies Standard Webhooks (and Svix) deliveries: `webhook-id`, `webhook-timestamp` and
 * `webhook-signature` (or their `svix-*` twins), signed over `id.timestamp.body` with v1
 * (HMAC-SHA256, `whsec_` secrets) or v1a (Ed25519, `whpk_` public keys); the header may carry
 * several space-separated signatures.
 *
 * @param config - `secret` (one or several) and `toleranceSeconds`.
 * @returns the verifier; its delivery id header is `webhook-id`.
 * @throws TypeError for a secret that is not valid base64.
 * @example
 * ```ts
 * createWebhookTrigger({ verify: standardWebhooks({ secret: process.env.WEBHOOK_SECRET! }), workflow });
 * ```
 */
export function standardWebhooks(config: StandardWebhooksConfig): Verifier {
  const keys = secretList(config?.secret, 'standardWebhooks: secret').map((secret) => {
    try {
      return decodeKey(secret);
    } catch (error) {
      throw new TypeError(`standardWebhooks: ${(error as Error).message}`);
    }
  });
  const hmacs = keys.flatMap((k) => (k.hmac ? [k.hmac] : []));
  const publicKeys = keys.flatMap((k) => (k.ed25519 ? [k.ed25519] : []));
  const toleranceSeconds = tolerance(
    config.toleranceSeconds,
    300,
    'standardWebhooks: toleranceSeconds',
  );
  const encoder = new TextEncoder();
  return {
    scheme: 'standard-webhooks',
    deliveryIdHeader: 'webhook-id',
    deliveryIdHeaders: ['webhook-id', 'svix-id'],
    async verify(request) {
      const id = headerOf(request.header, 'id');
      const timestamp = headerOf(request.header, 'timestamp');
      const signatures = headerOf(request.header, 'signature');
      if (!id || !timestamp || !signatures) {
        throw signatureInvalid(
          'Missing webhook-id, webhook-timestamp or webhook-signature header.',
        );
      }
      checkTimestamp(timestamp, request.now, toleranceSeconds);
      const prefix = encoder.encode(`${id}.${timestamp}.`);
      const signed = new Uint8Array(prefix.length + request.rawBody.length);
      signed.set(prefix);
      signed.set(request.rawBody, prefix.length);
      const macs = await Promise.all(hmacs.map((key) => key.sign([signed])));
      let valid = false;
      for (const entry of signatures.split(' ')) {
        const comma = entry.indexOf(',');
        const version = entry.slice(0, comma);
        const signature = comma === -1 ? undefined : fromBase64(entry.slice(comma + 1));
        if (!signature) continue;
        if (version === 'v1') {
          for (const mac of macs) valid = timingSafe(signature, mac) || valid;
        } else if (version === 'v1a') {
          for (const key of publicKeys) valid = (await key.verify(signed, signature)) || valid;
        }
      }
      if (!valid) throw signatureInvalid();
    },
  };
}

function timingSafe(a: Uint8Array, b: Uint8Array): boolean {
  let diff = a.length ^ b.length;
  for (let i = 0; i < b.length; i++) diff |= (a[i] ?? 0) ^ (b[i] as number);
  return diff === 0;
}

/**
 * The headers a Standard Webhooks sender sends (v1, HMAC-SHA256), for tests and the CLI.
 *
 * @param secret - a `whsec_…` secret.
 * @param delivery - `id`, `timestamp` (unix seconds) and the exact `body`.
 * @returns `webhook-id`, `webhook-timestamp` and `webhook-signature`.
 * @example
 * ```ts
 * const headers = await signStandardWebhooks('whsec_…', { id: 'msg_1', timestamp: 1700000000, body: '{}' });
 * ```
 */
export async function signStandardWebhooks(
  secret: string,
  delivery: { id: string; timestamp: number; body: string | Uint8Array },
): Promise<Record<string, string>> {
  const key = decodeKey(secret).hmac;
  if (!key) throw new TypeError('signStandardWebhooks needs a whsec_ secret');
  const mac = await key.sign([`${delivery.id}.${delivery.timestamp}.`, delivery.body]);
  return {
    'webhook-id': delivery.id,
    'webhook-timestamp': String(delivery.timestamp),
    'webhook-signature': `v1,${toBase64(mac)}`,
  };
}
