import { config, telemetry } from './instrumentation';
import { exitOnStartFailure, runService } from '@sluice/runtime';
import { GatewayModule } from './gateway.module';
import { configureEdge } from './http-edge';

runService({ config, telemetry, module: GatewayModule.forRoot(config), configureHttp: configureEdge(config) }).catch(exitOnStartFailure);
