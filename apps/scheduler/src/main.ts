import { config, telemetry } from './instrumentation';
import { GRPC_SERVICES } from '@sluice/contracts';
import { exitOnStartFailure, runService } from '@sluice/runtime';
import { TasksModule } from './tasks/tasks.module';

runService({ config, telemetry, module: TasksModule, grpc: GRPC_SERVICES.scheduler }).catch(exitOnStartFailure);
