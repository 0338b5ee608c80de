import { Controller } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import type { transformV1 } from '@sluice/contracts';
import { TransformStepWorker } from './transform-step.worker';

@Controller()
export class StatusGrpcController implements Pick<transformV1.TransformServiceController, 'getStatus'> {
  constructor(private readonly worker: TransformStepWorker) {}

  @GrpcMethod('TransformService')
  async getStatus(): Promise<transformV1.GetStatusResponse> {
    return { status: await this.worker.status() };
  }
}
