export type {
  FieldConfig,
  FieldSpec,
  JsonSchema,
  JsonSchemaOptions,
  PathEntry,
  PathsOptions,
  PathType,
} from './parse/index.js';
export {
  getPath,
  JsonSyntaxError,
  jsonSchemaFromExample,
  pathsFromJson,
  pathsFromUrl,
} from './parse/index.js';
export type {
  ErrorCode,
  ResponseSpec,
  SentResponse,
  TemplateScope,
  WebhookTriggerErrorOptions,
} from './response/index.js';
export {
  ERROR_STATUS,
  isWebhookTriggerError,
  renderTemplate,
  WebhookTriggerError,
} from './response/index.js';
export type {
  AttemptRecord,
  Awaitable,
  BackoffConfig,
  CloseOptions,
  DedupeStore,
  EnqueueOptions,
  ExecutionError,
  ExecutionQuery,
  ExecutionRecord,
  ExecutionStatus,
  ExecutionStore,
  Executor,
  Job,
  JobHandler,
  JobInfo,
  MemoryDedupeStoreConfig,
  MemoryExecutionStoreConfig,
  MemoryQueueConfig,
  Queue,
  QueueCapabilities,
  RunApi,
  TriggerContext,
  Workflow,
} from './runner/index.js';
export {
  isNonRetryableError,
  memoryDedupeStore,
  memoryExecutionStore,
  memoryQueue,
  NonRetryableError,
  workflowExecutor,
} from './runner/index.js';
export type {
  CorsConfig,
  DedupeConfig,
  LimitsConfig,
  RequestFieldsConfig,
  RetryConfig,
  TriggerCallOptions,
  TriggerHooks,
  TriggerMode,
  WebhookTrigger,
  WebhookTriggerConfig,
} from './trigger/index.js';
export { createWebhookTrigger } from './trigger/index.js';
export type {
  AuthConfig,
  BasicAuthConfig,
  BearerAuthConfig,
  HeaderAuthConfig,
  IpAllowConfig,
  Secrets,
  TrustProxyConfig,
  Verifier,
  VerifyRequest,
} from './verify/index.js';
