export type { AuthConfig, BasicAuthConfig, BearerAuthConfig, HeaderAuthConfig } from './auth.js';
export type { HmacAlgorithm } from './crypto.js';
export type { DiscordConfig } from './discord.js';
export { discord } from './discord.js';
export type {
  GithubConfig,
  HmacConfig,
  LinearConfig,
  ShopifyConfig,
  SquareConfig,
  TimestampedSecretConfig,
} from './hmac-schemes.js';
export {
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
export type { IpAllowConfig, TrustProxyConfig } from './ip.js';
export { isIpAllowed } from './ip.js';
export type { StandardWebhooksConfig } from './standard-webhooks.js';
export { signStandardWebhooks, standardWebhooks } from './standard-webhooks.js';
export type { TwilioConfig } from './twilio.js';
export { signTwilio, twilio, twilioBodyUrl } from './twilio.js';
export type { Secrets, SignedHeaders, Verifier, VerifyRequest } from './types.js';
