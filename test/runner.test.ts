import {
  createWebhookTrigger,
  type ExecutionRecord,
  type Job,
  type JobHandler,
  memoryQueue,
  NonRetryableError,
  type Queue,
} from 'hookflow';
import { describe, expect, it, vi } from 'vitest';
import { post, seen, waitForRecords } from './helpers.js';

const fast = { attempts: 3, backoff: { type: 'fixed' as const, delayMs: 1 } };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('retries and dead letters', () => {
  it('retries a failing run and records every attempt', async () => {
    const statuses: string[] = [];
    const trigger = createWebhookTrigger({
      retry: fast,
      hooks: { onExecution: (record) => statuses.push(record.status) },
      workflow: (_ctx, run) => {
        if (run.attempt < 3) throw new Error(`flaky ${run.attempt}`);
        return { ok: run.attempt };
      },
    });
    expect((await trigger(post({}))).status).toBe(200);
    const [record] = await waitForRecords(trigger, (r) => r[0]?.status === 'resolved');
    expect(record).toMatchObject({ status: 'resolved', attempts: 3, result: { ok: 3 } });
    expect(record?.error).toBeUndefined();
    expect(record?.history?.map((a) => [a.attempt, a.status, a.error?.message])).toEqual([
      [1, 'failed', 'flaky 1'],
      [2, 'failed', 'flaky 2'],
      [3, 'resolved', undefined],
    ]);
    for (const attempt of record?.history ?? [])
      expect(attempt.durationMs).toBeGreaterThanOrEqual(0);
    expect(statuses).toEqual([
      'queued',
      'started',
      'queued',
      'started',
      'queued',
      'started',
      'resolved',
    ]);
  });

  it('marks a run dead after its last attempt and calls onDeadLetter once', async () => {
    const dead: ExecutionRecord[] = [];
    const trigger = createWebhookTrigger({
      retry: fast,
      hooks: { onDeadLetter: (record) => dead.push(record) },
      workflow: () => {
        throw new Error('always');
      },
    });
    await trigger(post({}));
    const [record] = await waitForRecords(trigger, (r) => r[0]?.status === 'dead');
    expect(record).toMatchObject({ attempts: 3, error: { message: 'always' } });
    await sleep(10);
    expect(dead).toHaveLength(1);
    expect(dead[0]).toMatchObject({ id: record?.id, status: 'dead', attempts: 3 });
  });

  it('also calls a top-level onDeadLetter', async () => {
    const dead: string[] = [];
    const trigger = createWebhookTrigger({
      retry: { attempts: 1 },
      onDeadLetter: (record) => dead.push(record.id),
      workflow: () => {
        throw new Error('x');
      },
    });
    await trigger(post({}));
    const [record] = await waitForRecords(trigger, (r) => r[0]?.status === 'dead');
    await sleep(5);
    expect(dead).toEqual([record?.id]);
  });

  it('skips retries for a NonRetryableError', async () => {
    let calls = 0;
    const trigger = createWebhookTrigger({
      retry: fast,
      workflow: () => {
        calls++;
        throw new NonRetryableError('unknown customer');
      },
    });
    await trigger(post({}));
    const [record] = await waitForRecords(trigger, (r) => r[0]?.status === 'dead');
    expect(calls).toBe(1);
    expect(record).toMatchObject({
      attempts: 1,
      error: { name: 'NonRetryableError', message: 'unknown customer' },
    });
  });

  it('retries a run that times out', async () => {
    const trigger = createWebhookTrigger({
      retry: fast,
      limits: { timeoutMs: 10 },
      workflow: (_ctx, run) => (run.attempt === 1 ? sleep(100) : 'second time lucky'),
    });
    await trigger(post({}));
    const [record] = await waitForRecords(trigger, (r) => r[0]?.status === 'resolved');
    expect(record?.history?.map((a) => a.status)).toEqual(['timeout', 'resolved']);
  });

  it('waits the backoff delay between attempts', async () => {
    const starts: number[] = [];
    const trigger = createWebhookTrigger({
      retry: { attempts: 3, backoff: { type: 'exponential', delayMs: 20 } },
      workflow: () => {
        starts.push(performance.now());
        if (starts.length < 3) throw new Error('again');
      },
    });
    await trigger(post({}));
    await waitForRecords(trigger, (r) => r[0]?.status === 'resolved');
    const [a = 0, b = 0, c = 0] = starts;
    expect(b - a).toBeGreaterThanOrEqual(19);
    expect(c - b).toBeGreaterThanOrEqual(39);
  });

  it('records deliveries a closing in-process queue never ran as dead, for onDeadLetter', async () => {
    const dead: string[] = [];
    const trigger = createWebhookTrigger({
      queue: memoryQueue({ concurrency: 1 }),
      hooks: { onDeadLetter: (record) => dead.push(record.id) },
      workflow: (_ctx, run) =>
        new Promise((resolve) => run.signal.addEventListener('abort', resolve)),
    });
    for (let i = 0; i < 3; i++) await trigger(post({ i }));
    await sleep(5);
    await trigger.close({ timeoutMs: 20 });
    const records = await trigger.executions.list();
    expect(records.filter((r) => r.status === 'dead')).toHaveLength(2);
    expect(dead).toHaveLength(2);
    expect(records.filter((r) => r.status === 'timeout' || r.status === 'resolved')).toHaveLength(
      1,
    );
  });
});

