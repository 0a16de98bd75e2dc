import { WebhookTriggerError } from '../response/errors.js';

/**
 * Which proxies in front of the app may be believed about the client address they saw, as written in
 * `X-Forwarded-For`.
 *
 * - A **hop count** `N`: exactly `N` proxies sit in front of the app and each one appends the address
 *   it saw to `X-Forwarded-For`. The client is the `N`th entry from the right (the socket peer is the
 *   last proxy, so `1` means the rightmost entry). `0` ignores the header. Use it when the app can
 *   only be reached through a fixed chain of proxies, such as one load balancer (`1`).
 * - A **list** of proxy addresses or CIDR ranges (`['10.0.0.0/8', '2001:db8:ffff::/48']`): the header
 *   is read only when the socket peer is in the list, then walked from the right, skipping listed
 *   proxies; the first address not in the list is the client. Use it when the proxies have known
 *   addresses but the number of hops varies.
 *
 * Only `X-Forwarded-For` is read; the RFC 7239 `Forwarded` header is not.
 *
 * @example
 * ```ts
 * const behindOneLoadBalancer: TrustProxyConfig = 1;
 * const behindPrivateProxies: TrustProxyConfig = ['10.0.0.0/8', 'fd00::/8'];
 * ```
 */
export type TrustProxyConfig = number | string[];

/** The `ipAllow` and `trustProxy` options of a trigger. */
export interface IpAllowConfig {
  /**
   * The addresses and CIDR ranges allowed to call the trigger, IPv4 or IPv6: `'203.0.113.0/24'`,
   * `'198.51.100.7'`, `'2001:db8::/32'`. Host bits below the prefix are ignored (`'10.1.2.3/8'` is
   * `'10.0.0.0/8'`). IPv4 ranges also match IPv4-mapped IPv6 clients (`::ffff:203.0.113.5`); an
   * IPv6 range matches IPv4 clients only when it lies inside `::ffff:0:0/96`, so `'::/0'` allows
   * every IPv6 client but no IPv4 one (add `'0.0.0.0/0'` for those). A request whose client address
   * is unknown or unparseable is refused.
   *
   * Set it to the published delivery ranges of the webhook sender.
   */
  ipAllow: string[];
  /**
   * Which proxies to believe about the client address; see {@link TrustProxyConfig}. Without it,
   * `X-Forwarded-For` is ignored and the client is the socket peer, so a forged header changes
   * nothing.
   *
   * Set it when the app runs behind a load balancer or reverse proxy; otherwise every request
   * appears to come from the proxy.
   *
   * @defaultValue `undefined` (the header is not read)
   */
  trustProxy?: TrustProxyConfig;
}

/**
 * Works out the client address of a request and checks it against the allow-list.
 *
 * @param peer - the socket address the adapter saw, or `undefined` when the runtime does not tell.
 * @param header - reads a request header by its lower-case name.
 * @returns the client address in canonical form (dotted quad for IPv4 and IPv4-mapped clients,
 * RFC 5952 text for IPv6).
 * @throws {@link WebhookTriggerError} `IP_NOT_ALLOWED` (403) when the client address is unknown,
 * unparseable or outside the allow-list.
 */
export type IpCheck = (
  peer: string | undefined,
  header: (name: string) => string | null | undefined,
) => string;

/**
 * An address as 16 bytes. IPv4 is stored IPv4-mapped (`::ffff:a.b.c.d`, RFC 4291 §2.5.5.2) so one
 * matcher serves both families.
 */
type Address = Uint8Array;

/** A range: the network bytes (host bits zeroed) and the prefix length in the 128-bit space. */
interface Cidr {
  readonly network: Address;
  readonly prefix: number;
}

/** Finds the client address, or `undefined` when it cannot be known. */
type ClientResolver = (
  peer: string | undefined,
  header: (name: string) => string | null | undefined,
) => Address | undefined;

/** IPv4 ranges sit at prefix 96 and beyond: the first 96 bits are the `::ffff:0:0/96` prefix. */
const MAPPED_PREFIX = 96;
const COLON = 58;
const DOT = 46;
const MAX_PORT = 65535;

function parseHexWord(text: string): number {
  if (text.length === 0 || text.length > 4) return -1;
  let value = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    let digit: number;
    if (c >= 48 && c <= 57) digit = c - 48;
    else if (c >= 97 && c <= 102) digit = c - 87;
    else if (c >= 65 && c <= 70) digit = c - 55;
    else return -1;
    value = value * 16 + digit;
  }
  return value;
}

/** Parses 1 to `maxDigits` decimal digits; -1 for anything else (signs, spaces, empty). */
function parseDecimal(text: string, maxDigits: number): number {
  if (text.length === 0 || text.length > maxDigits) return -1;
  let value = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return -1;
    value = value * 10 + (c - 48);
  }
  return value;
}

