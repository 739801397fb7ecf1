import { describe, expect, it } from 'vitest';
import { ConfigError, bytes, describeConfig, int, loadConfig, oneOf } from './config';

const specs = {
  port: { name: 'X_PORT', doc: 'port', fallback: 0, parse: int(0, 65535) },
  mode: { name: 'X_MODE', doc: 'mode', fallback: 'a' as 'a' | 'b', parse: oneOf('a', 'b') },
  token: { name: 'X_TOKEN', doc: 'token', fallback: '', parse: String, secret: true },
};

describe('loadConfig', () => {
  it('applies defaults and parses values', () => {
    const c = loadConfig(specs, { X_PORT: '8080', X_TOKEN: 's3cret' });
    expect(c).toEqual({ port: 8080, mode: 'a', token: 's3cret' });
    expect(describeConfig(specs, c)).toEqual({ X_PORT: 8080, X_MODE: 'a', X_TOKEN: '***' });
  });

  it('names the variable of a bad value', () => {
    expect(() => loadConfig(specs, { X_PORT: '99999' })).toThrow(ConfigError);
    expect(() => loadConfig(specs, { X_PORT: 'abc' })).toThrow(/X_PORT: invalid value "abc"/);
    expect(() => loadConfig(specs, { X_MODE: 'c' })).toThrow(/X_MODE: .*one of a, b/);
  });

  it('parses sizes', () => {
    expect(bytes('20m')).toBe(20 * 1024 * 1024);
    expect(bytes('512k')).toBe(512 * 1024);
    expect(bytes('100')).toBe(100);
    expect(() => bytes('lots')).toThrow();
  });
});
