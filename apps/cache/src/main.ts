import { config, telemetry } from './instrumentation';
import { GRPC_SERVICES } from '@sluice/contracts';
import { exitOnStartFailure, runService } from '@sluice/runtime';
import { CacheModule } from './cache/cache.module';

runService({ config, telemetry, module: CacheModule, grpc: GRPC_SERVICES.cache }).catch(exitOnStartFailure);
