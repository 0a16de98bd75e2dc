/**
 * The server side of bench/http.ts: one `node:http` server on 127.0.0.1 for one variant, in its own
 * process. Plain JavaScript run by plain `node`, importing the built package by name (`hookflow`
 * resolves to dist/), so every variant runs as it would in production: no TypeScript loader
 * transforms any of the code under test.
 *
 * Usage (done by bench/http.ts): node bench/http-server.mjs <variant> '<settings as JSON>'
 * It reports `{ port }` over IPC once listening and exits when the parent goes away.
 */
import { createServer } from 'node:http';
import { Readable } from 'node:stream';
import { toNodeListener } from 'hookflow/node';
import { bareListener, hookflowTrigger, octokitListener } from './handlers.mjs';

const [variant, json] = process.argv.slice(2);
/** @type {import('./handlers.mjs').Settings} */
const settings = JSON.parse(json ?? '{}');

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
      return bareListener(settings);
    case 'hookflow/node':
    case 'hookflow+github':
      return toNodeListener(hookflowTrigger(settings, variant === 'hookflow+github'));
    case 'hookflow web':
      return webBridge(hookflowTrigger(settings, false));
    case 'octokit':
      return octokitListener(settings);
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
