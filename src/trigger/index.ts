export type {
  CorsConfig,
  DedupeConfig,
  LimitsConfig,
  RequestFieldsConfig,
  RetryConfig,
  TriggerHooks,
  TriggerMode,
  WebhookTriggerConfig,
} from './config.js';
export type { TriggerCallOptions, WebhookTrigger } from './create.js';
export { createWebhookTrigger } from './create.js';
export type { NodeRequestLike, NodeSocketLike } from './incoming.js';
export type { WebhookRouter, WebhookRouterConfig } from './router.js';
export { createWebhookRouter, DEFAULT_ROUTE } from './router.js';
