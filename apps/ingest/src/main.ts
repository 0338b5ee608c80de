import { config, telemetry } from './instrumentation';
import { GRPC_SERVICES } from '@sluice/contracts';
import { exitOnStartFailure, runService } from '@sluice/runtime';
import { StepsModule } from './steps/steps.module';

runService({ config, telemetry, module: StepsModule, prisma: false, grpc: GRPC_SERVICES.ingest }).catch(exitOnStartFailure);
