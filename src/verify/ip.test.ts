import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { WebhookTriggerError } from '../response/errors.js';
import { createIpCheck, type IpAllowConfig, type IpCheck, isIpAllowed } from './ip.js';

/** Runs a check and returns what it threw, failing the test when it did not throw. */
function thrown(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to throw');
}

function expectRefused(run: () => unknown): void {
  const error = thrown(run);
  expect(error).toBeInstanceOf(WebhookTriggerError);
  expect(error).toMatchObject({ code: 'IP_NOT_ALLOWED', status: 403 });
}

function headers(forwardedFor: string | null): (name: string) => string | null {
  return (name) => (name === 'x-forwarded-for' ? forwardedFor : null);
}

interface RequestCase {
  name: string;
  peer: string | undefined;
  xff: string | null;
  /** The client address returned, or `null` for `IP_NOT_ALLOWED`. */
  expected: string | null;
}

function runCases(check: IpCheck, cases: RequestCase[]): void {
  it.each(cases)('$name', ({ peer, xff, expected }) => {
    const run = () => check(peer, headers(xff));
    if (expected === null) expectRefused(run);
    else expect(run()).toBe(expected);
  });
}

describe('isIpAllowed', () => {
  it.each<[string, string, string[], boolean]>([
    ['IPv4 inside a /24', '203.0.113.5', ['203.0.113.0/24'], true],
    ['IPv4 outside a /24', '203.0.114.5', ['203.0.113.0/24'], false],
    ['IPv4 /32 exact', '198.51.100.7', ['198.51.100.7/32'], true],
    ['IPv4 /32 neighbour', '198.51.100.8', ['198.51.100.7/32'], false],
    ['IPv4 without prefix is a /32', '198.51.100.7', ['198.51.100.7'], true],
    ['IPv4 without prefix, other address', '198.51.100.70', ['198.51.100.7'], false],
    ['IPv4 /0 covers every IPv4', '8.8.8.8', ['0.0.0.0/0'], true],
    ['IPv4 /0 does not cover IPv6', '2001:db8::1', ['0.0.0.0/0'], false],
    ['IPv4 /31 lower', '10.0.0.0', ['10.0.0.0/31'], true],
    ['IPv4 /31 upper', '10.0.0.1', ['10.0.0.0/31'], true],
    ['IPv4 /31 outside', '10.0.0.2', ['10.0.0.0/31'], false],
    ['IPv4 /25 last inside', '192.0.2.127', ['192.0.2.0/25'], true],
    ['IPv4 /25 first outside', '192.0.2.128', ['192.0.2.0/25'], false],
    ['IPv4 range host bits are ignored', '10.9.8.7', ['10.1.2.3/8'], true],
    ['second entry matches', '192.0.2.1', ['203.0.113.0/24', '192.0.2.0/24'], true],
    ['IPv6 inside a /32', '2001:db8:1234::1', ['2001:db8::/32'], true],
    ['IPv6 outside a /32', '2001:db9::1', ['2001:db8::/32'], false],
    ['IPv6 /128 exact', '2001:db8::1', ['2001:db8::1/128'], true],
    ['IPv6 /128 neighbour', '2001:db8::2', ['2001:db8::1/128'], false],
    ['IPv6 without prefix is a /128', '2001:db8::1', ['2001:db8::1'], true],
    ['IPv6 /0 covers every IPv6', '2001:db8::1', ['::/0'], true],
    ['IPv6 /0 does not cover IPv4', '203.0.113.5', ['::/0'], false],
    ['IPv6 /0 does not cover mapped IPv4', '::ffff:203.0.113.5', ['::/0'], false],
    ['IPv6 /65 inside', '2001:db8::7fff:ffff:ffff:ffff', ['2001:db8::/65'], true],
    ['IPv6 /65 outside', '2001:db8::8000:0:0:0', ['2001:db8::/65'], false],
    ['IPv6 /10 link-local', 'fe80::1', ['fe80::/10'], true],
    ['IPv6 /10 outside', 'fec0::1', ['fe80::/10'], false],
    [
      'expanded address, compressed entry',
      '2001:0db8:0000:0000:0000:0000:0000:0001',
      ['2001:db8::1'],
      true,
    ],
    ['upper-case hex', '2001:DB8::A', ['2001:db8::a'], true],
    ['loopback, compressed vs expanded', '::1', ['0:0:0:0:0:0:0:1'], true],
    ['unspecified address', '::', ['::/128'], true],
    ['trailing compression', '2001:db8::', ['2001:db8:0:0:0:0:0:0'], true],
    ['compression in the middle', '2001:db8:0:0:1::1', ['2001:db8::1:0:0:1'], true],
    ['mapped IPv4 inside an IPv4 range', '::ffff:203.0.113.5', ['203.0.113.0/24'], true],
    ['mapped IPv4 in hex inside an IPv4 range', '::ffff:cb00:7105', ['203.0.113.0/24'], true],
    ['mapped IPv4 outside an IPv4 range', '::ffff:203.0.114.5', ['203.0.113.0/24'], false],
    ['IPv4 inside a mapped range', '203.0.113.5', ['::ffff:203.0.113.0/120'], true],
    ['IPv4 outside a mapped range', '203.0.114.5', ['::ffff:203.0.113.0/120'], false],
    ['IPv4 inside ::ffff:0:0/96', '8.8.8.8', ['::ffff:0:0/96'], true],
    ['embedded IPv4 that is not mapped', '64:ff9b::203.0.113.5', ['64:ff9b::/96'], true],
    ['NAT64 address is not the IPv4 one', '64:ff9b::203.0.113.5', ['203.0.113.0/24'], false],
    ['zone id is dropped', 'fe80::1%eth0', ['fe80::/10'], true],
    ['zone id is dropped from a range', 'fe80::1', ['fe80::%eth0/64'], true],
    ['bracketed IPv6', '[::1]', ['::1'], true],
    ['bracketed IPv6 with port', '[2001:db8::1]:443', ['2001:db8::/32'], true],
    ['IPv4 with port', '203.0.113.5:5678', ['203.0.113.0/24'], true],
    ['surrounding spaces', ' 203.0.113.5 ', ['203.0.113.0/24'], true],
    ['empty list', '203.0.113.5', [], false],
  ])('%s: %s in %j → %s', (_name, ip, cidrs, expected) => {
    expect(isIpAllowed(ip, cidrs)).toBe(expected);
  });

  const everything = ['0.0.0.0/0', '::/0'];
  it.each([
    '',
    'abc',
    '256.1.1.1',
    '1.2.3',
    '1.2.3.4.5',
    '1.2.3.',
    '.1.2.3',
    '01.2.3.4',
    '1.2.3.-4',
    '1.2.3.4/32',
    '2001:db8:::1',
    '1::2::3',
    ':1::',
    '1::2:',
    ':::',
    '1:2:3:4:5:6:7:8:9',
    '1:2:3:4:5:6:7',
    '1:2:3:4::5:6:7:8',
    '12345::',
    'g::1',
    '::ffff:1.2.3',
    '::ffff:1.2.3.256',
    '1.2.3.4::',
    '::1.2.3.4:1',
    'fe80::1%',
    '1.2.3.4%eth0',
    '[::1',
    '[1.2.3.4]',
    '[::1]:',
    '[::1]x',
    '[::1]:65536',
    '1.2.3.4:',
    '1.2.3.4:99999',
    '1.2.3.4:http',
    'unknown',
    'localhost',
  ])('never matches the malformed address %j', (ip) => {
    expect(isIpAllowed(ip, everything)).toBe(false);
  });

  it.each<[string[], typeof TypeError | typeof RangeError, RegExp]>([
    [['abc'], TypeError, /cidrs\[0\]/],
    [['10.0.0.0/8', '10.0.0.0/33'], RangeError, /cidrs\[1\].*0–32/],
    [['2001:db8::/129'], RangeError, /cidrs\[0\].*0–128/],
  ])('throws for malformed ranges %j', (cidrs, type, message) => {
    expect(() => isIpAllowed('10.0.0.1', cidrs)).toThrow(type);
    expect(() => isIpAllowed('10.0.0.1', cidrs)).toThrow(message);
  });

  it('matches every IPv4 address against itself in dotted, mapped and range form', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 4, maxLength: 4 }),
        (octets) => {
          const ip = octets.join('.');
          expect(isIpAllowed(ip, [ip])).toBe(true);
          expect(isIpAllowed(`::ffff:${ip}`, [`${ip}/32`])).toBe(true);
          expect(isIpAllowed(ip, [`::ffff:${ip}/128`])).toBe(true);
          expect(isIpAllowed(ip, [`${octets.slice(0, 3).join('.')}.0/24`])).toBe(true);
        },
      ),
    );
  });
});

