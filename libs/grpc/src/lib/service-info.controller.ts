import { Controller, Inject, Module, type DynamicModule } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import { metaV1, toTimestamp } from '@sluice/contracts';

export interface ServiceIdentity {
  readonly service: string;
  readonly version: string;
  readonly startedAt: Date;
}

const IDENTITY = Symbol('SERVICE_IDENTITY');

/** sluice.meta.v1.InfoService: what this process is. */
@Controller()
class ServiceInfoController {
  constructor(@Inject(IDENTITY) private readonly identity: ServiceIdentity) {}

  @GrpcMethod('InfoService', 'GetInfo')
  getInfo(): metaV1.GetInfoResponse {
    return {
      service: this.identity.service,
      version: this.identity.version,
      startedAt: toTimestamp(this.identity.startedAt),
    };
  }
}

@Module({})
export class ServiceInfoModule {
  static forRoot(identity: ServiceIdentity): DynamicModule {
    return {
      module: ServiceInfoModule,
      controllers: [ServiceInfoController],
      providers: [{ provide: IDENTITY, useValue: identity }],
    };
  }
}
