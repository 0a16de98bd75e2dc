import { describe, expect, it } from 'vitest';
import { fromNodeRequest, type NodeRequestLike } from './incoming.js';

const request = (headers: NodeRequestLike['headers'], method = 'post') =>
  ({
    method,
    url: '/hook',
    headers,
    async *[Symbol.asyncIterator]() {},
  }) as NodeRequestLike;

describe('fromNodeRequest', () => {
  it('copies the headers as strings: lists joined, absent values left out', () => {
    const headers = { host: 'example.test', 'set-cookie': ['a=1', 'b=2'], 'x-gone': undefined };
    const incoming = fromNodeRequest(request(headers));
    expect(incoming.headers()).toStrictEqual({ host: 'example.test', 'set-cookie': 'a=1, b=2' });
    expect(incoming.header('set-cookie')).toBe('a=1, b=2');
    expect(incoming.method).toBe('POST');
    expect(incoming.url).toBe('http://example.test/hook');
  });

  it('passes on a value of another type, set by a framework, as it is', () => {
    const headers = { host: 'example.test', 'content-length': 5 as unknown as string };
    expect(fromNodeRequest(request(headers)).headers()).toEqual(headers);
  });

  it('gives a copy: changing it leaves the request alone', () => {
    const headers = { host: 'example.test', 'x-a': '1' };
    const copy = fromNodeRequest(request(headers)).headers();
    copy['x-a'] = '2';
    expect(headers['x-a']).toBe('1');
  });

  it('gives the method in upper case, whatever case it came in', () => {
    for (const [given, method] of [
      ['POST', 'POST'],
      ['post', 'POST'],
      ['PoSt', 'POST'],
      ['POSt', 'POST'],
      ['M-SEARCH', 'M-SEARCH'],
      ['m-search', 'M-SEARCH'],
    ]) {
      expect(fromNodeRequest(request({ host: 'example.test' }, given)).method).toBe(method);
    }
  });
});
