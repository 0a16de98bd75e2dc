/**
 * The server side of bench/http.ts: one `node:http` server on 127.0.0.1 for one variant, in its own
 * process. Plain JavaScript run by plain `node`, importing the built package by name (`hookflow`
 * resolves to dist/), so every variant runs as it would in production: no TypeScript loader
 * transforms any of the code under test.
 *
 * Usage (done by bench/http.ts): node bench/http-server.mjs <variant> '<settings as JSON>'
 * It reports `{ port }` over IPC once listening and exits when the parent goes away.
 */
import { randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import { Readable } from 'node:stream';
import { createNodeMiddleware, Webhooks } from '@octokit/webhooks';
import { createWebhookTrigger, memoryQueue } from 'hookflow';
import { toNodeListener } from 'hookflow/node';
import { github } from 'hookflow/verify';

const [variant, json] = process.argv.slice(2);
/** @type {{ path: string, username: string, password: string, secret: string }} */
const settings = JSON.parse(json ?? '{}');

function hookflowTrigger() {
  return createWebhookTrigger({
    key: 'bench',
    queue: memoryQueue({ concurrency: 16, maxQueued: 10_000_000 }),
    ...(variant === 'hookflow+github'
      ? { verify: github({ secret: settings.secret }) }
      : { auth: { type: 'basic', username: settings.username, password: settings.password } }),
    workflow: () => {},
  });
}

/** The same work written by hand: auth, body, parse, an in-memory FIFO and a worker, 200 ok. */
function bareListener() {
  const expected = Buffer.from(
    `Basic ${Buffer.from(`${settings.username}:${settings.password}`).toString('base64')}`,
  );
  /** @type {{ id: string, receivedAt: number, body: unknown }[]} */
  const fifo = [];
  let scheduled = false;
  function work() {
    scheduled = false;
    for (let n = 0; n < 16 && fifo.length > 0; n++) fifo.shift();
    if (fifo.length > 0) schedule();
  }
  function schedule() {
    if (!scheduled) {
      scheduled = true;
      setImmediate(work);
    }
  }
  /** @param {import('node:http').ServerResponse} res */
  function answer(res, /** @type {number} */ status, /** @type {string} */ text) {
    res.writeHead(status, {
      'content-type': 'text/plain; charset=utf-8',
      'content-length': Buffer.byteLength(text),
    });
    res.end(text);
  }
  /** @type {import('node:http').RequestListener} */
  return function bareHandler(req, res) {
    const given = Buffer.from(req.headers.authorization ?? '');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      req.resume();
      answer(res, 401, 'unauthorized');
      return;
    }
    /** @type {Buffer[]} */
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      let body;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        answer(res, 400, 'invalid json');
        return;
      }
      fifo.push({ id: randomUUID(), receivedAt: Date.now(), body });
      schedule();
      answer(res, 200, 'ok');
    });
  };
}

/**
 * A plain IncomingMessage → Request → trigger → Response → ServerResponse bridge.
 * @returns {import('node:http').RequestListener}
 */
function webBridge(/** @type {import('hookflow').WebhookTrigger} */ trigger) {
  return function webBridgeHandler(req, res) {
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      if (Array.isArray(value)) for (const item of value) headers.append(name, item);
      else if (value !== undefined) headers.set(name, value);
    }
    const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
    const request = new Request(`http://${req.headers.host ?? '127.0.0.1'}${req.url ?? '/'}`, {
      method: req.method ?? 'GET',
      headers,
      body: hasBody ? Readable.toWeb(req) : null,
      duplex: 'half',
    });
    const clientIp = req.socket.remoteAddress;
    trigger(request, clientIp ? { clientIp } : {})
      .then(async (response) => {
        res.writeHead(response.status, Object.fromEntries(response.headers));
        res.end(Buffer.from(await response.arrayBuffer()));
      })
      .catch(() => {
        res.writeHead(500);
        res.end();
      });
  };
}

/** @returns {import('node:http').RequestListener} */
function listener() {
  switch (variant) {
    case 'bare':
      return bareListener();
    case 'hookflow/node':
    case 'hookflow+github':
      return toNodeListener(hookflowTrigger());
    case 'hookflow web':
      return webBridge(hookflowTrigger());
    case 'octokit': {
      const webhooks = new Webhooks({ secret: settings.secret });
      webhooks.on('push', () => {});
      const middleware = createNodeMiddleware(webhooks, { path: settings.path });
      return (req, res) => {
        middleware(req, res);
      };
    }
    default:
      throw new Error(`unknown variant ${variant}`);
  }
}

// Exit with the parent: the IPC channel closes when it goes away, however it ends.
process.on('disconnect', () => process.exit(0));
const server = createServer(listener());
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.send?.({ port: typeof address === 'object' && address ? address.port : 0 });
});
