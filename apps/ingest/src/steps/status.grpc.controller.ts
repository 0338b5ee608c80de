import { Controller } from '@nestjs/common';
import { ingestV1 } from '@sluice/contracts';
import { IngestStepWorker } from './ingest-step.worker';

@Controller()
@ingestV1.IngestServiceControllerMethods()
export class StatusGrpcController implements ingestV1.IngestServiceController {
  constructor(private readonly worker: IngestStepWorker) {}

  async getStatus(): Promise<ingestV1.GetStatusResponse> {
    return { status: await this.worker.status() };
  }
}
