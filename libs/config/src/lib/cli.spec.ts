import { join } from 'node:path';
import { homedir } from 'node:os';
import { ConfigError } from './load-config';
import { loadCliConfig } from './cli';

function captured(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('loadCliConfig', () => {
  it('reads the API URL, the API key and XDG_CONFIG_HOME', () => {
    expect(loadCliConfig({ SLUICE_API_URL: 'https://sluice.example.org', SLUICE_API_KEY: 'slk_abc', XDG_CONFIG_HOME: '/srv/conf' })).toEqual({
      apiUrl: 'https://sluice.example.org',
      apiKey: 'slk_abc',
      configHome: '/srv/conf',
    });
  });

  it('falls back to ~/.config and ignores a relative XDG_CONFIG_HOME', () => {
    expect(loadCliConfig({})).toEqual({ configHome: join(homedir(), '.config') });
    expect(loadCliConfig({ XDG_CONFIG_HOME: 'relative/dir' }).configHome).toBe(join(homedir(), '.config'));
  });

  it('names SLUICE_API_URL when it is not an http(s) URL', () => {
    for (const value of ['ftp://example.org', 'not a url']) {
      const error = captured(() => loadCliConfig({ SLUICE_API_URL: value }));
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).problems.map((p) => p.variable)).toEqual(['SLUICE_API_URL']);
    }
  });
});
