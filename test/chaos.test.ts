import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createWebhookTrigger, memoryExecutionStore, memoryQueue } from 'hookflow';
import { describe, expect, it } from 'vitest';
import { post, waitForRecords } from './helpers.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const DELIVERIES = 10_000;
/** Stated bound: heap growth after a forced GC, with all 10 000 records (and their histories) kept. */
const HEAP_BOUND_MB = 64;

describe('chaos: 10 000 async deliveries, 20 % of attempts failing, 5 attempts', () => {
  it('ends every accepted delivery exactly once as resolved or dead, within the heap bound', {
    timeout: 120_000,
  }, async () => {
    const rejections: unknown[] = [];
    const onRejection = (reason: unknown) => rejections.push(reason);
    process.on('unhandledRejection', onRejection);
    gc();
    const heapBefore = process.memoryUsage().heapUsed;

    const deadLetters = new Set<string>();
    const completions = new Map<string, number>();
    const trigger = createWebhookTrigger({
      queue: memoryQueue({ concurrency: 32, maxQueued: DELIVERIES * 2 }),
      executions: memoryExecutionStore({ maxRecords: DELIVERIES * 2 }),
      retry: { attempts: 5, backoff: { type: 'fixed', delayMs: 1, jitter: true } },
      hooks: { onDeadLetter: (record) => deadLetters.add(record.id) },
      request: { body: [{ path: 'n', required: true }] },
      workflow: async (ctx) => {
        await Promise.resolve();
        if (Math.random() < 0.2) throw new Error('chaos');
        completions.set(ctx.executionId, (completions.get(ctx.executionId) ?? 0) + 1);
      },
    });

    let accepted = 0;
    for (let start = 0; start < DELIVERIES; start += 500) {
      const batch = Array.from({ length: Math.min(500, DELIVERIES - start) }, (_, i) =>
        trigger(post({ n: start + i })),
      );
      for (const res of await Promise.all(batch)) if (res.status === 200) accepted++;
    }
    expect(accepted).toBe(DELIVERIES);

    const records = await waitForRecords(
      trigger,
      (all) =>
        all.length === accepted && all.every((r) => r.status === 'resolved' || r.status === 'dead'),
      60_000,
    );
    const resolved = records.filter((r) => r.status === 'resolved');
    const dead = records.filter((r) => r.status === 'dead');
    expect(resolved.length + dead.length).toBe(accepted);
    expect(new Set(records.map((r) => r.id)).size).toBe(accepted);
    // A resolved run completed its workflow exactly once; a dead one never did.
    for (const record of resolved) expect(completions.get(record.id)).toBe(1);
    for (const record of dead) {
      expect(completions.has(record.id)).toBe(false);
      expect(record.attempts).toBe(5);
      expect(record.history).toHaveLength(5);
    }
    expect(new Set(dead.map((r) => r.id))).toEqual(deadLetters);
    expect(records.every((r) => r.attempts === r.history?.length)).toBe(true);

    await trigger.close({ timeoutMs: 1000 });
    process.off('unhandledRejection', onRejection);
    expect(rejections).toEqual([]);

    gc();
    const grownMb = (process.memoryUsage().heapUsed - heapBefore) / 1024 / 1024;
    console.log(
      `chaos: ${accepted} accepted, ${resolved.length} resolved, ${dead.length} dead, heap +${grownMb.toFixed(1)} MB after GC (bound ${HEAP_BOUND_MB} MB)`,
    );
    expect(grownMb).toBeLessThan(HEAP_BOUND_MB);
  });
});
