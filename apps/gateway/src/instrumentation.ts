// First import of main.ts: configuration, then OpenTelemetry, before anything it instruments loads.
import { loadServiceConfigOrExit, readServiceVersion } from '@sluice/config';
import { startTelemetry } from '@sluice/telemetry';

export const config = loadServiceConfigOrExit('gateway');
export const telemetry = startTelemetry({ serviceName: config.service, serviceVersion: readServiceVersion(), ...config.telemetry });