describe('startWorker with a distributed queue', () => {
  it('runs nothing in a web-only process, and runs jobs once a worker starts', async () => {
    const jobs: Job[] = [];
    let handler: JobHandler | undefined;
    const sharedQueue: Queue = {
      capabilities: { distributed: true, waitForResult: false, deadLetter: false },
      async enqueue(job) {
        jobs.push(job);
      },
      process(next) {
        handler = next;
      },
      async close() {},
    };
    let ran = 0;
    const web = createWebhookTrigger({
      key: 'shared',
      queue: sharedQueue,
      workflow: () => void ran++,
    });
    expect((await web(post({ n: 1 }))).status).toBe(200);
    expect(handler).toBeUndefined();
    web.startWorker({ concurrency: 2 });
    await handler?.(jobs[0] as Job, {
      attempt: 1,
      attempts: 1,
      signal: new AbortController().signal,
    });
    expect(ran).toBe(1);
    expect((await web.executions.get((jobs[0] as Job).id))?.status).toBe('resolved');
  });
});

describe('dedupe', () => {
  it('replays the first response to a repeat, with Idempotent-Replayed, and runs once', async () => {
    let runs = 0;
    const trigger = createWebhookTrigger({
      dedupe: { key: 'X-GitHub-Delivery' },
      response: {
        status: 202,
        headers: { 'x-run': '{{$context.executionId}}' },
        body: { id: '{{$context.executionId}}' },
      },
      workflow: () => void runs++,
    });
    const delivery = () => post({ a: 1 }, { headers: { 'x-github-delivery': 'd-1' } });
    const first = await seen(await trigger(delivery()));
    const again = await seen(await trigger(delivery()));
    expect(first.status).toBe(202);
    expect(again).toEqual({
      ...first,
      headers: { ...first.headers, 'idempotent-replayed': 'true' },
    });
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    await sleep(10);
    expect(runs).toBe(1);
    expect(await trigger.executions.list()).toHaveLength(1);
  });

  it('never deduplicates deliveries without a key', async () => {
    let runs = 0;
    const trigger = createWebhookTrigger({
      mode: 'sync',
      dedupe: { key: 'webhook-id' },
      workflow: () => ++runs,
    });
    await trigger(post({ ping: true }));
    const res = await seen(await trigger(post({ ping: true })));
    expect(res).toMatchObject({ status: 200, json: 2 });
  });

  it('answers 10 concurrent identical deliveries with one run and 10 identical responses', async () => {
    let runs = 0;
    const trigger = createWebhookTrigger({
      mode: 'sync',
      dedupe: { key: 'body.id' },
      workflow: async (ctx) => {
        runs++;
        await sleep(30);
        return { handled: (ctx.body as { id: string }).id, run: runs };
      },
    });
    const responses = await Promise.all(
      Array.from({ length: 10 }, () => trigger(post({ id: 'evt_1' }))),
    );
    const bodies = await Promise.all(responses.map((r) => r.text()));
    expect(runs).toBe(1);
    expect(new Set(bodies)).toEqual(new Set(['{"handled":"evt_1","run":1}']));
    expect(responses.map((r) => r.status)).toEqual(Array(10).fill(200));
    expect(responses.filter((r) => r.headers.get('idempotent-replayed') === 'true')).toHaveLength(
      9,
    );
  });

  it('runs again once the key has expired', async () => {
    let now = Date.UTC(2026, 10, 22);
    let runs = 0;
    const trigger = createWebhookTrigger({
      mode: 'sync',
      clock: () => now,
      dedupe: { key: (ctx) => (ctx.body as { id: number }).id, ttlSeconds: 60 },
      workflow: () => ++runs,
    });
    await trigger(post({ id: 7 }));
    now += 59_000;
    expect(await (await trigger(post({ id: 7 }))).json()).toBe(1);
    now += 2_000;
    expect(await (await trigger(post({ id: 7 }))).json()).toBe(2);
  });

  it('releases the claim when the first delivery could not be queued', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let runs = 0;
    const trigger = createWebhookTrigger({
      queue: memoryQueue({ concurrency: 1, maxQueued: 1 }),
      dedupe: { key: 'idempotency-key' },
      workflow: async () => {
        runs++;
        await gate;
      },
    });
    await trigger(post({}, { headers: { 'idempotency-key': 'a' } }));
    await sleep(5);
    await trigger(post({}, { headers: { 'idempotency-key': 'b' } }));
    const refused = await trigger(post({}, { headers: { 'idempotency-key': 'c' } }));
    expect(refused.status).toBe(503);
    release();
    await waitForRecords(trigger, (r) => r.filter((x) => x.status === 'resolved').length === 2);
    const retried = await trigger(post({}, { headers: { 'idempotency-key': 'c' } }));
    expect(retried.status).toBe(200);
    expect(retried.headers.get('idempotent-replayed')).toBeNull();
    await waitForRecords(trigger, (r) => r.filter((x) => x.status === 'resolved').length === 3);
    expect(runs).toBe(3);
  });

  it('does not replay a 5xx: the retry runs again', async () => {
    let runs = 0;
    const trigger = createWebhookTrigger({
      mode: 'sync',
      dedupe: { key: 'webhook-id' },
      workflow: () => {
        runs++;
        if (runs === 1) throw new Error('database down');
        return 'ok now';
      },
    });
    const delivery = () => post({}, { headers: { 'webhook-id': 'msg_1' } });
    expect((await trigger(delivery())).status).toBe(500);
    const retry = await trigger(delivery());
    expect(retry.status).toBe(200);
    expect(await retry.json()).toBe('ok now');
  });

  it('answers 409 DELIVERY_IN_PROGRESS when the first is still being accepted after timeoutMs', async () => {
    const slowQueue: Queue = {
      capabilities: { distributed: true, waitForResult: false, deadLetter: false },
      enqueue: async () => {
        await sleep(150);
      },
      process() {},
      async close() {},
    };
    const trigger = createWebhookTrigger({
      queue: slowQueue,
      limits: { timeoutMs: 30 },
      dedupe: { key: 'webhook-id' },
      workflow: () => {},
    });
    const delivery = () => post({}, { headers: { 'webhook-id': 'slow' } });
    const first = trigger(delivery());
    await sleep(5);
    const second = await trigger(delivery());
    expect(second.status).toBe(409);
    expect(second.headers.get('retry-after')).toBe('1');
    expect(await second.json()).toMatchObject({ error: { code: 'DELIVERY_IN_PROGRESS' } });
    expect((await first).status).toBe(200);
    const replay = await trigger(delivery());
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
  });

  it('does not replay a 408: the retry runs again', async () => {
    let runs = 0;
    const trigger = createWebhookTrigger({
      mode: 'sync',
      limits: { timeoutMs: 20 },
      dedupe: { key: 'webhook-id' },
      workflow: () => (++runs === 1 ? sleep(100) : 'fast'),
    });
    const delivery = () => post({}, { headers: { 'webhook-id': 'msg_t' } });
    expect((await trigger(delivery())).status).toBe(408);
    expect(await (await trigger(delivery())).json()).toBe('fast');
  });
});

