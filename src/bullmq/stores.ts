import type { SentResponse } from '../response/index.js';
import type {
  DedupeStore,
  ExecutionQuery,
  ExecutionRecord,
  ExecutionStore,
} from '../runner/index.js';
import { decodeRecord, decodeSent, encodeRecord, encodeSent } from './codec.js';
import {
  type CommandClient,
  checkPositive,
  checkPrefix,
  closeClient,
  commandClient,
  type RedisConnection,
  whenReady,
} from './redis.js';

/** Options shared by the Redis stores. */
export interface RedisStoreConfig {
  /** How to reach Redis: ioredis options (hookflow opens its own client) or a client to share. */
  connection: RedisConnection;
  /** The first part of every key name. @defaultValue `'hookflow'` */
  prefix?: string;
  /** How long a command may wait for Redis to be reachable. @defaultValue `5000` */
  timeoutMs?: number;
  /** Called with connection errors of a client the store opened; ignored without it. */
  onError?: (error: Error) => void;
}

/** Options of {@link redisExecutionStore}. */
export interface RedisExecutionStoreConfig extends RedisStoreConfig {
  /** How many records the index keeps; the oldest go first. @defaultValue `10000` */
  maxRecords?: number;
  /** How long a record lives after its last change, in seconds. @defaultValue `604800` (7 days) */
  ttlSeconds?: number;
}

/** Options of {@link redisDedupeStore}. */
export type RedisDedupeStoreConfig = RedisStoreConfig;

/** A Redis store that can be closed (it closes its client unless the client was given). */
export interface Closable {
  /** Closes the Redis client the store opened; a client passed in is left open. */
  close(): Promise<void>;
}

// Saves a record and indexes it by receipt time; past maxRecords the oldest are dropped, with
// their records. KEYS: index, record. ARGV: json, ttl, score, id, maxRecords, record key prefix.
const PUT_RECORD = `
redis.call('SET', KEYS[2], ARGV[1], 'EX', ARGV[2])
redis.call('ZADD', KEYS[1], 'NX', ARGV[3], ARGV[4])
local extra = redis.call('ZCARD', KEYS[1]) - tonumber(ARGV[5])
if extra > 0 then
  local old = redis.call('ZRANGE', KEYS[1], 0, extra - 1)
  for _, id in ipairs(old) do redis.call('DEL', ARGV[6] .. id) end
  redis.call('ZREMRANGEBYRANK', KEYS[1], 0, extra - 1)
end
return 1
`;

function openStore(config: RedisStoreConfig, kind: string) {
  if (config === null || typeof config !== 'object') {
    throw new TypeError(`hookflow/bullmq: ${kind} takes an options object with "connection"`);
  }
  const prefix = checkPrefix('prefix', config.prefix, 'hookflow');
  const timeoutMs = checkPositive('timeoutMs', config.timeoutMs, 5000);
  const redis: CommandClient = commandClient(config.connection, config.onError);
  const ready = async () => {
    await whenReady(redis.client, timeoutMs);
    return redis.client;
  };
  return { prefix, ready, close: () => closeClient(redis) };
}

/**
 * An {@link ExecutionStore} in Redis: records written by a web process and by any worker are
 * readable from every process. Each record is one JSON string (a binary response body as base64)
 * that expires `ttlSeconds` after its last change; an index sorted by receipt time serves
 * `list()`, newest first, and keeps at most `maxRecords`. `bullmqQueue()` brings one of these, so
 * a trigger on that queue needs no `executions` option.
 *
 * @param config - `connection`, and optionally `prefix`, `maxRecords`, `ttlSeconds`, `timeoutMs`.
 * @returns the store, with `close()`.
 * @throws TypeError or RangeError when an option is invalid.
 * @example
 * ```ts
 * const executions = redisExecutionStore({ connection: { host: '127.0.0.1', port: 6379 } });
 * const failed = await executions.list({ status: 'failed', limit: 20 });
 * ```
 */
export function redisExecutionStore(config: RedisExecutionStoreConfig): ExecutionStore & Closable {
  const { prefix, ready, close } = openStore(config, 'redisExecutionStore');
  const maxRecords = checkPositive('maxRecords', config.maxRecords, 10_000);
  const ttlSeconds = checkPositive('ttlSeconds', config.ttlSeconds, 604_800);
  const recordKey = `${prefix}:execution:`;
  const indexKey = `${prefix}:executions`;

  return {
    async put(record: ExecutionRecord) {
      const client = await ready();
      const score = Date.parse(record.receivedAt);
      await client.eval(
        PUT_RECORD,
        2,
        indexKey,
        recordKey + record.id,
        encodeRecord(record),
        ttlSeconds,
        Number.isFinite(score) ? score : 0,
        record.id,
        maxRecords,
        recordKey,
      );
    },
    async get(id: string) {
      const client = await ready();
      const text = await client.get(recordKey + id);
      return text === null ? undefined : decodeRecord(text);
    },
    async list(query: ExecutionQuery = {}) {
      const client = await ready();
      const limit = query.limit ?? Number.POSITIVE_INFINITY;
      const before = query.before === undefined ? '+inf' : `(${Date.parse(query.before)}`;
      const out: ExecutionRecord[] = [];
      const page = 200;
      for (let offset = 0; out.length < limit; offset += page) {
        const ids = await client.zrevrangebyscore(indexKey, before, '-inf', 'LIMIT', offset, page);
        if (ids.length === 0) break;
        const texts = await client.mget(ids.map((id) => recordKey + id));
        for (const text of texts) {
          if (text === null) continue; // expired
          const record = decodeRecord(text);
          if (query.status !== undefined && record.status !== query.status) continue;
          if (query.before !== undefined && !(record.receivedAt < query.before)) continue;
          out.push(record);
          if (out.length >= limit) break;
        }
        if (ids.length < page) break;
      }
      return out;
    },
    close,
  };
}

/**
 * A {@link DedupeStore} in Redis, so that web processes on any machine agree on which delivery
 * came first: a claim is `SET NX` with the TTL, the first response is kept under the same key, and
 * a release deletes it.
 *
 * @param config - `connection`, and optionally `prefix` and `timeoutMs`.
 * @returns the store, with `close()`.
 * @throws TypeError or RangeError when an option is invalid.
 * @example
 * ```ts
 * const trigger = createWebhookTrigger({
 *   queue: bullmqQueue({ connection }),
 *   dedupe: { key: 'x-delivery-id', store: redisDedupeStore({ connection }) },
 *   workflow,
 * });
 * ```
 */
export function redisDedupeStore(config: RedisDedupeStoreConfig): DedupeStore & Closable {
  const { prefix, ready, close } = openStore(config, 'redisDedupeStore');
  const keyOf = (key: string) => `${prefix}:dedupe:${key}`;
  return {
    async claim(key, ttlSeconds) {
      const client = await ready();
      const ttl = Math.max(1, Math.ceil(ttlSeconds));
      return (await client.set(keyOf(key), '', 'EX', ttl, 'NX')) === 'OK';
    },
    async release(key) {
      const client = await ready();
      await client.del(keyOf(key));
    },
    async remember(key, response: SentResponse) {
      const client = await ready();
      // Only while the claim lives, and no longer than it.
      await client.set(keyOf(key), JSON.stringify(encodeSent(response)), 'KEEPTTL', 'XX');
    },
    async recall(key) {
      const client = await ready();
      const text = await client.get(keyOf(key));
      return text ? (decodeSent(JSON.parse(text)) as SentResponse) : undefined;
    },
    close,
  };
}
