/**
 * Smoke test of the cluster example, run the way a user runs it: `cluster.ts` starts its own
 * redis-server, the web process and two workers; the test talks HTTP to it, reads what it prints,
 * and stops it with SIGTERM. Without `redis-server` on PATH it is skipped loudly (a failure in CI).
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { ExecutionRecord } from 'hookflow';
import { signGithub } from 'hookflow/verify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

function onPath(command: string): boolean {
  try {
    execFileSync(command, ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const hasRedis = onPath('redis-server');
if (!hasRedis) {
  const message =
    'redis-server is not on PATH: examples/bullmq-cluster is SKIPPED. Install it (Debian: apt-get install redis-server) to run it.';
  if (process.env.CI) throw new Error(`${message} CI must run it.`);
  console.warn(`\n*** ${message} ***\n`);
}

const clusterFile = fileURLToPath(new URL('./cluster.ts', import.meta.url));
const root = fileURLToPath(new URL('../..', import.meta.url));
const secret = 'cluster-test-secret';
const quotePassword = 'cluster-test-password';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Sends one command to the Redis on `port` and resolves with its first reply line ('' if none). */
function redisCommand(port: number, command: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (reply: string) => {
      socket.destroy();
      resolve(reply);
    };
    socket.setTimeout(1000, () => done(''));
    socket.once('error', () => done(''));
    socket.once('close', () => done(''));
    socket.once('data', (data) => done(data.toString().split('\r\n')[0] ?? ''));
    socket.connect(port, '127.0.0.1', () => socket.write(`${command}\r\n`));
  });
}

const isRunning = (child: ChildProcess) => child.exitCode === null && child.signalCode === null;

/** Resolves with the exit code, or `undefined` if the process is still running after `ms`. */
function exitWithin(child: ChildProcess, ms: number): Promise<number | null | undefined> {
  if (!isRunning(child)) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(undefined), ms);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}

