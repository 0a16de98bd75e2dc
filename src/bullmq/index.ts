export type { BullmqQueue, BullmqQueueConfig } from './queue.js';
export { bullmqQueue } from './queue.js';
export type { RedisConnection } from './redis.js';
export type {
  Closable,
  RedisDedupeStoreConfig,
  RedisExecutionStoreConfig,
  RedisStoreConfig,
} from './stores.js';
export { redisDedupeStore, redisExecutionStore } from './stores.js';
