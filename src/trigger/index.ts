export type {
  CorsConfig,
  LimitsConfig,
  RequestFieldsConfig,
  TriggerMode,
  WebhookTriggerConfig,
} from './config.js';
export type { TriggerCallOptions, WebhookTrigger } from './create.js';
export { createWebhookTrigger } from './create.js';
