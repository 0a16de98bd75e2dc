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
