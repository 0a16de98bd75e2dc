import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isoMs, isoTime } from './iso-time.js';

describe('isoTime', () => {
  it('formats exactly as Date#toISOString across the four-digit years', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 253_402_300_799_999 }), (ms) => {
        expect(isoTime(ms)).toBe(new Date(ms).toISOString());
      }),
      { numRuns: 20_000 },
    );
  });

  it('matches Date on the edges: epoch, leap days, century years, the last millisecond', () => {
    for (const text of [
      '1970-01-01T00:00:00.000Z',
      '2000-02-29T23:59:59.999Z',
      '2100-03-01T00:00:00.000Z',
      '2024-12-31T23:59:59.999Z',
      '9999-12-31T23:59:59.999Z',
    ]) {
      expect(isoTime(Date.parse(text))).toBe(text);
    }
  });

  it('stays exact when consecutive times share a second or cross into the next one', () => {
    const start = Date.parse('2026-12-31T23:59:58.990Z');
    for (let ms = start; ms < start + 2_100; ms += 7) {
      expect(isoTime(ms)).toBe(new Date(ms).toISOString());
      expect(isoTime(ms + 0.5)).toBe(new Date(ms + 0.5).toISOString());
    }
  });

  it('truncates fractional milliseconds like Date, and hands other times to Date', () => {
    expect(isoTime(1.9)).toBe('1970-01-01T00:00:00.001Z');
    expect(isoTime(-1)).toBe(new Date(-1).toISOString());
    expect(isoTime(253_402_300_800_000)).toBe(new Date(253_402_300_800_000).toISOString());
    expect(() => isoTime(Number.NaN)).toThrow(RangeError);
  });
});

describe('isoMs', () => {
  it('reads back every time isoTime and Date write, years 0000 to 9999', () => {
    fc.assert(
      fc.property(fc.integer({ min: -62_167_219_200_000, max: 253_402_300_799_999 }), (ms) => {
        const text = new Date(ms).toISOString();
        expect(isoMs(text)).toBe(ms);
        expect(isoTime(isoMs(text))).toBe(text);
      }),
      { numRuns: 20_000 },
    );
  });

  it('gives NaN for dates that do not exist and for every other way of writing a time', () => {
    for (const text of [
      '2026-02-29T00:00:00.000Z',
      '2100-02-29T00:00:00.000Z',
      '2026-04-31T00:00:00.000Z',
      '2026-13-01T00:00:00.000Z',
      '2026-00-10T00:00:00.000Z',
      '2026-11-00T00:00:00.000Z',
      '2026-11-22T24:00:00.000Z',
      '2026-11-22T10:60:00.000Z',
      '2026-11-22T10:00:60.000Z',
      '2026-11-22T10:00:00Z',
      '2026-11-22T10:00:00.000+00:00',
      '2026-11-22 10:00:00.000Z',
      '2026-11-22t10:00:00.000z',
      '+012026-11-22T10:00:00.000Z',
      '2026-11-22T10:00:0x.000Z',
      '2026-1-22T10:00:00.0000Z',
      '',
    ]) {
      expect(isoMs(text), text).toBeNaN();
    }
    expect(isoMs('2024-02-29T23:59:59.999Z')).toBe(Date.parse('2024-02-29T23:59:59.999Z'));
  });
});
