import { config, telemetry } from './instrumentation';
import { GRPC_SERVICES } from '@sluice/contracts';
import { exitOnStartFailure, runService } from '@sluice/runtime';
import { OrchestratorAppModule } from './app.module';

runService({ config, telemetry, module: OrchestratorAppModule, grpc: GRPC_SERVICES.orchestrator }).catch(exitOnStartFailure);
