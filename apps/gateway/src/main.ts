import { config, telemetry } from './instrumentation';
import { exitOnStartFailure, runService } from '@sluice/runtime';
import { GatewayModule } from './gateway.module';
import { setupOpenApi } from './openapi';

runService({ config, telemetry, module: GatewayModule.forRoot(config), configureHttp: setupOpenApi }).catch(exitOnStartFailure);
