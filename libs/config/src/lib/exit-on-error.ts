import { ConfigError, type Env } from './load-config';
import { loadServiceConfig, type ServiceConfig, type ServiceName } from './services';

/**
 * For main.ts: the service's configuration, or a message naming each bad variable on stderr
 * and exit code 1. Nothing starts with a missing or weak secret.
 */
export function loadServiceConfigOrExit(name: ServiceName, env: Env = process.env): ServiceConfig {
  try {
    return loadServiceConfig(name, env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`sluice ${name}: cannot start, ${error.message}\n`);
    process.exit(1);
  }
}
