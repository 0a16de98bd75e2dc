/**
 * The whole cluster in one command:
 *
 *   npx tsx examples/bullmq-cluster/cluster.ts
 *
 * Starts a `redis-server` on a free port of 127.0.0.1 with a temporary directory (unless
 * REDIS_PORT is set: then the Redis at REDIS_HOST:REDIS_PORT is used), then one web process and
 * two worker processes. Once all are up it prints `listening on <url>` and curl commands to try.
 * SIGINT (Ctrl-C) or SIGTERM stops the web process first, then the workers (each lets its running
 * deliveries finish), then the redis-server it started.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { curlCommands, settingsFromEnv } from './trigger.js';

const WORKERS = 2;
/** How long the processes may take to start, and each one to stop before it is killed. */
const START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 15_000;

const here = dirname(fileURLToPath(import.meta.url));
// The children run from the project root, where `tsx` and the tsconfig are.
const root = join(here, '..', '..');

interface RedisHandle {
  host: string;
  port: number;
  /** Stops the redis-server this command started; nothing for one given by REDIS_PORT. */
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function answersPing(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('error', () => done(false));
    socket.once('data', (data) => done(data.toString().startsWith('+PONG')));
    socket.connect(port, host, () => socket.write('PING\r\n'));
  });
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** SIGTERM, then SIGKILL if the process is still there after `timeoutMs`. */
async function stopProcess(child: ChildProcess, timeoutMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = exited(child);
  child.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), timeoutMs);
  });
  if ((await Promise.race([gone, late])) === 'late') {
    console.error(`pid ${child.pid} did not stop within ${timeoutMs} ms: killing it`);
    child.kill('SIGKILL');
    await gone;
  }
  clearTimeout(timer);
}

async function startRedis(): Promise<RedisHandle> {
  if (process.env.REDIS_PORT) {
    const { host, port } = settingsFromEnv().connection;
    console.log(`using Redis at ${host}:${port} (REDIS_HOST/REDIS_PORT)`);
    return { host, port, stop: async () => {} };
  }
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'hookflow-cluster-'));
  // Its own process group: Ctrl-C in a terminal must not stop Redis before the workers drain.
  const server = spawn(
    'redis-server',
    [
      ...['--port', String(port), '--bind', '127.0.0.1', '--dir', dir],
      // What a queue needs: no eviction of job keys, and an append-only file.
      ...['--maxmemory-policy', 'noeviction', '--appendonly', 'yes', '--save', ''],
    ],
    { stdio: 'ignore', detached: true },
  );
  const remove = () => rmSync(dir, { recursive: true, force: true });
  // Whatever happens to this process, the redis-server it started goes with it.
  process.once('exit', () => {
    server.kill('SIGKILL');
    remove();
  });
  const failed = new Promise<never>((_, reject) => {
    server.once('error', (error) =>
      reject(
        new Error(`cannot start redis-server (${error.message}); install it or set REDIS_PORT`),
      ),
    );
    server.once('exit', (code) => reject(new Error(`redis-server exited with code ${code}`)));
  });
  failed.catch(() => {});
  const started = Date.now();
  while (!(await Promise.race([answersPing('127.0.0.1', port), failed]))) {
    if (Date.now() - started > START_TIMEOUT_MS) throw new Error('redis-server did not start');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  console.log(`redis-server started on 127.0.0.1:${port} (data in ${dir})`);
  return {
    host: '127.0.0.1',
    port,
    async stop() {
      server.removeAllListeners('exit');
      await stopProcess(server, STOP_TIMEOUT_MS);
      remove();
    },
  };
}

/** Runs `file` of this folder with tsx; it reports `{ ready, url? }` over IPC once it is up. */
function startChild(file: string, env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', join(here, file)], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const ready = new Promise<{ ready: string; url?: string }>((resolve, reject) => {
    child.on('message', (message: { ready?: unknown; url?: unknown }) => {
      if (typeof message?.ready === 'string') resolve(message as { ready: string; url?: string });
    });
    child.once('exit', (code, signal) =>
      reject(new Error(`${file} exited before it was ready (${signal ?? `code ${code}`})`)),
    );
  });
  ready.catch(() => {});
  return { child, ready };
}

const redis = await startRedis();
const redisEnv = { REDIS_HOST: redis.host, REDIS_PORT: String(redis.port) };
const web = startChild('web.ts', { ...redisEnv, PORT: process.env.PORT ?? '3000' });
const workers = Array.from({ length: WORKERS }, (_, i) =>
  startChild('worker.ts', { ...redisEnv, WORKER_ID: String(i + 1) }),
);
const processes = [
  { name: 'the web process', child: web.child },
  ...workers.map(({ child }, i) => ({ name: `worker ${i + 1}`, child })),
];

let stopping: Promise<void> | undefined;
/** Stops the web process, then the workers, then Redis; exits with `code`. */
function stop(reason: string, code: number) {
  stopping ??= (async () => {
    console.log(`${reason}: stopping the web process, then the workers, then Redis…`);
    await stopProcess(web.child, STOP_TIMEOUT_MS);
    await Promise.all(workers.map(({ child }) => stopProcess(child, STOP_TIMEOUT_MS)));
    await redis.stop();
    console.log('cluster stopped');
    process.exit(code);
  })();
}

process.on('SIGINT', () => stop('SIGINT received', 0));
process.on('SIGTERM', () => stop('SIGTERM received', 0));
for (const { name, child } of processes) {
  child.once('exit', (code, signal) => {
    if (!stopping) stop(`${name} exited (${signal ?? `code ${code}`})`, 1);
  });
}

let timer: NodeJS.Timeout | undefined;
const tooSlow = new Promise<never>((_, reject) => {
  timer = setTimeout(
    () => reject(new Error('the processes did not start in time')),
    START_TIMEOUT_MS,
  );
});
try {
  const [{ url = '' }] = await Promise.race([
    Promise.all([web.ready, ...workers.map(({ ready }) => ready)]),
    tooSlow,
  ]);
  clearTimeout(timer);
  const curls = await curlCommands(url, settingsFromEnv());
  // One write, so that the banner arrives whole.
  console.log(
    [
      `web process and ${WORKERS} workers up`,
      `listening on ${url}`,
      'A signed order (202 at once; a worker logs the run), and a quote (201 from a worker):',
      ...curls.map((curl) => `  ${curl}`),
      `The latest execution records, from every process: curl ${url}/executions`,
    ].join('\n'),
  );
} catch (error) {
  clearTimeout(timer);
  console.error(error instanceof Error ? error.message : error);
  stop('start-up failed', 1);
}
