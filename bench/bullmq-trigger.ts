/**
 * The trigger of the BullMQ lines of bench/queue.ts, built the same way in the web process and in
 * every worker process, so both sides agree on the queue, the key prefix and the workflow.
 */
import { createWebhookTrigger, type TriggerHooks, type WebhookTrigger } from 'hookflow';
import { bullmqQueue } from 'hookflow/bullmq';

/**
 * Where the workers count records saved as `resolved`. It sits under the run's own prefix, so a
 * count never carries over from an earlier run.
 */
export function resolvedCounterKey(name: string): string {
  return `${name}:bench:resolved`;
}

/**
 * A no-op trigger on a BullMQ queue whose prefix and queue name are both `name`: a fresh name per
 * run keeps jobs and execution records of other runs out of it.
 */
export function benchTrigger(port: number, name: string, hooks?: TriggerHooks): WebhookTrigger {
  return createWebhookTrigger({
    key: 'orders',
    queue: bullmqQueue({ connection: { host: '127.0.0.1', port }, prefix: name, queueName: name }),
    ...(hooks ? { hooks } : {}),
    workflow: () => {},
  });
}
