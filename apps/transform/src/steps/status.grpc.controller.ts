import { Controller } from '@nestjs/common';
import { transformV1 } from '@sluice/contracts';
import { TransformStepWorker } from './transform-step.worker';

@Controller()
@transformV1.TransformServiceControllerMethods()
export class StatusGrpcController implements transformV1.TransformServiceController {
  constructor(private readonly worker: TransformStepWorker) {}

  async getStatus(): Promise<transformV1.GetStatusResponse> {
    return { status: await this.worker.status() };
  }
}
