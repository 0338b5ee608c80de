import { config, telemetry } from './instrumentation';
import { GRPC_SERVICES } from '@sluice/contracts';
import { exitOnStartFailure, keepWebAssemblyOnBaselineCompiler, runService } from '@sluice/runtime';
import { TransformAppModule } from './app.module';

// The SQL parser that checks step SQL is WebAssembly; its optimizing compile would need ~550 MB.
keepWebAssemblyOnBaselineCompiler();
runService({ config, telemetry, module: TransformAppModule, prisma: false, grpc: GRPC_SERVICES.transform }).catch(exitOnStartFailure);
