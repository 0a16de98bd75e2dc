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
  Awaitable,
  BackoffConfig,
  CloseOptions,
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
  MemoryExecutionStoreConfig,
  MemoryQueueConfig,
  Queue,
  QueueCapabilities,
  RunApi,
  TriggerContext,
  Workflow,
} from './runner/index.js';
export { memoryExecutionStore, memoryQueue, workflowExecutor } from './runner/index.js';
export type {
  CorsConfig,
  LimitsConfig,
  RequestFieldsConfig,
  TriggerCallOptions,
  TriggerMode,
  WebhookTrigger,
  WebhookTriggerConfig,
} from './trigger/index.js';
export { createWebhookTrigger } from './trigger/index.js';
export type { AuthConfig, BasicAuthConfig } from './verify/index.js';