/** Writes a dotted-quad IPv4 address into `out[at..at + 4]`; `false` when it is not one. */
function parseIPv4Into(text: string, out: Uint8Array, at: number): boolean {
  let index = at;
  let octet = 0;
  let digits = 0;
  for (let i = 0; i <= text.length; i++) {
    // A virtual dot after the last character closes the fourth octet.
    const c = i < text.length ? text.charCodeAt(i) : DOT;
    if (c === DOT) {
      if (digits === 0 || index === at + 4) return false;
      out[index++] = octet;
      octet = 0;
      digits = 0;
    } else if (c >= 48 && c <= 57) {
      // Leading zeros are refused: some parsers read `010` as octal 8, others as decimal 10.
      if (digits > 0 && octet === 0) return false;
      octet = octet * 10 + (c - 48);
      digits++;
      if (octet > 255) return false;
    } else {
      return false;
    }
  }
  return index === at + 4;
}

function pushGroups(groups: readonly string[], words: number[], ipv4Last: boolean): boolean {
  for (let i = 0; i < groups.length; i++) {
    const group = groups[i] as string;
    // RFC 4291 §2.2 form 3: the low 32 bits may be written as a dotted quad, only at the very end.
    if (ipv4Last && i === groups.length - 1 && group.includes('.')) {
      const quad = new Uint8Array(4);
      if (!parseIPv4Into(group, quad, 0)) return false;
      words.push(
        ((quad[0] as number) << 8) | (quad[1] as number),
        ((quad[2] as number) << 8) | (quad[3] as number),
      );
    } else {
      const word = parseHexWord(group);
      if (word < 0) return false;
      words.push(word);
    }
  }
  return true;
}

/** Parses RFC 4291 §2.2 text (no zone, no brackets). */
function parseIPv6(text: string): Address | undefined {
  const gap = text.indexOf('::');
  if (gap !== -1 && text.indexOf('::', gap + 1) !== -1) return undefined;
  const head = gap === -1 ? text : text.slice(0, gap);
  const tail = gap === -1 ? '' : text.slice(gap + 2);
  const headWords: number[] = [];
  const tailWords: number[] = [];
  if (head !== '' && !pushGroups(head.split(':'), headWords, gap === -1)) return undefined;
  if (tail !== '' && !pushGroups(tail.split(':'), tailWords, true)) return undefined;
  const count = headWords.length + tailWords.length;
  if (gap === -1 ? count !== 8 : count > 7) return undefined;
  const address = new Uint8Array(16);
  const tailStart = 8 - tailWords.length;
  for (let i = 0; i < 8; i++) {
    const word =
      i < headWords.length ? headWords[i] : i >= tailStart ? tailWords[i - tailStart] : 0;
    address[i * 2] = (word as number) >> 8;
    address[i * 2 + 1] = (word as number) & 0xff;
  }
  return address;
}

/** Parses a bare IPv4 or IPv6 address; an IPv6 zone id (`%eth0`) is dropped. */
function parseIp(text: string): Address | undefined {
  if (text.includes(':')) {
    const zone = text.indexOf('%');
    // RFC 4007 §11: the zone only picks an interface; it is not part of the address.
    if (zone === -1) return parseIPv6(text);
    return zone === text.length - 1 ? undefined : parseIPv6(text.slice(0, zone));
  }
  const address = new Uint8Array(16);
  address[10] = 0xff;
  address[11] = 0xff;
  return parseIPv4Into(text, address, 12) ? address : undefined;
}

/** `true` when `text` ends at `from` or continues with `:port` and nothing else. */
function isPortSuffix(text: string, from: number): boolean {
  if (from === text.length) return true;
  if (text.charCodeAt(from) !== COLON) return false;
  const port = parseDecimal(text.slice(from + 1), 5);
  return port >= 0 && port <= MAX_PORT;
}

/**
 * Parses an address as peers and `X-Forwarded-For` entries write it: surrounding spaces, brackets
 * around IPv6, a `:port` suffix and a zone id are all dropped.
 */
function parseHost(raw: string): Address | undefined {
  const text = raw.trim();
  if (text.charCodeAt(0) === 91 /* [ */) {
    const close = text.indexOf(']');
    if (close === -1 || !isPortSuffix(text, close + 1)) return undefined;
    const inner = text.slice(1, close);
    return inner.includes(':') ? parseIp(inner) : undefined;
  }
  const colon = text.indexOf(':');
  // A bare IPv6 address has at least two colons, so a single one separates an IPv4 address and port.
  if (colon !== -1 && colon === text.lastIndexOf(':')) {
    return isPortSuffix(text, colon) ? parseIp(text.slice(0, colon)) : undefined;
  }
  return parseIp(text);
}

