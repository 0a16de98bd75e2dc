/**
 * hookflow/bullmq on a real redis-server: web and worker roles, records shared between them,
 * retries and dead letters, sync answers across processes, dedupe across web processes, Redis
 * going away under load, and a worker killed mid-run.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import {
  createWebhookTrigger,
  type ExecutionRecord,
  NonRetryableError,
  type WebhookTrigger,
  type WebhookTriggerConfig,
} from 'hookflow';
import {
  type BullmqQueueConfig,
  bullmqQueue,
  redisDedupeStore,
  redisExecutionStore,
} from 'hookflow/bullmq';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { hasRedis, type RedisServer, startRedis } from './redis.js';

const fixture = fileURLToPath(new URL('./fixtures/bullmq-node.mjs', import.meta.url));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
let queues = 0;
const freshQueue = () => `q${++queues}-${process.pid}`;

function post(body: unknown, headers: Record<string, string> = {}) {
  return new Request('http://127.0.0.1/hooks/orders', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}

/** Polls `check` until it returns a value (not undefined), for at most `ms`. */
async function eventually<T>(check: () => Promise<T | undefined>, ms = 15_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error('condition not met in time');
    await sleep(50);
  }
}

interface Child {
  process: ChildProcess;
  port?: number;
}

/** Starts a web or worker process of the fixture and waits for its ready line. */
function startNode(settings: Record<string, unknown>): Promise<Child> {
  const child = spawn(process.execPath, [fixture, JSON.stringify(settings)], {
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('child did not start')), 15_000);
    let buffered = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const line = buffered.split('\n').find((l) => l.startsWith('{"ready"'));
      if (!line) return;
      clearTimeout(timer);
      const ready = JSON.parse(line) as { port?: number };
      resolve({ process: child, ...(ready.port ? { port: ready.port } : {}) });
    });
    child.once('exit', (code) => reject(new Error(`child exited early (${code})`)));
  });
}

async function stopNode(child: Child, signal: NodeJS.Signals = 'SIGTERM') {
  if (child.process.exitCode !== null || child.process.signalCode !== null) return;
  const exited = new Promise((resolve) => child.process.once('exit', resolve));
  child.process.kill(signal);
  await Promise.race([exited, sleep(5000)]);
  if (child.process.exitCode === null && child.process.signalCode === null)
    child.process.kill('SIGKILL');
}

