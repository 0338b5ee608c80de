import { Inject, Injectable } from '@nestjs/common';
import { GRPC_SERVICE_NAMES, readServiceVersion, type GrpcServiceName, type ServiceConfig } from '@sluice/config';
import { GRPC_SERVICES, type metaV1 } from '@sluice/contracts';
import { Readiness } from '@sluice/health';
import { callMetadata, callUpstream, checkGrpcHealth, type ServingStatus } from '@sluice/grpc';
import { SERVICE_CONFIG } from '@sluice/runtime';
import { timeout } from 'rxjs';
import { UPSTREAMS, type Upstreams } from '../upstream/upstream.module';

export interface ServiceStatus {
  readonly name: string;
  readonly status: ServingStatus;
  readonly version?: string;
}

const CHECK_TIMEOUT_MS = 1_500;

/** Each service's readiness as its grpc.health.v1 reports it, and its version from InfoService. */
@Injectable()
export class StatusService {
  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
    @Inject(UPSTREAMS) private readonly upstreams: Upstreams,
    @Inject(Readiness) private readonly readiness: Readiness,
  ) {}

  async status(): Promise<{ status: 'SERVING' | 'DEGRADED'; services: ServiceStatus[] }> {
    const services = await Promise.all([this.gateway(), ...GRPC_SERVICE_NAMES.map((name) => this.remote(name))]);
    return { status: services.every((s) => s.status === 'SERVING') ? 'SERVING' : 'DEGRADED', services };
  }

  private async gateway(): Promise<ServiceStatus> {
    const report = await this.readiness.evaluate();
    return { name: 'gateway', status: report.ready ? 'SERVING' : 'NOT_SERVING', version: readServiceVersion() };
  }

  private async remote(name: GrpcServiceName): Promise<ServiceStatus> {
    const contract = GRPC_SERVICES[name];
    const [status, version] = await Promise.all([
      checkGrpcHealth(this.upstreams.addresses[name], `${contract.package}.${contract.service}`, CHECK_TIMEOUT_MS),
      this.version(name),
    ]);
    return { name, status, ...(version ? { version } : {}) };
  }

  private async version(name: GrpcServiceName): Promise<string | undefined> {
    const info = this.upstreams.meta[name].getService<metaV1.InfoServiceClient>('InfoService');
    try {
      const reply = await callUpstream(info.getInfo({}, callMetadata(this.config.internalToken)).pipe(timeout(CHECK_TIMEOUT_MS)));
      return reply.version;
    } catch {
      return undefined;
    }
  }
}
