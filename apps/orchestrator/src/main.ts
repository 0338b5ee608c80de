import { config, telemetry } from './instrumentation';
import { GRPC_SERVICES } from '@sluice/contracts';
import { exitOnStartFailure, keepWebAssemblyOnBaselineCompiler, runService } from '@sluice/runtime';
import { OrchestratorAppModule } from './app.module';

// Pipeline SQL is checked by a WebAssembly parser; its optimizing compile would need ~550 MB.
keepWebAssemblyOnBaselineCompiler();
runService({ config, telemetry, module: OrchestratorAppModule, grpc: GRPC_SERVICES.orchestrator }).catch(exitOnStartFailure);
