/** What a verifier sees of a delivery: the exact bytes received, never a re-serialised body. */
export interface VerifyRequest {
  /** Upper-case method. */
  readonly method: string;
  /** The full URL as received (schemes such as Twilio and Square sign it). */
  readonly url: string;
  /** A header by lower-case name. */
  header(name: string): string | null | undefined;
  /** The raw body bytes. */
  readonly rawBody: Uint8Array;
  /** The current time in epoch milliseconds, from the trigger's `clock`. */
  readonly now: number;
}

/**
 * Checks that a delivery comes from its sender, on the raw bytes. Pass one or a list as
 * `createWebhookTrigger({ verify })`: every one must pass.
 */
export interface Verifier {
  /** The scheme, e.g. `github` or `standard-webhooks`. */
  readonly scheme: string;
  /** The header carrying the sender's delivery id (for `dedupe: { key: 'delivery' }`), lower-case. */
  readonly deliveryIdHeader?: string;
  /**
   * Every header that may carry the delivery id, in the order to read them, when senders of the
   * scheme use more than one name (Standard Webhooks and Svix). @defaultValue `[deliveryIdHeader]`
   */
  readonly deliveryIdHeaders?: readonly string[];
  /**
   * Verifies one delivery.
   *
   * @throws {@link WebhookTriggerError} `SIGNATURE_INVALID` when it does not verify.
   */
  verify(request: VerifyRequest): void | Promise<void>;
}

/** A secret, or several during a rotation (any one may match). */
export type Secrets = string | string[];

/** The headers a sender sends with a signed delivery, lower-case names (from the `sign*` helpers). */
export type SignedHeaders = Record<string, string>;
