/**
 * A real `redis-server` for the BullMQ suites: started on a free port on 127.0.0.1 with its own
 * temporary directory, stopped (and the directory removed) afterwards. Without `redis-server` on
 * PATH the suites say so loudly and are skipped; in CI (`CI` set) that is a failure instead.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function onPath(command: string): boolean {
  try {
    execFileSync(command, ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export const hasRedis = onPath('redis-server');

if (!hasRedis) {
  const message =
    'redis-server is not on PATH: the BullMQ suites are SKIPPED. Install it (Debian: apt-get install redis-server) to run them.';
  if (process.env.CI) throw new Error(`${message} CI must run them.`);
  console.warn(`\n*** ${message} ***\n`);
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('error', () => done(false));
    socket.connect(port, '127.0.0.1', () => socket.write('PING\r\n'));
    socket.once('data', (data) => done(data.toString().startsWith('+PONG')));
  });
}

/** A running redis-server that a test owns. */
export interface RedisServer {
  port: number;
  connection: { host: string; port: number };
  /** Stops the server (SIGKILL when `hard`), keeping its port for {@link RedisServer.start}. */
  stop(hard?: boolean): Promise<void>;
  /** Starts it again on the same port. */
  start(): Promise<void>;
  /** Stops it for good and removes its directory. */
  dispose(): Promise<void>;
}

/**
 * Starts a redis-server on a free port; `dispose()` it in `afterAll`. With `persist`, every write
 * is in the append-only file before Redis answers, so a restart keeps what it acknowledged.
 */
export async function startRedis(options: { persist?: boolean } = {}): Promise<RedisServer> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'hookflow-redis-'));
  let child: ChildProcess | undefined;

  async function start() {
    child = spawn(
      'redis-server',
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--dir',
        dir,
        '--save',
        '',
        '--appendonly',
        options.persist ? 'yes' : 'no',
        '--appendfsync',
        'always',
        '--maxmemory-policy',
        'noeviction',
      ],
      { stdio: 'ignore' },
    );
    for (let i = 0; i < 100; i++) {
      if (await answersPing(port)) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`redis-server did not start on port ${port}`);
  }

  async function stop(hard = false) {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    running.kill(hard ? 'SIGKILL' : 'SIGTERM');
    await exited;
  }

  await start();
  process.once('exit', () => child?.kill('SIGKILL'));
  return {
    port,
    connection: { host: '127.0.0.1', port },
    start,
    stop,
    async dispose() {
      await stop(true);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