describe('hooks and stores that fail', () => {
  it('ignores a hook that rejects, and gives dead letters the delivery', async () => {
    const rejections: unknown[] = [];
    const onRejection = (reason: unknown) => rejections.push(reason);
    process.on('unhandledRejection', onRejection);
    const jobs: unknown[] = [];
    const trigger = createWebhookTrigger({
      retry: { attempts: 1, backoff: { type: 'fixed', delayMs: 1 } },
      hooks: {
        onExecution: async () => {
          throw new Error('metrics down');
        },
        onDeadLetter: (_record, job) => jobs.push(job.context.body),
      },
      workflow: () => {
        throw new Error('no');
      },
    });
    await trigger(post({ order: 7 }));
    await waitForRecords(trigger, (r) => r[0]?.status === 'dead');
    await sleep(10);
    process.off('unhandledRejection', onRejection);
    expect(rejections).toEqual([]);
    expect(jobs).toEqual([{ order: 7 }]);
  });

  it('answers normally and frees the key when the dedupe store cannot remember', async () => {
    const { memoryDedupeStore } = await import('hookflow');
    const inner = memoryDedupeStore();
    let runs = 0;
    const trigger = createWebhookTrigger({
      mode: 'sync',
      dedupe: {
        key: 'webhook-id',
        store: { ...inner, remember: () => Promise.reject(new Error('redis down')) },
      },
      workflow: () => ++runs,
    });
    const delivery = () => post({}, { headers: { 'webhook-id': 'm1' } });
    expect((await trigger(delivery())).status).toBe(200);
    expect((await trigger(delivery())).status).toBe(200);
    expect(runs).toBe(2);
  });

  it('records a delivery a full queue refused as failed, also when the store saves asynchronously', async () => {
    const { memoryExecutionStore } = await import('hookflow');
    const inner = memoryExecutionStore();
    // A store that answers later, as a remote one does.
    const executions = {
      put: async (record: ExecutionRecord) => inner.put(record),
      get: (id: string) => inner.get(id),
      list: () => inner.list(),
    };
    let release = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const trigger = createWebhookTrigger({
      executions,
      queue: memoryQueue({ concurrency: 1, maxQueued: 1 }),
      workflow: () => gate,
    });
    // One running, one waiting: the third has no room.
    expect((await trigger(post({}))).status).toBe(200);
    expect((await trigger(post({}))).status).toBe(200);
    const refused = await seen(await trigger(post({})));
    expect(refused.status).toBe(503);
    expect(refused.json).toMatchObject({ error: { code: 'QUEUE_FULL' } });
    const records = await waitForRecords(trigger, (r) => r[0]?.status === 'failed');
    expect(records[0]).toMatchObject({
      status: 'failed',
      error: { code: 'QUEUE_FULL' },
      response: { status: 503 },
    });
    release();
    await trigger.close();
    expect((await trigger.executions.list()).map((r) => r.status)).toEqual([
      'failed',
      'resolved',
      'resolved',
    ]);
  });

  it('hands out copies whose history and response cannot change the store', async () => {
    const trigger = createWebhookTrigger({ mode: 'sync', workflow: () => 'x' });
    await trigger(post({}));
    const [copy] = await trigger.executions.list();
    copy?.history?.push({ attempt: 9, startedAt: 'x' });
    if (copy?.response) copy.response.headers['x-changed'] = '1';
    const [again] = await trigger.executions.list();
    expect(again?.history).toHaveLength(1);
    expect(again?.response?.headers['x-changed']).toBeUndefined();
  });

  it('records a run aborted by close() with attempts left as dead, not queued forever', async () => {
    const dead: string[] = [];
    const trigger = createWebhookTrigger({
      retry: { attempts: 5, backoff: { type: 'fixed', delayMs: 1 } },
      hooks: { onDeadLetter: (record) => dead.push(record.id) },
      workflow: (_ctx, run) =>
        new Promise((_resolve, reject) =>
          run.signal.addEventListener('abort', () => reject(new Error('aborted'))),
        ),
    });
    await trigger(post({}));
    await sleep(5);
    await trigger.close({ timeoutMs: 20 });
    const [record] = await waitForRecords(trigger, (r) => r[0]?.status === 'dead');
    expect(record?.attempts).toBe(1);
    expect(dead).toEqual([record?.id]);
  });
});

