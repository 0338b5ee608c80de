import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './isolated-env';

// A real public data set: Seattle's daily weather 2012-2015, from the vega-datasets package.
export const SEATTLE_WEATHER_FILE = 'seattle-weather.csv';
export const SEATTLE_WEATHER_PATH = join(ROOT, 'node_modules/vega-datasets/data', SEATTLE_WEATHER_FILE);

/** The ingest step `load` of the file with its enforced columns: lines under a definition's `steps:`. */
export const SEATTLE_WEATHER_LOAD_STEP = `  - id: load
    kind: ingest
    source: { type: file, path: ${SEATTLE_WEATHER_FILE}, format: csv }
    columns:
      - { name: date, type: date }
      - { name: precipitation, type: numeric }
      - { name: temp_max, type: numeric }
      - { name: temp_min, type: numeric }
      - { name: wind, type: numeric }
      - { name: weather, type: text }
`;

/** Puts the file into the tenant's directory of the operator's ingest file root (`SLUICE_INGEST_FILE_ROOT`). */
export function provideSeattleWeather(fileRoot: string, tenantId: string): void {
  mkdirSync(join(fileRoot, tenantId));
  copyFileSync(SEATTLE_WEATHER_PATH, join(fileRoot, tenantId, SEATTLE_WEATHER_FILE));
}
