import { createEd25519Key, fromHex, signatureInvalid } from './crypto.js';
import { checkTimestamp, requireHeader, tolerance } from './shared.js';
import type { Verifier } from './types.js';

/** Options of {@link discord}. */
export interface DiscordConfig {
  /** The application's public key (hex), from the developer portal. */
  publicKey: string;
  /** How far `X-Signature-Timestamp` may be from now, either way. @defaultValue `300` */
  toleranceSeconds?: number;
}

/**
 * Verifies Discord interactions: `X-Signature-Ed25519` (hex) over `X-Signature-Timestamp + body`
 * with the application's Ed25519 public key.
 *
 * @param config - `publicKey` and `toleranceSeconds`.
 * @returns the verifier.
 * @throws TypeError for a public key that is not 32 bytes of hex.
 * @example
 * ```ts
 * createWebhookTrigger({ mode: 'sync', verify: discord({ publicKey: process.env.DISCORD_PUBLIC_KEY! }), workflow });
 * ```
 */
export function discord(config: DiscordConfig): Verifier {
  const raw = typeof config?.publicKey === 'string' ? fromHex(config.publicKey) : undefined;
  if (raw?.length !== 32) throw new TypeError('discord: publicKey must be 64 hex characters');
  const key = createEd25519Key(raw);
  const toleranceSeconds = tolerance(config.toleranceSeconds, 300, 'discord: toleranceSeconds');
  const encoder = new TextEncoder();
  return {
    scheme: 'discord',
    async verify({ header, rawBody, now }) {
      const signature = fromHex(requireHeader(header, 'x-signature-ed25519'));
      const timestamp = requireHeader(header, 'x-signature-timestamp');
      checkTimestamp(timestamp, now, toleranceSeconds);
      const prefix = encoder.encode(timestamp);
      const message = new Uint8Array(prefix.length + rawBody.length);
      message.set(prefix);
      message.set(rawBody, prefix.length);
      if (!signature || !(await key.verify(message, signature))) throw signatureInvalid();
    },
  };
}