describe('close() while retries are pending', () => {
  it('lets a draining queue retry: the run resolves and is never dead-lettered', async () => {
    const dead: string[] = [];
    const trigger = createWebhookTrigger({
      retry: { attempts: 3, backoff: { type: 'fixed', delayMs: 5 } },
      hooks: { onDeadLetter: (record) => dead.push(record.id) },
      workflow: (_ctx, run) => {
        if (run.attempt < 3) throw new Error('flaky');
        return 'third time';
      },
    });
    await trigger(post({}));
    await trigger.close({ timeoutMs: 2000 });
    const [record] = await trigger.executions.list();
    expect(record).toMatchObject({ status: 'resolved', attempts: 3 });
    expect(dead).toEqual([]);
  });

  it('calls both onDeadLetter hooks, and a rejecting one crashes nothing', async () => {
    const rejections: unknown[] = [];
    const onRejection = (reason: unknown) => rejections.push(reason);
    process.on('unhandledRejection', onRejection);
    const calls: string[] = [];
    const trigger = createWebhookTrigger({
      retry: { attempts: 1 },
      hooks: {
        onDeadLetter: async () => {
          calls.push('nested');
          throw new Error('nested hook failed');
        },
      },
      onDeadLetter: () => void calls.push('top'),
      workflow: () => {
        throw new Error('x');
      },
    });
    await trigger(post({}));
    await waitForRecords(trigger, (r) => r[0]?.status === 'dead');
    await sleep(10);
    process.off('unhandledRejection', onRejection);
    expect(calls).toEqual(['nested', 'top']);
    expect(rejections).toEqual([]);
  });
});

