export { copyRecord } from './copy-record.js';
export { resolveCloseTimeout, waitUntilDeadline } from './deadline.js';
export type { MemoryDedupeStoreConfig } from './dedupe-store.js';
export { memoryDedupeStore } from './dedupe-store.js';
export type { MemoryExecutionStoreConfig } from './execution-store.js';
export { memoryExecutionStore } from './execution-store.js';
export { workflowExecutor } from './executor.js';
export type { LazyAbort } from './lazy-abort.js';
export { createLazyAbort, RunHandle } from './lazy-abort.js';
export type { MemoryQueueConfig } from './memory-queue.js';
export { memoryQueue } from './memory-queue.js';
export { backoffDelay, isNonRetryableError, NonRetryableError, shouldRetry } from './retry.js';
export type {
  AttemptRecord,
  Awaitable,
  BackoffConfig,
  Clock,
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
  ProcessOptions,
  Queue,
  QueueCapabilities,
  RunApi,
  TriggerContext,
  Workflow,
} from './types.js';