function isMapped(address: Address): boolean {
  for (let i = 0; i < 10; i++) if (address[i] !== 0) return false;
  return address[10] === 0xff && address[11] === 0xff;
}

function inCidr(address: Address, cidr: Cidr): boolean {
  const whole = cidr.prefix >> 3;
  for (let i = 0; i < whole; i++) if (address[i] !== cidr.network[i]) return false;
  const bits = cidr.prefix & 7;
  if (bits === 0) return true;
  const mask = (0xff << (8 - bits)) & 0xff;
  return ((address[whole] as number) & mask) === cidr.network[whole];
}

function matchesAny(address: Address, cidrs: readonly Cidr[]): boolean {
  // IPv6 ranges wider than ::ffff:0:0/96 (such as ::/0) do not cover IPv4 clients: that is almost
  // never what an allow-list author means.
  const mapped = isMapped(address);
  for (const cidr of cidrs) {
    if ((!mapped || cidr.prefix >= MAPPED_PREFIX) && inCidr(address, cidr)) return true;
  }
  return false;
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  return typeof value === 'object' ? 'an object' : String(value);
}

function parseCidr(entry: unknown, option: string): Cidr {
  const expected =
    'an IPv4 or IPv6 address or CIDR range such as "203.0.113.0/24" or "2001:db8::/32"';
  if (typeof entry !== 'string') {
    throw new TypeError(`${option} must be ${expected}; received ${describe(entry)}`);
  }
  const slash = entry.indexOf('/');
  const addressText = slash === -1 ? entry : entry.slice(0, slash);
  const network = parseIp(addressText);
  if (!network) throw new TypeError(`${option} must be ${expected}; received ${describe(entry)}`);
  const ipv4 = !addressText.includes(':');
  const max = ipv4 ? 32 : 128;
  let prefix = max;
  if (slash !== -1) {
    prefix = parseDecimal(entry.slice(slash + 1), 3);
    if (prefix < 0) {
      throw new TypeError(
        `${option} must have a decimal prefix length after "/"; received ${describe(entry)}`,
      );
    }
    if (prefix > max) {
      throw new RangeError(
        `${option} prefix length must be 0–${max} for an IPv${ipv4 ? 4 : 6} address; received ${describe(entry)}`,
      );
    }
  }
  const total = ipv4 ? MAPPED_PREFIX + prefix : prefix;
  // Zero the host bits so matching compares network bits only.
  for (let bit = total; bit < 128; bit++) {
    const index = bit >> 3;
    network[index] = (network[index] as number) & ~(0x80 >> (bit & 7));
  }
  return { network, prefix: total };
}

function parseCidrList(value: unknown, option: string, allowEmpty: boolean): Cidr[] {
  if (!Array.isArray(value)) {
    throw new TypeError(
      `${option} must be a list of addresses or CIDR ranges such as ["203.0.113.0/24"]; received ${describe(value)}`,
    );
  }
  if (!allowEmpty && value.length === 0) {
    throw new RangeError(
      `${option} must list at least one address or CIDR range; received an empty list (leave ${option} unset to allow every address)`,
    );
  }
  return value.map((entry, index) => parseCidr(entry, `${option}[${index}]`));
}

/** The `n`th comma-separated entry from the right (1-based), or `undefined` when there are fewer. */
function nthFromRight(list: string, n: number): string | undefined {
  let end = list.length;
  for (let i = 1; ; i++) {
    const comma = end === 0 ? -1 : list.lastIndexOf(',', end - 1);
    if (i === n) return list.slice(comma + 1, end);
    if (comma === -1) return undefined;
    end = comma;
  }
}

function resolvePeer(peer: string | undefined): Address | undefined {
  return peer === undefined ? undefined : parseHost(peer);
}

function createClientResolver(trustProxy: unknown): ClientResolver {
  const expected = 'a non-negative integer hop count or a list of proxy addresses or CIDR ranges';
  if (trustProxy === undefined) return resolvePeer;
  if (typeof trustProxy === 'number') {
    if (!Number.isSafeInteger(trustProxy) || trustProxy < 0) {
      throw new RangeError(`trustProxy must be ${expected}; received ${describe(trustProxy)}`);
    }
    if (trustProxy === 0) return resolvePeer;
    const hops = trustProxy;
    // Each trusted proxy appended the address it saw, so the rightmost `hops` entries are theirs and
    // the leftmost of those is the client. A shorter header means the request did not come through
    // the configured chain, so the client is unknown rather than guessed.
    return function resolveByHopCount(_peer, header) {
      const forwarded = header('x-forwarded-for');
      if (!forwarded) return undefined;
      const entry = nthFromRight(forwarded, hops);
      return entry === undefined ? undefined : parseHost(entry);
    };
  }
  if (!Array.isArray(trustProxy)) {
    throw new TypeError(`trustProxy must be ${expected}; received ${describe(trustProxy)}`);
  }
  const proxies = parseCidrList(trustProxy, 'trustProxy', true);
  if (proxies.length === 0) return resolvePeer;
  return function resolveByTrustedProxies(peer, header) {
    let client = resolvePeer(peer);
    // Only a trusted peer may speak for anyone else.
    if (!client || !matchesAny(client, proxies)) return client;
    const forwarded = header('x-forwarded-for');
    if (!forwarded || forwarded.trim() === '') return client;
    let end = forwarded.length;
    for (;;) {
      const comma = end === 0 ? -1 : forwarded.lastIndexOf(',', end - 1);
      const address = parseHost(forwarded.slice(comma + 1, end));
      // An unparseable entry sits where the client should be: refuse rather than skip past it.
      if (!address) return undefined;
      if (!matchesAny(address, proxies)) return address;
      client = address;
      // Every hop is a trusted proxy: the leftmost one is where the request started.
      if (comma === -1) return client;
      end = comma;
    }
  };
}