describe('runs that need no waiting', () => {
  it('records a workflow that returns at once, with the hooks in order', async () => {
    const statuses: string[] = [];
    const trigger = createWebhookTrigger({
      hooks: { onExecution: (record) => statuses.push(record.status) },
      workflow: (ctx) => ({ got: (ctx.body as { n: number }).n }),
    });
    expect((await trigger(post({ n: 7 }))).status).toBe(200);
    const [record] = await waitForRecords(trigger, (r) => r[0]?.status === 'resolved');
    expect(record).toMatchObject({ status: 'resolved', attempts: 1, result: { got: 7 } });
    expect(record?.history?.map((a) => a.status)).toEqual(['resolved']);
    expect(statuses).toEqual(['queued', 'started', 'resolved']);
  });

  it('retries a workflow that throws at once, as it retries a rejection', async () => {
    const trigger = createWebhookTrigger({
      retry: fast,
      workflow: (_ctx, run) => {
        if (run.attempt < 2) throw new Error('not yet');
        return 'done';
      },
    });
    await trigger(post({}));
    const [record] = await waitForRecords(trigger, (r) => r[0]?.status === 'resolved');
    expect(record?.history?.map((a) => [a.status, a.error?.message])).toEqual([
      ['failed', 'not yet'],
      ['resolved', undefined],
    ]);
  });

  it('counts the synchronous part of a run against its timeout', async () => {
    let now = Date.UTC(2024, 2, 1);
    const delays: number[] = [];
    const trigger = createWebhookTrigger({
      limits: { timeoutMs: 1000 },
      clock: {
        now: () => now,
        setTimeout: (callback, ms) => {
          delays.push(ms);
          return setTimeout(callback, 0);
        },
        clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
      },
      workflow: () => {
        now += 900; // 900 ms of work before the first await
        return new Promise(() => {});
      },
    });
    await trigger(post({}));
    const [record] = await waitForRecords(trigger, (r) => r[0]?.status === 'timeout');
    expect(delays).toEqual([100]);
    expect(record?.error?.code).toBe('WORKFLOW_TIMEOUT');
  });

  it('lets waitUntil go of a delivery the queue refused', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const trigger = createWebhookTrigger({
      queue: memoryQueue({ concurrency: 1, maxQueued: 1 }),
      workflow: () => gate,
    });
    const kept: Promise<unknown>[] = [];
    const waitUntil = (promise: Promise<unknown>) => kept.push(promise);
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) {
      statuses.push((await trigger(post({ i }), { waitUntil })).status);
      await sleep(5);
    }
    expect(statuses).toEqual([200, 200, 503]);
    const refused = await Promise.race([kept[2], sleep(200).then(() => 'still held')]);
    expect(refused).not.toBe('still held');
    release();
    await Promise.all(kept);
    const records = await trigger.executions.list();
    expect(records.map((r) => r.status).sort()).toEqual(['failed', 'resolved', 'resolved']);
  });

  it('calls the enqueue of a queue that wraps memoryQueue', async () => {
    const inner = memoryQueue();
    const queued: string[] = [];
    const queue: Queue = {
      ...inner,
      enqueue: (job, options) => {
        queued.push(job.id);
        return inner.enqueue(job, options);
      },
    };
    const trigger = createWebhookTrigger({ queue, workflow: () => 'ran' });
    expect((await trigger(post({}))).status).toBe(200);
    const [record] = await waitForRecords(trigger, (r) => r[0]?.status === 'resolved');
    expect(queued).toEqual([record?.id]);
    expect(record?.result).toBe('ran');
  });

  it('answers an async delivery before its workflow starts, and runs it after', async () => {
    const started: number[] = [];
    const trigger = createWebhookTrigger({
      workflow: (ctx) => {
        started.push((ctx.body as { n: number }).n);
      },
    });
    const response = await trigger(post({ n: 1 }));
    expect(response.status).toBe(200);
    expect(started).toEqual([]);
    await waitForRecords(trigger, (r) => r[0]?.status === 'resolved');
    expect(started).toEqual([1]);
  });

  it('runs async deliveries while a test fakes the timers', async () => {
    const realImmediate = setImmediate;
    const trigger = createWebhookTrigger({ workflow: (ctx) => ctx.body });
    vi.useFakeTimers();
    try {
      const responses = await Promise.all([1, 2].map((n) => trigger(post({ n }))));
      expect(responses.map((res) => res.status)).toEqual([200, 200]);
      // A turn of the real event loop, the fake clock untouched.
      await new Promise((resolve) => realImmediate(resolve));
      const records = await trigger.executions.list();
      expect(records.map((r) => [r.status, r.result])).toEqual([
        ['resolved', { n: 2 }],
        ['resolved', { n: 1 }],
      ]);
    } finally {
      vi.useRealTimers();
    }
    await trigger.close();
  });

  it('lets free slots take a burst before counting maxQueued', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const trigger = createWebhookTrigger({
      queue: memoryQueue({ concurrency: 2, maxQueued: 1 }),
      workflow: () => gate,
    });
    // Read in one turn: two start as soon as the queue runs, one waits, the fourth has no room.
    const burst = await Promise.all([1, 2, 3, 4].map((n) => trigger(post({ n }))));
    expect(burst.map((res) => res.status)).toEqual([200, 200, 200, 503]);
    release();
    await waitForRecords(trigger, (r) => r.filter((x) => x.status === 'resolved').length === 3);
    await trigger.close();
  });
});

