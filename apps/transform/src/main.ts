import { config, telemetry } from './instrumentation';
import { GRPC_SERVICES } from '@sluice/contracts';
import { exitOnStartFailure, runService } from '@sluice/runtime';
import { TransformAppModule } from './app.module';

runService({ config, telemetry, module: TransformAppModule, grpc: GRPC_SERVICES.transform }).catch(exitOnStartFailure);
