import { Controller } from '@nestjs/common';
import { dataQualityV1 } from '@sluice/contracts';
import { DataQualityStepWorker } from './data-quality-step.worker';

@Controller()
@dataQualityV1.DataQualityServiceControllerMethods()
export class StatusGrpcController implements dataQualityV1.DataQualityServiceController {
  constructor(private readonly worker: DataQualityStepWorker) {}

  async getStatus(): Promise<dataQualityV1.GetStatusResponse> {
    return { status: await this.worker.status() };
  }
}