/** Canonical text: dotted quad for IPv4 and IPv4-mapped, RFC 5952 §4 for the rest. */
function formatAddress(address: Address): string {
  if (isMapped(address)) return address.subarray(12).join('.');
  const words: number[] = [];
  for (let i = 0; i < 16; i += 2) {
    words.push(((address[i] as number) << 8) | (address[i + 1] as number));
  }
  // RFC 5952 §4.2: compress the longest run of two or more zero words, the first on a tie.
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    if (words[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = words.map((word) => word.toString(16));
  if (bestStart === -1) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}

/**
 * Resolves the `ipAllow` and `trustProxy` options once into a check that finds a request's client
 * address and refuses it unless it is in the allow-list.
 *
 * The check fails closed: an unknown peer, an unparseable address or an `X-Forwarded-For` header too
 * short for the hop count all answer `IP_NOT_ALLOWED`. Without `trustProxy` the header is never read.
 *
 * @param config - the `ipAllow` list and the optional `trustProxy` setting.
 * @returns an {@link IpCheck}: call it with the socket peer and a header reader; it returns the client
 * address or throws `IP_NOT_ALLOWED`.
 * @throws TypeError naming `ipAllow`, `ipAllow[i]`, `trustProxy` or `trustProxy[i]` when an entry is
 * not an address or range (`'abc'`, `'10.0.0.0/x'`) or an option has the wrong type.
 * @throws RangeError naming the option for a prefix length out of range (`'10.0.0.0/33'`,
 * `'2001:db8::/129'`), an empty `ipAllow`, or a hop count that is negative or not an integer.
 * @example
 * ```ts
 * const checkIp = createIpCheck({ ipAllow: ['192.30.252.0/22', '2606:50c0::/32'], trustProxy: 1 });
 * // Behind one load balancer: the client is the rightmost X-Forwarded-For entry.
 * const client = checkIp('10.0.0.7', (name) => request.headers.get(name)); // throws IP_NOT_ALLOWED
 * ```
 */
export function createIpCheck(config: IpAllowConfig): IpCheck {
  if (config === null || typeof config !== 'object') {
    throw new TypeError(`ipAllow config must be an object; received ${describe(config)}`);
  }
  const allowed = parseCidrList(config.ipAllow, 'ipAllow', false);
  const resolveClient = createClientResolver(config.trustProxy);
  return function checkIp(peer, header) {
    const client = resolveClient(peer, header);
    if (!client || !matchesAny(client, allowed)) throw new WebhookTriggerError('IP_NOT_ALLOWED');
    return formatAddress(client);
  };
}

/**
 * Tells whether one address is inside any of the given addresses or CIDR ranges, with the same
 * matching rules as `ipAllow`. It parses `cidrs` on every call; for per-request checks use the trigger's
 * `ipAllow` option, which parses them once.
 *
 * @param ip - an IPv4 or IPv6 address; brackets, a `:port` suffix and an IPv6 zone id are ignored.
 * @param cidrs - addresses and CIDR ranges such as `'203.0.113.0/24'` or `'2001:db8::/32'`.
 * @returns `true` when `ip` is valid and inside a range; `false` otherwise (an invalid `ip` never
 * matches).
 * @throws TypeError or RangeError naming `cidrs[i]` when an entry is malformed.
 * @example
 * ```ts
 * isIpAllowed('::ffff:203.0.113.5', ['203.0.113.0/24']); // true
 * isIpAllowed('203.0.114.5', ['203.0.113.0/24']); // false
 * ```
 */
export function isIpAllowed(ip: string, cidrs: string[]): boolean {
  const ranges = parseCidrList(cidrs, 'cidrs', true);
  const address = typeof ip === 'string' ? parseHost(ip) : undefined;
  return address !== undefined && matchesAny(address, ranges);
}
