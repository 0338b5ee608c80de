import { config, telemetry } from './instrumentation';
import { GRPC_SERVICES } from '@sluice/contracts';
import { exitOnStartFailure, runService } from '@sluice/runtime';
import { PipelinesModule } from './pipelines/pipelines.module';

runService({ config, telemetry, module: PipelinesModule, grpc: GRPC_SERVICES.orchestrator }).catch(exitOnStartFailure);
