import { config, telemetry } from './instrumentation';
import { GRPC_SERVICES } from '@sluice/contracts';
import { exitOnStartFailure, runService } from '@sluice/runtime';
import { ScraperModule } from './scraper.module';

runService({ config, telemetry, module: ScraperModule, grpc: GRPC_SERVICES.scraper }).catch(exitOnStartFailure);