describe.skipIf(!hasRedis)('examples/bullmq-cluster', () => {
  let cluster: ChildProcess | undefined;
  let output = '';
  let url = '';
  let redisPort: number | undefined;
  const watchers = new Set<() => void>();

  /** The first match of `pattern` in what the cluster printed, waiting at most `ms` for it. */
  function printed(pattern: RegExp, ms: number): Promise<RegExpExecArray> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => finish(new Error(`not printed within ${ms} ms: ${pattern}\n--- output:\n${output}`)),
        ms,
      );
      function finish(result: RegExpExecArray | Error) {
        clearTimeout(timer);
        watchers.delete(check);
        if (result instanceof Error) reject(result);
        else resolve(result);
      }
      function check() {
        const match = pattern.exec(output);
        if (match) finish(match);
        else if (cluster && !isRunning(cluster)) {
          finish(
            new Error(`the cluster exited before printing ${pattern}\n--- output:\n${output}`),
          );
        }
      }
      watchers.add(check);
      check();
    });
  }

  /** Polls `find` until it returns something, for at most `ms`. */
  async function eventually<T>(find: () => Promise<T | undefined>, ms: number): Promise<T> {
    const until = Date.now() + ms;
    for (;;) {
      const found = await find();
      if (found !== undefined) return found;
      if (Date.now() > until) throw new Error(`not found within ${ms} ms`);
      await sleep(50);
    }
  }

  beforeAll(async () => {
    cluster = spawn(process.execPath, ['--import', 'tsx', clusterFile], {
      cwd: root,
      // No REDIS_PORT: the cluster starts its own redis-server. PORT=0: a free port.
      env: {
        ...process.env,
        REDIS_HOST: undefined,
        REDIS_PORT: undefined,
        PORT: '0',
        GITHUB_WEBHOOK_SECRET: secret,
        QUOTE_PASSWORD: quotePassword,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
      for (const check of [...watchers]) check();
    };
    cluster.stdout?.on('data', collect);
    cluster.stderr?.on('data', collect);
    cluster.once('exit', () => {
      for (const check of [...watchers]) check();
    });

    const redisLine = await printed(/^redis-server started on 127\.0\.0\.1:(\d+) /m, 20_000);
    redisPort = Number(redisLine[1]);
    url = (await printed(/^listening on (http:\/\/127\.0\.0\.1:\d+)$/m, 45_000))[1] ?? '';
    // The banner's last line.
    await printed(
      /^The latest execution records, from every process: curl \S+\/executions$/m,
      5_000,
    );
  }, 70_000);

  afterAll(async () => {
    // Whatever happened above, nothing this test started is left running.
    if (cluster && isRunning(cluster)) {
      cluster.kill('SIGTERM');
      if ((await exitWithin(cluster, 20_000)) === undefined) {
        cluster.kill('SIGKILL');
        await exitWithin(cluster, 5_000);
      }
    }
    // A cluster that died before stopping its redis-server leaves it behind: stop it here. (Its
    // web and worker processes stop by themselves when the cluster goes away.)
    if (redisPort !== undefined && (await redisCommand(redisPort, 'PING')) === '+PONG') {
      await redisCommand(redisPort, 'SHUTDOWN NOSAVE');
    }
    cluster?.stdout?.destroy();
    cluster?.stderr?.destroy();
  }, 40_000);

  function post(path: string, body: string, headers: Record<string, string>) {
    return fetch(`${url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
    });
  }

  async function postOrder(orderId: string, deliveryId: string, signWith = secret) {
    const body = JSON.stringify({ order: { id: orderId } });
    return post('/hooks/orders', body, {
      'x-github-delivery': deliveryId,
      ...(await signGithub(signWith, body)),
    });
  }

  const quoteAuth = { authorization: `Basic ${btoa(`shop:${quotePassword}`)}` };

  it('starts its own redis-server, the web process and 2 workers, and prints curl commands', () => {
    expect(output).toContain('web process and 2 workers up');
    expect(url).not.toMatch(/:0$/);
    const curls = output.split('\n').filter((line) => line.trim().startsWith('curl -i'));
    expect(curls).toHaveLength(2);
    expect(curls[0]).toContain(`${url}/hooks/orders`);
    expect(curls[0]).toMatch(/-H 'x-hub-signature-256: sha256=[0-9a-f]{64}'/);
    expect(curls[1]).toContain(`${url}/hooks/quote -u shop:${quotePassword}`);
  });

  it('acknowledges a signed order with 202, then a worker runs it and records it', async () => {
    const response = await postOrder('T-1', 'delivery-1');
    expect(response.status).toBe(202);
    const { accepted } = (await response.json()) as { accepted: string };
    expect(accepted).toMatch(/^[0-9a-f-]{36}$/);

    await printed(
      new RegExp(`^worker [12] ran ${accepted} \\(order T-1, attempt 1\\)$`, 'm'),
      15_000,
    );
    // The web process reads the record the worker wrote.
    const record = await eventually(async () => {
      const records = (await (await fetch(`${url}/executions`)).json()) as ExecutionRecord[];
      return records.find((r) => r.id === accepted && r.status === 'resolved');
    }, 10_000);
    expect(record).toMatchObject({ key: 'orders', mode: 'async', attempts: 1 });
    expect(record.result).toEqual({ order: 'T-1' });
  });

  it('answers a redelivery with the first acknowledgement instead of running it again', async () => {
    const first = (await (await postOrder('T-2', 'delivery-2')).json()) as { accepted: string };
    const again = await postOrder('T-2', 'delivery-2');
    expect(again.status).toBe(202);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(await again.json()).toEqual(first);
  });

  it('refuses an order signed with another secret with 401', async () => {
    const response = await postOrder('T-3', 'delivery-3', 'not-the-secret');
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: { code: 'SIGNATURE_INVALID' } });
  });

  it('answers a quote with the status, header and body a worker decided', async () => {
    const response = await post('/hooks/quote', '{"sku":"tea","qty":3}', quoteAuth);
    expect(response.status).toBe(201);
    const quotedBy = response.headers.get('x-quoted-by');
    expect(quotedBy).toMatch(/^worker [12]$/);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(await response.json()).toEqual({ sku: 'tea', qty: 3, totalCents: 1350 });
    await printed(
      new RegExp(`^${quotedBy} quoted [0-9a-f-]{36} \\(3 × tea = 1350 cents\\)$`, 'm'),
      5_000,
    );

    const unknown = await post('/hooks/quote', '{"sku":"milk","qty":1}', quoteAuth);
    expect(unknown.status).toBe(422);
    expect(await unknown.json()).toEqual({
      error: 'unknown sku or invalid qty',
      skus: ['tea', 'coffee'],
    });
  });

  it('asks for Basic credentials on the quote trigger', async () => {
    const response = await post('/hooks/quote', '{"sku":"tea","qty":1}', {});
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(/^Basic realm=/);
  });

  it('stops the web process, the workers and its redis-server on SIGTERM, and exits 0', async () => {
    const running = cluster as ChildProcess;
    running.kill('SIGTERM');
    expect(await exitWithin(running, 30_000)).toBe(0);
    expect(output).toContain('SIGTERM received: stopping the web process, then the workers');
    expect(output).toMatch(/^cluster stopped$/m);
    expect(await redisCommand(redisPort as number, 'PING')).toBe('');
    await expect(fetch(`${url}/executions`)).rejects.toThrow();
  }, 40_000);
});
