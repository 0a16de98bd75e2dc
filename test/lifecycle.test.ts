import { createWebhookTrigger, type ExecutionRecord, type Executor, memoryQueue } from 'hookflow';
import { describe, expect, it } from 'vitest';
import { post, seen } from './helpers.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('trigger.close', () => {
  it('finishes queued runs, then answers 503 SHUTTING_DOWN with Retry-After', async () => {
    const done: number[] = [];
    const trigger = createWebhookTrigger({
      queue: memoryQueue({ concurrency: 1 }),
      workflow: async (ctx) => {
        await sleep(10);
        done.push((ctx.body as { n: number }).n);
      },
    });
    for (let n = 0; n < 5; n++) expect((await trigger(post({ n }))).status).toBe(200);
    await trigger.close({ timeoutMs: 2000 });
    expect(done).toEqual([0, 1, 2, 3, 4]);
    const res = await seen(await trigger(post({ n: 5 })));
    expect(res).toMatchObject({ status: 503, json: { error: { code: 'SHUTTING_DOWN' } } });
    expect(res.headers['retry-after']).toMatch(/^\d+$/);
    const records = await trigger.executions.list();
    expect(records.map((r) => r.status)).toEqual(Array(5).fill('resolved'));
  });

  it('aborts running work past the timeout', async () => {
    let aborted = false;
    const trigger = createWebhookTrigger({
      workflow: (_ctx, run) =>
        new Promise<void>((resolve) => {
          run.signal.addEventListener('abort', () => {
            aborted = true;
            resolve();
          });
        }),
    });
    await trigger(post({}));
    await sleep(5);
    const started = Date.now();
    await trigger.close({ timeoutMs: 30 });
    expect(Date.now() - started).toBeLessThan(1000);
    expect(aborted).toBe(true);
  });

  it('never dead-letters a run that outlives the timeout: it records its own outcome', async () => {
    const deadLetters: string[] = [];
    const statuses: string[] = [];
    let finish = () => {};
    const trigger = createWebhookTrigger({
      hooks: {
        onExecution: (record) => statuses.push(record.status),
        onDeadLetter: (record) => deadLetters.push(record.id),
      },
      // Ignores its abort signal, as workflows calling other systems often do.
      workflow: () =>
        new Promise<{ late: boolean }>((resolve) => {
          finish = () => resolve({ late: true });
        }),
    });
    expect((await trigger(post({}))).status).toBe(200);
    await sleep(5);
    await trigger.close({ timeoutMs: 20 });
    finish();
    await sleep(5);
    expect(deadLetters).toEqual([]);
    expect(statuses).toEqual(['queued', 'started', 'resolved']);
    const [record] = await trigger.executions.list();
    expect(record).toMatchObject({ status: 'resolved', attempts: 1, result: { late: true } });
  });

  it('waits for running sync deliveries', async () => {
    const trigger = createWebhookTrigger({
      mode: 'sync',
      workflow: async () => {
        await sleep(30);
        return { finished: true };
      },
    });
    const pending = trigger(post({}));
    await sleep(5);
    await trigger.close({ timeoutMs: 2000 });
    const [record] = await trigger.executions.list();
    expect(record?.status).toBe('resolved');
    expect(await (await pending).json()).toEqual({ finished: true });
  });
});

describe('pluggable parts', () => {
  it('runs jobs through a custom executor without a workflow function', async () => {
    const handedOver: unknown[] = [];
    const remoteEngine: Executor = {
      async execute(job, run) {
        handedOver.push({ id: job.id, key: job.key, body: job.context.body, attempt: run.attempt });
        return { engineRunId: 'r-1' };
      },
    };
    const trigger = createWebhookTrigger({ key: 'remote', mode: 'sync', executor: remoteEngine });
    const res = await seen(await trigger(post({ a: 1 })));
    expect(res).toMatchObject({ status: 200, json: { engineRunId: 'r-1' } });
    expect(handedOver).toEqual([
      { id: expect.any(String), key: 'remote', body: { a: 1 }, attempt: 1 },
    ]);
  });

  it('gives a custom execution store a snapshot on each put', async () => {
    const puts: ExecutionRecord[] = [];
    const trigger = createWebhookTrigger({
      executions: {
        put: (record) => {
          puts.push(record);
        },
        get: (id) => [...puts].reverse().find((record) => record.id === id),
        list: () => [],
      },
      workflow: () => 'done',
    });
    expect((await trigger(post({}))).status).toBe(200);
    await trigger.close();
    // Kept as handed over: later changes of the run do not reach earlier puts.
    expect(puts.map((record) => record.status)).toEqual(['queued', 'started', 'resolved']);
    expect(puts[2]).toMatchObject({ result: 'done', attempts: 1 });
  });

  it('hands the background run to waitUntil on edge runtimes', async () => {
    const kept: Promise<unknown>[] = [];
    let ran = false;
    const trigger = createWebhookTrigger({
      workflow: async () => {
        await sleep(10);
        ran = true;
      },
    });
    const res = await trigger(post({}), { waitUntil: (promise) => kept.push(promise) });
    expect(res.status).toBe(200);
    expect(kept).toHaveLength(1);
    expect(ran).toBe(false);
    await kept[0];
    expect(ran).toBe(true);
  });
});

describe('trigger.close validation', () => {
  it('refuses a negative timeout without starting to shut down', async () => {
    const trigger = createWebhookTrigger({ workflow: () => {} });
    await expect(trigger.close({ timeoutMs: -1 })).rejects.toThrow(RangeError);
    expect((await trigger(post({}))).status).toBe(200);
    await trigger.close();
  });
});

describe('sync runs on edge runtimes', () => {
  it('hands every sync run to waitUntil, so work after respond() is kept alive', async () => {
    const kept: Promise<unknown>[] = [];
    let finished = false;
    const trigger = createWebhookTrigger({
      mode: 'sync',
      workflow: async (_ctx, run) => {
        run.respond({ status: 202 });
        await sleep(20);
        finished = true;
      },
    });
    const res = await trigger(post({}), { waitUntil: (p) => kept.push(p) });
    expect(res.status).toBe(202);
    expect(kept).toHaveLength(1);
    expect(finished).toBe(false);
    await kept[0];
    expect(finished).toBe(true);
  });
});

describe('waitUntil that throws', () => {
  it('does not fail an accepted delivery', async () => {
    let ran = 0;
    const trigger = createWebhookTrigger({ workflow: () => void ran++ });
    const res = await trigger(post({}), {
      waitUntil: () => {
        throw new TypeError('Illegal invocation');
      },
    });
    expect(res.status).toBe(200);
    await sleep(10);
    expect(ran).toBe(1);
  });
});
