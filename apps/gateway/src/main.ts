import { config, telemetry } from './instrumentation';
import { exitOnStartFailure, keepWebAssemblyOnBaselineCompiler, runService } from '@sluice/runtime';
import { GatewayModule } from './gateway.module';
import { configureEdge } from './http-edge';

// Pipeline SQL is checked by a WebAssembly parser; its optimizing compile would need ~550 MB.
keepWebAssemblyOnBaselineCompiler();
runService({ config, telemetry, module: GatewayModule.forRoot(config), configureHttp: configureEdge(config) }).catch(exitOnStartFailure);
