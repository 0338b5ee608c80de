import { InvalidArgumentError } from 'commander';
import { integerIn, keyValuePairs, objectFromPairs, uuid } from './command-arguments';
import { UsageError } from './errors/cli-errors';

describe('command arguments', () => {
  it('parses integers in range only', () => {
    const parse = integerIn(0, 20);
    expect(parse('0')).toBe(0);
    expect(parse('20')).toBe(20);
    for (const bad of ['21', '-1', '1.5', 'x', '', '1e2']) expect(() => parse(bad)).toThrow(InvalidArgumentError);
  });

  it('accepts UUIDs, lower-cased', () => {
    expect(uuid('0B7E2A52-7F5C-4A3E-9B43-0C6F4D3F2A11')).toBe('0b7e2a52-7f5c-4a3e-9b43-0c6f4d3f2a11');
    expect(() => uuid('../admin')).toThrow(InvalidArgumentError);
  });

  it('splits key=value at the first =, keeping = in values', () => {
    expect(keyValuePairs('query=a=b', keyValuePairs('x=1'))).toEqual([
      ['x', '1'],
      ['query', 'a=b'],
    ]);
    expect(() => keyValuePairs('=v')).toThrow(InvalidArgumentError);
  });

  it('builds an object: strings, or JSON after :=', () => {
    expect(objectFromPairs([['day', '2025-06-01'], ['limit:', '10'], ['tags:', '["a"]'], ['empty', '']], '--param')).toEqual({ day: '2025-06-01', limit: 10, tags: ['a'], empty: '' });
    expect(() => objectFromPairs([['n:', '{bad']], '--param')).toThrow(new UsageError("--param n: the value after ':=' is not JSON"));
    expect(() => objectFromPairs([[':', '1']], '--param')).toThrow(UsageError);
  });

  it('keeps __proto__ as a plain key instead of changing the prototype', () => {
    const result = objectFromPairs([['__proto__:', '{"polluted":true}']], '--param');
    expect(Object.getPrototypeOf(result)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(JSON.stringify(result)).toBe('{"__proto__":{"polluted":true}}');
  });
});