describe('the run a workflow is handed', () => {
  it('can be taken apart in sync mode: respond, signal and attempt work on their own', async () => {
    const trigger = createWebhookTrigger({
      mode: 'sync',
      workflow: (_ctx, { respond, signal, attempt }) => {
        respond({ status: 201, body: { attempt, aborted: signal.aborted } });
        respond({ status: 500 });
      },
    });
    const answer = await seen(await trigger(post({})));
    expect(answer).toMatchObject({ status: 201, json: { attempt: 1, aborted: false } });
    const [record] = await waitForRecords(trigger, (r) => r[0]?.status === 'resolved');
    expect(record?.warnings).toEqual([
      'respond() was called after the response was sent; ignored.',
    ]);
  });

  it('can be taken apart in async mode, on every attempt', async () => {
    const seenRuns: { attempt: number; isSignal: boolean }[] = [];
    const trigger = createWebhookTrigger({
      retry: fast,
      workflow: (_ctx, { respond, signal, attempt }) => {
        seenRuns.push({ attempt, isSignal: signal instanceof AbortSignal && !signal.aborted });
        respond({ status: 201 });
        if (attempt < 2) throw new Error('again');
      },
    });
    expect((await trigger(post({}))).status).toBe(200);
    const [record] = await waitForRecords(trigger, (r) => r[0]?.status === 'resolved');
    expect(seenRuns).toEqual([
      { attempt: 1, isSignal: true },
      { attempt: 2, isSignal: true },
    ]);
    expect(record?.warnings?.[0]).toBe(
      'respond() has no effect in async mode: the delivery was already acknowledged.',
    );
  });
});
