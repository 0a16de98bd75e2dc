import { Redis, type RedisOptions } from 'ioredis';
import { WebhookTriggerError } from '../response/index.js';

/** How to reach Redis: ioredis options, or a connected ioredis client to share. */
export type RedisConnection = RedisOptions | Redis;

/** A client for plain commands, and whether hookflow opened it (and so must close it). */
export interface CommandClient {
  client: Redis;
  owned: boolean;
}

/**
 * The ioredis options behind a connection: a shared client's own options, or the options given.
 * Blocking clients (BullMQ workers and event readers) are opened from these.
 */
export function redisOptions(connection: RedisConnection): RedisOptions {
  if (connection instanceof Redis) return { ...connection.options };
  if (connection === null || typeof connection !== 'object') {
    throw new TypeError(
      `hookflow/bullmq: "connection" must be ioredis options or an ioredis client, received ${
        connection === null ? 'null' : typeof connection
      }`,
    );
  }
  return connection;
}

/**
 * A client for the commands a web process sends while a caller waits (enqueue, records, dedupe).
 * A client hookflow opens fails commands at once while Redis is unreachable instead of queueing
 * them until it returns, so that the caller gets a 503 and retries; it reconnects by itself.
 */
export function commandClient(
  connection: RedisConnection,
  onError: (error: Error) => void = () => {},
): CommandClient {
  if (connection instanceof Redis) return { client: connection, owned: false };
  const client = new Redis({
    ...redisOptions(connection),
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
  });
  // Connection errors are reported here; commands fail with their own errors meanwhile.
  client.on('error', onError);
  return { client, owned: true };
}

/** 503 `QUEUE_UNAVAILABLE`: callers get the generic message; what happened stays in `cause`. */
function unavailable(detail: string) {
  return new WebhookTriggerError('QUEUE_UNAVAILABLE', undefined, {
    cause: new Error(detail),
    headers: { 'retry-after': '5' },
  });
}

/**
 * Resolves once the client can take commands, or rejects with 503 `QUEUE_UNAVAILABLE` after
 * `timeoutMs` (a client still connecting at start-up, or reconnecting after Redis went away).
 */
export function whenReady(client: Redis, timeoutMs: number): Promise<void> {
  if (client.status === 'ready') return Promise.resolve();
  if (client.status === 'end') return Promise.reject(unavailable('The Redis client is closed.'));
  // One listener per client however many callers wait.
  let ready = readiness.get(client);
  if (!ready) {
    ready = new Promise<void>((resolve) => client.once('ready', () => resolve()));
    readiness.set(client, ready);
    void ready.then(() => readiness.delete(client));
  }
  return withinTime(ready, timeoutMs, 'connect');
}

const readiness = new WeakMap<Redis, Promise<void>>();

/**
 * Settles like `work`, or rejects with 503 `QUEUE_UNAVAILABLE` once `timeoutMs` passes: a caller
 * is never kept waiting on a Redis that does not answer.
 */
export function withinTime<T>(work: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(unavailable(`Redis did not answer within ${timeoutMs} ms (${what}).`)),
      timeoutMs,
    );
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

/** Closes a client hookflow opened; a shared one is left to its owner. */
export async function closeClient({ client, owned }: CommandClient): Promise<void> {
  if (!owned || client.status === 'end') return;
  try {
    await client.quit();
  } catch {
    client.disconnect();
  }
}

/** Checks a key prefix: Redis key names are built from it. */
export function checkPrefix(option: string, value: unknown, fallback: string): string {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || value === '' || value.includes('\n')) {
    throw new TypeError(`hookflow/bullmq: "${option}" must be a non-empty string`);
  }
  return value;
}

/** Checks a positive whole number option. */
export function checkPositive(option: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new RangeError(
      `hookflow/bullmq: "${option}" must be a positive integer, received ${String(value)}`,
    );
  }
  return value;
}
