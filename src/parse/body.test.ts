import { describe, expect, it } from 'vitest';
import { isWebhookTriggerError } from '../response/errors.js';
import { checkContentLength } from './body.js';

const refuses = (value: string, limit: number) => {
  try {
    checkContentLength(value, limit);
    return false;
  } catch (error) {
    return isWebhookTriggerError(error, 'PAYLOAD_TOO_LARGE');
  }
};

describe('checkContentLength', () => {
  it('refuses a declared length over the limit, before anything is read', () => {
    expect(refuses('1025', 1024)).toBe(true);
    expect(refuses('99999999999999999999999999', 1024)).toBe(true);
    expect(refuses('1024', 1024)).toBe(false);
    expect(refuses('0', 1024)).toBe(false);
    expect(refuses('0000000000000000000001024', 1024)).toBe(false);
  });

  it('leaves anything but digits to the reading, which counts the bytes that come', () => {
    for (const value of ['', '1e9', '+5000', ' 5000', '5000 ', '12a', '-1', '0x5000', '５０００'])
      expect(refuses(value, 1024)).toBe(false);
    expect(() => checkContentLength(undefined, 1)).not.toThrow();
    expect(() => checkContentLength(null, 1)).not.toThrow();
  });
});
