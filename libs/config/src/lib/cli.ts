import { isAbsolute, join } from 'node:path';
import { homedir } from 'node:os';
import { z } from 'zod';
import { url } from './fields';
import { loadConfig, type Env } from './load-config';

const cliSchema = z.object({
  SLUICE_API_URL: url(['http:', 'https:']).optional(),
  SLUICE_API_KEY: z.string().regex(/^\S+$/, { message: 'must not contain spaces' }).optional(),
  XDG_CONFIG_HOME: z.string().optional(),
});

/** What the `sluice` command line reads from its environment. */
export interface CliConfig {
  /** overrides the API URL stored by `sluice login` */
  readonly apiUrl?: string;
  /** overrides the stored credentials */
  readonly apiKey?: string;
  /** where `sluice/credentials.json` lives: `$XDG_CONFIG_HOME`, else `~/.config` */
  readonly configHome: string;
}

/** The CLI's environment, validated. Throws ConfigError naming each bad variable. */
export function loadCliConfig(env: Env = process.env): CliConfig {
  const raw = loadConfig(cliSchema, env);
  // The XDG base directory spec says a relative XDG_CONFIG_HOME is invalid and must be ignored.
  const xdg = raw.XDG_CONFIG_HOME && isAbsolute(raw.XDG_CONFIG_HOME) ? raw.XDG_CONFIG_HOME : undefined;
  return {
    ...(raw.SLUICE_API_URL ? { apiUrl: raw.SLUICE_API_URL } : {}),
    ...(raw.SLUICE_API_KEY ? { apiKey: raw.SLUICE_API_KEY } : {}),
    configHome: xdg ?? join(homedir(), '.config'),
  };
}
