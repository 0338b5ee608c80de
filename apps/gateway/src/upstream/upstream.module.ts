import { Module, type DynamicModule } from '@nestjs/common';
import { ClientProxyFactory, type ClientGrpc } from '@nestjs/microservices';
import { GRPC_SERVICE_NAMES, type GrpcServiceName, type ServiceConfig } from '@sluice/config';
import { GRPC_SERVICES, META_SERVICE } from '@sluice/contracts';
import { grpcClientOptions } from '@sluice/grpc';
import { METRICS_REGISTRY } from '@sluice/telemetry';
import type { Registry } from 'prom-client';
import { UpstreamCaller } from './upstream-caller';

import { UPSTREAMS } from './upstream.tokens';

export { UPSTREAMS };

/** One gRPC client per service for its own API, and one for its sluice.meta.v1 InfoService. */
export interface Upstreams {
  readonly api: Readonly<Record<GrpcServiceName, ClientGrpc>>;
  readonly meta: Readonly<Record<GrpcServiceName, ClientGrpc>>;
  readonly addresses: Readonly<Record<GrpcServiceName, string>>;
}

function createUpstreams(config: ServiceConfig, registry: Registry): Upstreams {
  const entries = GRPC_SERVICE_NAMES.map((name) => {
    const address = config.upstreams[name];
    if (!address) throw new Error(`no gRPC address for ${name}`);
    return [name, address] as const;
  });
  const build = (pick: (name: GrpcServiceName) => Parameters<typeof grpcClientOptions>[0]) =>
    Object.fromEntries(
      entries.map(([name, address]) => [name, ClientProxyFactory.create(grpcClientOptions(pick(name), address, { registry })) as unknown as ClientGrpc]),
    ) as Record<GrpcServiceName, ClientGrpc>;
  return {
    api: build((name) => GRPC_SERVICES[name]),
    meta: build(() => META_SERVICE),
    addresses: Object.fromEntries(entries) as Record<GrpcServiceName, string>,
  };
}

@Module({})
export class UpstreamModule {
  static forRoot(config: ServiceConfig): DynamicModule {
    return {
      module: UpstreamModule,
      providers: [{ provide: UPSTREAMS, inject: [METRICS_REGISTRY], useFactory: (registry: Registry) => createUpstreams(config, registry) }, UpstreamCaller],
      exports: [UPSTREAMS, UpstreamCaller],
    };
  }
}
