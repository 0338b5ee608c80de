import { config, telemetry } from './instrumentation';
import { GRPC_SERVICES } from '@sluice/contracts';
import { exitOnStartFailure, runService } from '@sluice/runtime';
import { SchedulerAppModule } from './app.module';

runService({ config, telemetry, module: SchedulerAppModule, grpc: GRPC_SERVICES.scheduler }).catch(exitOnStartFailure);