describe('createIpCheck', () => {
  describe('config errors name the option', () => {
    it.each<[string, unknown, typeof TypeError | typeof RangeError, RegExp]>([
      [
        'prefix over 32',
        { ipAllow: ['10.0.0.0/33'] },
        RangeError,
        /ipAllow\[0\].*"10\.0\.0\.0\/33"/,
      ],
      ['not an address', { ipAllow: ['abc'] }, TypeError, /ipAllow\[0\].*"abc"/],
      [
        'IPv6 prefix over 128',
        { ipAllow: ['10.0.0.0/8', '2001:db8::/129'] },
        RangeError,
        /ipAllow\[1\]/,
      ],
      ['prefix not a number', { ipAllow: ['10.0.0.0/x'] }, TypeError, /ipAllow\[0\]/],
      ['empty prefix', { ipAllow: ['10.0.0.0/'] }, TypeError, /ipAllow\[0\]/],
      ['negative prefix', { ipAllow: ['10.0.0.0/-1'] }, TypeError, /ipAllow\[0\]/],
      ['port in a range', { ipAllow: ['10.0.0.1:80'] }, TypeError, /ipAllow\[0\]/],
      ['non-string entry', { ipAllow: [42] }, TypeError, /ipAllow\[0\].*42/],
      ['string instead of a list', { ipAllow: '10.0.0.0/8' }, TypeError, /ipAllow must be a list/],
      ['missing list', {}, TypeError, /ipAllow must be a list/],
      ['empty list', { ipAllow: [] }, RangeError, /ipAllow must list at least one/],
      ['negative hop count', { ipAllow: ['::1'], trustProxy: -1 }, RangeError, /trustProxy.*-1/],
      ['fractional hop count', { ipAllow: ['::1'], trustProxy: 1.5 }, RangeError, /trustProxy/],
      ['NaN hop count', { ipAllow: ['::1'], trustProxy: Number.NaN }, RangeError, /trustProxy/],
      [
        'infinite hop count',
        { ipAllow: ['::1'], trustProxy: Number.POSITIVE_INFINITY },
        RangeError,
        /trustProxy/,
      ],
      ['boolean trustProxy', { ipAllow: ['::1'], trustProxy: true }, TypeError, /trustProxy.*true/],
      [
        'string trustProxy',
        { ipAllow: ['::1'], trustProxy: '10.0.0.0/8' },
        TypeError,
        /trustProxy/,
      ],
      [
        'bad proxy range',
        { ipAllow: ['::1'], trustProxy: ['10.0.0.0/33'] },
        RangeError,
        /trustProxy\[0\]/,
      ],
      [
        'bad proxy address',
        { ipAllow: ['::1'], trustProxy: ['::1', 'proxy'] },
        TypeError,
        /trustProxy\[1\]/,
      ],
    ])('%s', (_name, config, type, message) => {
      const create = () => createIpCheck(config as IpAllowConfig);
      expect(create).toThrow(type);
      expect(create).toThrow(message);
    });
  });

  describe('without trustProxy', () => {
    const check = createIpCheck({ ipAllow: ['203.0.113.0/24', '2001:db8::/32'] });
    runCases(check, [
      {
        name: 'allows a peer in the list',
        peer: '203.0.113.5',
        xff: null,
        expected: '203.0.113.5',
      },
      {
        name: 'returns a mapped peer as IPv4',
        peer: '::ffff:203.0.113.5',
        xff: null,
        expected: '203.0.113.5',
      },
      {
        name: 'returns IPv6 in canonical form',
        peer: '2001:DB8:0:0:0:0:0:1',
        xff: null,
        expected: '2001:db8::1',
      },
      { name: 'refuses a peer outside the list', peer: '198.51.100.1', xff: null, expected: null },
      {
        name: 'ignores XFF forged by an untrusted peer',
        peer: '198.51.100.1',
        xff: '203.0.113.5',
        expected: null,
      },
      {
        name: 'ignores XFF naming a refused address',
        peer: '203.0.113.5',
        xff: '198.51.100.1',
        expected: '203.0.113.5',
      },
      {
        name: 'refuses when there is no peer',
        peer: undefined,
        xff: '203.0.113.5',
        expected: null,
      },
      { name: 'refuses an unparseable peer', peer: 'unknown', xff: null, expected: null },
      { name: 'refuses an empty peer', peer: '', xff: null, expected: null },
    ]);

    it('never reads a header', () => {
      const read: string[] = [];
      check('203.0.113.5', (name) => {
        read.push(name);
        return '198.51.100.1';
      });
      expect(read).toEqual([]);
    });
  });

  describe('with a hop count of 0', () => {
    runCases(createIpCheck({ ipAllow: ['203.0.113.0/24'], trustProxy: 0 }), [
      { name: 'uses the peer', peer: '203.0.113.5', xff: '198.51.100.1', expected: '203.0.113.5' },
      { name: 'ignores XFF', peer: '198.51.100.1', xff: '203.0.113.5', expected: null },
    ]);
  });

  describe('with a hop count of 1', () => {
    runCases(createIpCheck({ ipAllow: ['203.0.113.0/24', '2001:db8::/32'], trustProxy: 1 }), [
      {
        name: 'uses the only XFF entry',
        peer: '10.0.0.1',
        xff: '203.0.113.5',
        expected: '203.0.113.5',
      },
      {
        name: 'uses the rightmost entry',
        peer: '10.0.0.1',
        xff: '198.51.100.1, 203.0.113.5',
        expected: '203.0.113.5',
      },
      {
        name: 'ignores a forged entry on the left',
        peer: '10.0.0.1',
        xff: '203.0.113.5, 198.51.100.1',
        expected: null,
      },
      {
        name: 'handles entries without spaces',
        peer: '10.0.0.1',
        xff: '198.51.100.1,203.0.113.5',
        expected: '203.0.113.5',
      },
      { name: 'drops a port', peer: '10.0.0.1', xff: '203.0.113.5:5678', expected: '203.0.113.5' },
      {
        name: 'drops brackets and port',
        peer: '10.0.0.1',
        xff: '[2001:db8::1]:443',
        expected: '2001:db8::1',
      },
      {
        name: 'does not need the peer',
        peer: undefined,
        xff: '203.0.113.5',
        expected: '203.0.113.5',
      },
      { name: 'refuses without XFF', peer: '203.0.113.5', xff: null, expected: null },
      { name: 'refuses an empty XFF', peer: '203.0.113.5', xff: '', expected: null },
      {
        name: 'refuses an empty rightmost entry',
        peer: '10.0.0.1',
        xff: '203.0.113.5,',
        expected: null,
      },
      { name: 'refuses an unparseable entry', peer: '10.0.0.1', xff: 'unknown', expected: null },
    ]);
  });

  describe('with a hop count of 2', () => {
    runCases(createIpCheck({ ipAllow: ['203.0.113.0/24'], trustProxy: 2 }), [
      {
        name: 'skips the first proxy',
        peer: '10.0.0.1',
        xff: '203.0.113.5, 10.0.0.2',
        expected: '203.0.113.5',
      },
      {
        name: 'ignores forged entries further left',
        peer: '10.0.0.1',
        xff: '198.51.100.1, 203.0.113.5, 10.0.0.2',
        expected: '203.0.113.5',
      },
      {
        name: 'refuses the real client behind a forged entry',
        peer: '10.0.0.1',
        xff: '203.0.113.5, 198.51.100.1, 10.0.0.2',
        expected: null,
      },
      {
        name: 'refuses a chain shorter than the hop count',
        peer: '10.0.0.1',
        xff: '203.0.113.5',
        expected: null,
      },
      {
        name: 'refuses a chain with an empty leading entry',
        peer: '10.0.0.1',
        xff: ',10.0.0.2',
        expected: null,
      },
      {
        name: 'does not read the rightmost entry',
        peer: '10.0.0.1',
        xff: '203.0.113.5, garbage',
        expected: '203.0.113.5',
      },
    ]);
  });

  describe('with a list of trusted proxies', () => {
    const trustProxy = ['10.0.0.0/8', '2001:db8:ffff::/48'];
    runCases(createIpCheck({ ipAllow: ['203.0.113.0/24'], trustProxy }), [
      {
        name: 'reads XFF from a trusted peer',
        peer: '10.0.0.1',
        xff: '203.0.113.5',
        expected: '203.0.113.5',
      },
      {
        name: 'skips trusted proxies',
        peer: '10.0.0.1',
        xff: '203.0.113.5, 10.0.0.2, 10.0.0.3',
        expected: '203.0.113.5',
      },
      {
        name: 'stops at the first untrusted address',
        peer: '10.0.0.1',
        xff: '198.51.100.1, 203.0.113.5, 10.0.0.2',
        expected: '203.0.113.5',
      },
      {
        name: 'refuses when the first untrusted address is outside',
        peer: '10.0.0.1',
        xff: '203.0.113.5, 198.51.100.1, 10.0.0.2',
        expected: null,
      },
      {
        name: 'ignores XFF forged by an untrusted peer',
        peer: '198.51.100.1',
        xff: '203.0.113.5',
        expected: null,
      },
      {
        name: 'uses an untrusted peer itself',
        peer: '203.0.113.9',
        xff: '198.51.100.1',
        expected: '203.0.113.9',
      },
      {
        name: 'trusts a mapped peer by its IPv4 range',
        peer: '::ffff:10.0.0.1',
        xff: '203.0.113.5',
        expected: '203.0.113.5',
      },
      {
        name: 'trusts an IPv6 peer',
        peer: '2001:db8:ffff::1',
        xff: '[2001:db8:ffff::2]:80, 203.0.113.5',
        expected: '203.0.113.5',
      },
      {
        name: 'refuses a trusted peer outside the list when there is no XFF',
        peer: '10.0.0.1',
        xff: null,
        expected: null,
      },
      {
        name: 'refuses an unparseable entry where the client should be',
        peer: '10.0.0.1',
        xff: '203.0.113.5, garbage',
        expected: null,
      },
      {
        name: 'refuses an unparseable entry behind trusted proxies',
        peer: '10.0.0.1',
        xff: 'garbage, 10.0.0.2',
        expected: null,
      },
      {
        name: 'refuses when there is no peer',
        peer: undefined,
        xff: '203.0.113.5',
        expected: null,
      },
    ]);

    runCases(createIpCheck({ ipAllow: ['10.0.0.0/8'], trustProxy }), [
      {
        name: 'uses the leftmost entry when every hop is trusted',
        peer: '10.0.0.1',
        xff: '10.0.0.3, 10.0.0.2',
        expected: '10.0.0.3',
      },
      {
        name: 'uses a trusted peer without XFF',
        peer: '10.0.0.1',
        xff: '  ',
        expected: '10.0.0.1',
      },
    ]);

    it('does not read XFF for an untrusted peer', () => {
      const read: string[] = [];
      const check = createIpCheck({ ipAllow: ['198.51.100.0/24'], trustProxy });
      expect(
        check('198.51.100.1', (name) => {
          read.push(name);
          return '203.0.113.5';
        }),
      ).toBe('198.51.100.1');
      expect(read).toEqual([]);
    });
  });

  it('treats an empty proxy list like no trustProxy', () => {
    const check = createIpCheck({ ipAllow: ['203.0.113.0/24'], trustProxy: [] });
    expectRefused(() => check('10.0.0.1', headers('203.0.113.5')));
  });

  it('returns RFC 5952 text for any IPv6 client, like the WHATWG URL serializer', () => {
    const check = createIpCheck({ ipAllow: ['::/0'] });
    const word = fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 0xffff }));
    fc.assert(
      fc.property(fc.array(word, { minLength: 8, maxLength: 8 }), (words) => {
        const full = words.map((w) => w.toString(16).padStart(4, '0')).join(':');
        fc.pre(!full.startsWith('0000:0000:0000:0000:0000:ffff:'));
        const expected = new URL(`http://[${full}]/`).hostname.slice(1, -1);
        expect(check(full, headers(null))).toBe(expected);
      }),
    );
  });

  it('only ever throws IP_NOT_ALLOWED for untrusted input', () => {
    const checks = [
      createIpCheck({ ipAllow: ['203.0.113.0/24', '::/0'] }),
      createIpCheck({ ipAllow: ['0.0.0.0/0'], trustProxy: 2 }),
      createIpCheck({ ipAllow: ['203.0.113.0/24'], trustProxy: ['0.0.0.0/0', '::/0'] }),
    ];
    const text = fc.oneof(
      fc.string(),
      fc.stringMatching(/^[0-9a-f:.[\]%, ]{0,40}$/),
      fc.ipV4().map((ip) => `${ip}, 198.51.100.1`),
      fc.ipV6(),
    );
    fc.assert(
      fc.property(
        fc.option(text, { nil: undefined }),
        fc.option(text, { nil: null }),
        (peer, xff) => {
          for (const check of checks) {
            try {
              expect(typeof check(peer, headers(xff))).toBe('string');
            } catch (error) {
              expect(error).toMatchObject({ code: 'IP_NOT_ALLOWED', status: 403 });
            }
          }
        },
      ),
    );
  });
});
