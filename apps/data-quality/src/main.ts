import { config, telemetry } from './instrumentation';
import { GRPC_SERVICES } from '@sluice/contracts';
import { exitOnStartFailure, keepWebAssemblyOnBaselineCompiler, runService } from '@sluice/runtime';
import { StepsModule } from './steps/steps.module';

// The SQL parser that checks step SQL is WebAssembly; its optimizing compile would need ~550 MB.
keepWebAssemblyOnBaselineCompiler();
runService({ config, telemetry, module: StepsModule, prisma: false, grpc: GRPC_SERVICES['data-quality'] }).catch(exitOnStartFailure);
