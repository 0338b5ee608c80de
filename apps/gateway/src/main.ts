import { config, telemetry } from './instrumentation';
import { exitOnStartFailure, runService } from '@sluice/runtime';
import { GatewayModule } from './gateway.module';

runService({ config, telemetry, module: GatewayModule.forRoot(config) }).catch(exitOnStartFailure);
