/**
 * CPU time per delivery of the same four handlers as bench/http (bare node:http handler,
 * `hookflow/node` with Basic auth, `@octokit/webhooks`' Node middleware, hookflow with `github()`),
 * measured in one process without sockets: each delivery is a real `Readable` carrying the 1 KB
 * JSON body and the headers autocannon sends, and a response object that records `writeHead` and
 * `end`. What is left out (the HTTP parser, the kernel's send, the load generator) is the same for
 * every handler; what is timed is the handler's own work, garbage collection included.
 *
 * bench/http is the end-to-end figure; on a small or shared machine its ratios move with the load
 * generator and the scheduler. This one is steadier: rounds of DELIVERIES deliveries (50 in
 * flight), the handlers of each pair one after the other in alternating order, CPU time from
 * `process.cpuUsage()`; it prints the median µs per delivery and the median of the per-round ratios.
 * Plain JavaScript run by plain `node`, importing the built package by name (`hookflow` resolves to
 * dist/), as bench/http-server.mjs does: no TypeScript loader transforms the code under test.
 * Run: npm run bench:cpu (builds dist/ first)
 */
import { Readable } from 'node:stream';
import { toNodeListener } from 'hookflow/node';
import { BODY, deliveryHeaders, PASSWORD, SECRET, USERNAME } from './delivery.mjs';
import { bareListener, hookflowTrigger, octokitListener } from './handlers.mjs';
import { median, quartiles } from './stats.mjs';

const ROUNDS = 15;
const DELIVERIES = 10_000;
const IN_FLIGHT = 50;
const BODY_BYTES = Buffer.from(BODY);

/** @typedef {(req: Readable, res: Response) => void} Listener */

/** What a handler writes; `done` is called once per delivery with the status. */
class Response {
  statusCode = 200;
  writableEnded = false;
  #done;
  /** @param {(status: number) => void} done */
  constructor(done) {
    this.#done = done;
  }
  /** @param {number} status */
  writeHead(status) {
    this.statusCode = status;
    return this;
  }
  setHeader() {
    return this;
  }
  on() {
    return this;
  }
  end() {
    this.writableEnded = true;
    this.#done(this.statusCode);
    return this;
  }
}

/** @param {Record<string, string>} headers */
function request(headers) {
  const req = new Readable({ read() {} });
  Object.assign(req, {
    method: 'POST',
    url: '/hooks/bench',
    headers: { ...headers },
    socket: { remoteAddress: '127.0.0.1' },
  });
  req.push(BODY_BYTES);
  req.push(null);
  return req;
}

/** CPU µs per delivery over `count` deliveries, `IN_FLIGHT` at a time. */
/** @param {Listener} listener @param {Record<string, string>} headers @param {number} count */
async function measure(listener, headers, count) {
  const start = process.cpuUsage();
  await new Promise((resolve, reject) => {
    let started = 0;
    let finished = 0;
    const next = () => {
      started++;
      listener(
        request(headers),
        new Response((status) => {
          if (status !== 200) reject(new Error(`answered ${status}`));
          finished++;
          if (finished === count) resolve(undefined);
          else if (started < count) setImmediate(next);
        }),
      );
    };
    for (let i = 0; i < IN_FLIGHT; i++) next();
  });
  const used = process.cpuUsage(start);
  return (used.user + used.system) / count;
}

const settings = { path: '/hooks/bench', username: USERNAME, password: PASSWORD, secret: SECRET };
/** The handlers as a Listener: each only calls what the `Response` above records. */
const asListener = (/** @type {unknown} */ handler) => /** @type {Listener} */ (handler);
const { basic, signed } = await deliveryHeaders();
const variants = {
  bare: { listener: asListener(bareListener(settings)), headers: basic },
  'hookflow/node': {
    listener: asListener(toNodeListener(hookflowTrigger(settings, false))),
    headers: basic,
  },
  octokit: { listener: asListener(octokitListener(settings)), headers: signed },
  'hookflow+github': {
    listener: asListener(toNodeListener(hookflowTrigger(settings, true))),
    headers: signed,
  },
};
/** @typedef {keyof typeof variants} Name */
/** @type {[Name, Name][]} */
const pairs = [
  ['bare', 'hookflow/node'],
  ['octokit', 'hookflow+github'],
];

/** @type {Map<Name, number[]>} */
const costs = new Map(Object.keys(variants).map((name) => [/** @type {Name} */ (name), []]));
for (const { listener, headers } of Object.values(variants)) await measure(listener, headers, 5000);
for (let round = 0; round < ROUNDS; round++) {
  for (const pair of pairs) {
    for (const name of round % 2 === 0 ? pair : [...pair].reverse()) {
      const { listener, headers } = variants[name];
      costs.get(name)?.push(await measure(listener, headers, DELIVERIES));
    }
  }
}

console.log(
  `1 KB JSON POST, ${DELIVERIES} deliveries per round (${IN_FLIGHT} in flight), median of ${ROUNDS} rounds; CPU time in one process, no sockets`,
);
console.log('variant          µs/delivery');
for (const [name, list] of costs)
  console.log(`${name.padEnd(16)} ${median(list).toFixed(1).padStart(10)}`);
// Deliveries per CPU second, subject ÷ baseline: the throughput ratio of a CPU-bound server.
for (const [baseline, subject] of pairs) {
  const a = costs.get(baseline) ?? [];
  const b = costs.get(subject) ?? [];
  const perRound = a.map((cost, index) => cost / (b[index] ?? Number.NaN));
  const [low, high] = quartiles(perRound);
  console.log(
    `${subject} ÷ ${baseline}, deliveries per CPU second: ${median(perRound).toFixed(2)} (middle half of rounds ${low.toFixed(2)}–${high.toFixed(2)}; per round ${perRound.map((r) => r.toFixed(2)).join(' ')})`,
  );
}