describe.skipIf(!hasRedis)('hookflow/bullmq on a real Redis', () => {
  let redis: RedisServer;
  let client: Redis;
  const open: WebhookTrigger[] = [];
  const children: Child[] = [];

  beforeAll(async () => {
    redis = await startRedis({ persist: true });
    client = new Redis(redis.connection);
    client.on('error', () => {}); // Redis is stopped on purpose in one test.
  });

  afterEach(async () => {
    await Promise.allSettled(open.splice(0).map((t) => t.close({ timeoutMs: 1000 })));
    await Promise.allSettled(children.splice(0).map((c) => stopNode(c)));
  });

  afterAll(async () => {
    client?.disconnect();
    await redis?.dispose();
  });

  /** The same trigger definition, once per role, each with its own queue object and clients. */
  function roles(
    config: Partial<WebhookTriggerConfig> = {},
    queueOptions: Partial<BullmqQueueConfig> = {},
  ) {
    const queueName = freshQueue();
    const make = () => {
      const trigger = createWebhookTrigger({
        key: 'orders',
        queue: bullmqQueue({ connection: redis.connection, queueName, ...queueOptions }),
        response: { status: 200, body: { id: '{{$context.executionId}}' } },
        workflow: (ctx) => ({ echoed: ctx.body }),
        ...config,
      });
      open.push(trigger);
      return trigger;
    };
    return { web: make(), worker: make(), queueName };
  }

  async function settled(trigger: WebhookTrigger, id: string): Promise<ExecutionRecord> {
    return eventually(async () => {
      const record = await trigger.executions.get(id);
      return record && !['queued', 'started'].includes(record.status) ? record : undefined;
    });
  }

  it('acknowledges in the web process, runs in the worker, and both read the same record', async () => {
    const { web, worker } = roles();
    worker.startWorker({ concurrency: 2 });
    const res = await web(post({ order: 1 }));
    expect(res.status).toBe(200);
    const { id } = (await res.json()) as { id: string };
    const record = await settled(web, id);
    expect(record).toMatchObject({
      id,
      key: 'orders',
      mode: 'async',
      status: 'resolved',
      attempts: 1,
      result: { echoed: { order: 1 } },
      response: { status: 200, body: JSON.stringify({ id }) },
    });
    expect(await worker.executions.get(id)).toEqual(record);
    const listed = await web.executions.list({ status: 'resolved', limit: 5 });
    expect(listed.map((r) => r.id)).toContain(id);
  });

  it('retries with BullMQ attempts, then records the job as dead and calls onDeadLetter', async () => {
    const dead: string[] = [];
    const tries: number[] = [];
    const { web, worker } = roles({
      retry: { attempts: 3, backoff: { type: 'fixed', delayMs: 20 } },
      onDeadLetter: (record) => dead.push(record.id),
      workflow: (_ctx, run) => {
        tries.push(run.attempt);
        throw new Error(`down ${run.attempt}`);
      },
    });
    worker.startWorker();
    const { id } = (await (await web(post({}))).json()) as { id: string };
    const record = await settled(web, id);
    expect(record.status).toBe('dead');
    expect(record.error?.message).toBe('down 3');
    expect(record.history?.map((a) => [a.attempt, a.status])).toEqual([
      [1, 'failed'],
      [2, 'failed'],
      [3, 'failed'],
    ]);
    expect(tries).toEqual([1, 2, 3]);
    expect(dead).toEqual([id]);
  });

  it('ends a job at once on NonRetryableError', async () => {
    let runs = 0;
    const { web, worker } = roles({
      retry: { attempts: 5, backoff: { type: 'fixed', delayMs: 10 } },
      workflow: () => {
        runs++;
        throw new NonRetryableError('bad order');
      },
    });
    worker.startWorker();
    const { id } = (await (await web(post({}))).json()) as { id: string };
    const record = await settled(web, id);
    expect(record).toMatchObject({ status: 'dead', attempts: 1, error: { message: 'bad order' } });
    await sleep(100);
    expect(runs).toBe(1);
  });

  it('turns any execution id into a valid BullMQ job id', async () => {
    const ids = ['12345', 'tenant:42', 'a b/ü'];
    let next = 0;
    const { web, worker } = roles({ generateId: () => ids[next++] as string });
    worker.startWorker();
    for (const id of ids) {
      const res = await web(post({ id }));
      expect(res.status).toBe(200);
      expect(await settled(web, id)).toMatchObject({ id, status: 'resolved' });
    }
  });

  it('sends the raw body to workers only with keepRawBody', async () => {
    const seen: (string | undefined)[] = [];
    const make = (keepRawBody: boolean) => {
      const queueName = freshQueue();
      const config = {
        workflow: (ctx: { rawBody?: Uint8Array }) => {
          seen.push(ctx.rawBody && new TextDecoder().decode(ctx.rawBody));
        },
      };
      const mk = () => {
        const trigger = createWebhookTrigger({
          queue: bullmqQueue({ connection: redis.connection, queueName, keepRawBody }),
          ...config,
        });
        open.push(trigger);
        return trigger;
      };
      return { web: mk(), worker: mk() };
    };
    for (const keep of [false, true]) {
      const { web, worker } = make(keep);
      worker.startWorker();
      expect((await web(post({ keep }))).status).toBe(200);
      await eventually(async () => (seen.length === (keep ? 2 : 1) ? true : undefined));
    }
    expect(seen).toEqual([undefined, JSON.stringify({ keep: true })]);
  });

  it('closes a worker gracefully: the running job finishes first, then no new job starts', async () => {
    let started = 0;
    const { web, worker } = roles({
      workflow: async () => {
        started++;
        await sleep(300);
        return { finished: true };
      },
    });
    worker.startWorker({ concurrency: 1 });
    const first = (await (await web(post({ n: 1 }))).json()) as { id: string };
    await eventually(async () => (started === 1 ? true : undefined));
    await worker.close({ timeoutMs: 5000 });
    expect(await web.executions.get(first.id)).toMatchObject({
      status: 'resolved',
      result: { finished: true },
    });
    // Accepted after the worker left: it waits in Redis for the next worker.
    const second = (await (await web(post({ n: 2 }))).json()) as { id: string };
    await sleep(300);
    expect(started).toBe(1);
    expect(await web.executions.get(second.id)).toMatchObject({ status: 'queued' });
  });

  it('records a job whose workers died too often as dead, and hands it to onDeadLetter', async () => {
    const dead: { id: string; code?: string | undefined }[] = [];
    const { web, worker, queueName } = roles(
      { onDeadLetter: (record) => dead.push({ id: record.id, code: record.error?.code }) },
      { worker: { lockDurationMs: 500, stalledIntervalMs: 250, maxStalledCount: 0 } },
    );
    const doomed = await startNode({
      role: 'worker',
      redisPort: redis.port,
      queueName,
      lockMs: 500,
      maxStalledCount: 0,
    });
    children.push(doomed);
    const { id } = (await (await web(post({ sleepMs: 10_000 }))).json()) as { id: string };
    await eventually(async () =>
      (await web.executions.get(id))?.status === 'started' ? true : undefined,
    );
    doomed.process.kill('SIGKILL');
    // The surviving worker finds the job's lock expired; with maxStalledCount 0 it may not rerun it.
    worker.startWorker();
    const record = await settled(web, id);
    expect(record).toMatchObject({ status: 'dead', error: { code: 'JOB_STALLED' } });
    expect(dead).toEqual([{ id, code: 'JOB_STALLED' }]);
  });

  it('answers 503 QUEUE_UNAVAILABLE at once when Redis cannot be reached', async () => {
    const trigger = createWebhookTrigger({
      queue: bullmqQueue({ connection: { host: '127.0.0.1', port: 1 }, timeoutMs: 300 }),
      workflow: () => {},
    });
    open.push(trigger);
    const started = Date.now();
    const res = await trigger(post({}));
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
    // The generic message: nothing about the infrastructure behind the queue reaches the caller.
    expect(await res.json()).toEqual({
      error: {
        code: 'QUEUE_UNAVAILABLE',
        message: 'The delivery could not be queued; retry later.',
      },
    });
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('refuses a sync trigger on a distributed queue that cannot wait for results', () => {
    const queue = {
      capabilities: { distributed: true, waitForResult: false, deadLetter: false },
      enqueue: async () => {},
      process: () => {},
      close: async () => {},
    };
    expect(() => createWebhookTrigger({ mode: 'sync', queue, workflow: () => {} })).toThrow(
      /option "queue" must be a queue with waitForResult/,
    );
  });

  describe('Redis stores', () => {
    it('lists records newest first, filters them, and keeps at most maxRecords', async () => {
      const store = redisExecutionStore({
        connection: redis.connection,
        prefix: `store${queues++}`,
        maxRecords: 3,
      });
      const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s)).toISOString();
      for (let i = 1; i <= 5; i++) {
        await store.put({
          id: `r${i}`,
          key: 'k',
          mode: 'async',
          status: i % 2 ? 'resolved' : 'failed',
          attempts: 1,
          receivedAt: at(i),
          response: { status: 200, headers: {}, body: new Uint8Array([i, 0, 255]) },
        });
      }
      expect((await store.list()).map((r) => r.id)).toEqual(['r5', 'r4', 'r3']);
      expect((await store.list({ status: 'failed' })).map((r) => r.id)).toEqual(['r4']);
      expect((await store.list({ before: at(5), limit: 1 })).map((r) => r.id)).toEqual(['r4']);
      expect(await store.get('r1')).toBeUndefined();
      expect((await store.get('r5'))?.response?.body).toEqual(new Uint8Array([5, 0, 255]));
      await store.close();
    });

    it('claims a key once across clients, replays the remembered answer, and releases it', async () => {
      const a = redisDedupeStore({ connection: redis.connection, prefix: `d${queues++}` });
      const b = redisDedupeStore({ connection: redis.connection, prefix: `d${queues - 1}` });
      expect(await a.claim('x', 60)).toBe(true);
      expect(await b.claim('x', 60)).toBe(false);
      expect(await b.recall('x')).toBeUndefined();
      await a.remember('x', { status: 200, headers: { 'x-a': '1' }, body: 'ok' });
      expect(await b.recall('x')).toEqual({ status: 200, headers: { 'x-a': '1' }, body: 'ok' });
      await b.release('x');
      expect(await a.claim('x', 60)).toBe(true);
      await Promise.all([a.close(), b.close()]);
    });
  });

  describe('sync mode across processes', () => {
    function syncWeb(config: Partial<WebhookTriggerConfig>, queueName: string) {
      const trigger = createWebhookTrigger({
        key: 'orders',
        mode: 'sync',
        queue: bullmqQueue({ connection: redis.connection, queueName }),
        workflow: () => {
          throw new Error('a web process never runs workflows');
        },
        ...config,
      });
      open.push(trigger);
      return trigger;
    }

    it('answers with what the workflow in a worker process passed to respond()', async () => {
      const queueName = freshQueue();
      children.push(
        await startNode({ role: 'worker', mode: 'sync', redisPort: redis.port, queueName }),
      );
      const web = syncWeb({}, queueName);
      const res = await web(
        post({
          n: 1,
          respond: { status: 201, headers: { 'x-order': 'A-1' }, body: { accepted: 'A-1' } },
        }),
      );
      expect(res.status).toBe(201);
      expect(res.headers.get('x-order')).toBe('A-1');
      expect(await res.json()).toEqual({ accepted: 'A-1' });
      // Without respond(), the returned value is the answer; it came from the other process.
      const plain = await web(post({ n: 2 }));
      expect(plain.status).toBe(200);
      const body = (await plain.json()) as { n: number; pid: number };
      expect(body.n).toBe(2);
      expect(body.pid).not.toBe(process.pid);
      const [record] = await web.executions.list({ limit: 1 });
      expect(record).toMatchObject({ mode: 'sync', status: 'resolved', response: { status: 200 } });
    });

    it('answers 408 past the timeout, or 202 with the execution id with onTimeout: accept', async () => {
      const queueName = freshQueue();
      children.push(
        await startNode({ role: 'worker', mode: 'sync', redisPort: redis.port, queueName }),
      );
      const strict = syncWeb({ limits: { timeoutMs: 300 } }, queueName);
      const late = await strict(post({ sleepMs: 1000 }));
      expect(late.status).toBe(408);
      expect(await late.json()).toMatchObject({ error: { code: 'WORKFLOW_TIMEOUT' } });

      const lenient = syncWeb({ limits: { timeoutMs: 300 }, onTimeout: 'accept' }, queueName);
      const accepted = await lenient(post({ sleepMs: 1000 }));
      expect(accepted.status).toBe(202);
      const { executionId } = (await accepted.json()) as { executionId: string };
      // The run goes on in the worker and is recorded there.
      expect(await settled(lenient, executionId)).toMatchObject({ status: 'resolved' });
    });
  });

  it('runs concurrent identical deliveries to two web processes once', async () => {
    const queueName = freshQueue();
    const settings = { redisPort: redis.port, queueName, dedupe: true };
    const webs = await Promise.all([
      startNode({ ...settings, role: 'web' }),
      startNode({ ...settings, role: 'web' }),
    ]);
    children.push(...webs, await startNode({ ...settings, role: 'worker' }));
    const before = await client.llen('completions');
    const responses = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        fetch(`http://127.0.0.1:${webs[i % 2]?.port}/hooks/orders`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-delivery-id': 'evt-1' },
          body: JSON.stringify({ n: 1 }),
        }),
      ),
    );
    const bodies = await Promise.all(responses.map((r) => r.text()));
    expect(responses.map((r) => r.status)).toEqual(Array(10).fill(200));
    // Every caller got the first delivery's acknowledgement: one execution id.
    expect(new Set(bodies).size).toBe(1);
    await eventually(async () => ((await client.llen('completions')) > before ? true : undefined));
    await sleep(300);
    expect((await client.llen('completions')) - before).toBe(1);
  });

  it('answers 503 while Redis is down, acknowledges nothing it did not keep, and recovers', async () => {
    // Short locks: a job whose worker lost Redis mid-run is taken up again soon after it returns.
    const { web, worker } = roles(
      { workflow: () => {} },
      { timeoutMs: 1000, worker: { lockDurationMs: 1000, stalledIntervalMs: 500 } },
    );
    worker.startWorker({ concurrency: 8 });
    const acknowledged: string[] = [];
    const refusals: { status: number; code: string; retryAfter: string | null }[] = [];
    let phase: 'up' | 'down' | 'back' = 'up';
    const acceptedIn = { up: 0, down: 0, back: 0 };
    let sending = true;
    const lane = async () => {
      while (sending) {
        const res = await web(post({}));
        if (res.status === 200) {
          acknowledged.push(((await res.json()) as { id: string }).id);
          acceptedIn[phase]++;
        } else {
          const body = (await res.json()) as { error: { code: string } };
          refusals.push({
            status: res.status,
            code: body.error.code,
            retryAfter: res.headers.get('retry-after'),
          });
          await sleep(20);
        }
      }
    };
    const lanes = Array.from({ length: 8 }, lane);
    await sleep(500);
    await redis.stop();
    phase = 'down';
    await sleep(1500);
    await redis.start();
    phase = 'back';
    // Accepting again without a restart of either role.
    await eventually(async () => (acceptedIn.back >= 20 ? true : undefined), 20_000);
    sending = false;
    await Promise.all(lanes);

    expect(acceptedIn.up).toBeGreaterThan(0);
    expect(refusals.length).toBeGreaterThan(0);
    for (const refusal of refusals) {
      expect(refusal).toEqual({ status: 503, code: 'QUEUE_UNAVAILABLE', retryAfter: '5' });
    }
    // Every acknowledged delivery runs to the end.
    let pending: string[] = [];
    await eventually(async () => {
      const records = await Promise.all(acknowledged.map((id) => web.executions.get(id)));
      pending = records.filter((r) => r?.status !== 'resolved').map((r) => `${r?.id}:${r?.status}`);
      return pending.length === 0 ? true : undefined;
    }, 30_000).catch((error: Error) => {
      throw new Error(`${error.message}; not resolved: ${pending.slice(0, 10).join(', ')}`);
    });
  }, 60_000);

  it('loses nothing when a worker is killed mid-run (2 000 deliveries, web + 2 workers)', async () => {
    const queueName = freshQueue();
    // Short locks, so that the killed worker's jobs are taken over within seconds.
    const settings = { redisPort: redis.port, queueName, lockMs: 2000, concurrency: 16 };
    const web = await startNode({ ...settings, role: 'web' });
    const workers = await Promise.all([
      startNode({ ...settings, role: 'worker' }),
      startNode({ ...settings, role: 'worker' }),
    ]);
    children.push(web, ...workers);
    await client.del('completions');
    const total = 2000;
    const acknowledged: string[] = [];
    let next = 0;
    let killed = false;
    const lane = async () => {
      while (next < total) {
        next++;
        const res = await fetch(`http://127.0.0.1:${web.port}/hooks/orders`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ n: next, sleepMs: 5 }),
        });
        expect(res.status).toBe(200);
        acknowledged.push(((await res.json()) as { id: string }).id);
      }
    };
    const killer = (async () => {
      await eventually(async () =>
        (await client.llen('completions')) >= total / 4 ? true : undefined,
      );
      workers[0]?.process.kill('SIGKILL');
      killed = true;
    })();
    await Promise.all(Array.from({ length: 32 }, lane));
    await killer;
    expect(killed).toBe(true);
    expect(acknowledged).toHaveLength(total);

    const store = redisExecutionStore({ connection: redis.connection, maxRecords: 100_000 });
    try {
      const records = await eventually(async () => {
        const all = await Promise.all(acknowledged.map((id) => store.get(id)));
        return all.every((r) => r && (r.status === 'resolved' || r.status === 'dead'))
          ? all
          : undefined;
      }, 60_000);
      const completions = await client.lrange('completions', 0, -1);
      const runs = new Map<string, number>();
      for (const id of completions) runs.set(id, (runs.get(id) ?? 0) + 1);
      const twice = [...runs.values()].filter((count) => count > 1).length;
      const resolved = records.filter((r) => r?.status === 'resolved').length;
      console.log(
        `worker killed mid-run: ${total} accepted, ${resolved} resolved, ${total - resolved} dead, ` +
          `0 lost, ${twice} ran to completion twice (at-least-once: taken over before their completion was stored)`,
      );
      // Exactly one final outcome each, and every resolved one ran to completion.
      expect(new Set(records.map((r) => r?.id)).size).toBe(total);
      for (const record of records)
        if (record?.status === 'resolved') expect(runs.get(record.id)).toBeGreaterThanOrEqual(1);
      // Runs twice come from takeovers: the killed worker's jobs in flight, and, on a loaded
      // machine, jobs whose living worker could not renew its short lock in time. They are
      // reported above; they stay a small share.
      expect(twice).toBeLessThan(total / 20);
    } finally {
      await store.close();
    }
  }, 120_000);
});
