import type { Server } from '@grpc/grpc-js';
import type { PackageDefinition } from '@grpc/proto-loader';
import { ReflectionService } from '@grpc/reflection';
import { Transport, type GrpcOptions } from '@nestjs/microservices';
import { META_SERVICE, PROTO_ROOT, type GrpcServiceContract } from '@sluice/contracts';
import type { Registry } from 'prom-client';
import { grpcClientMetricsInterceptor, grpcServerMetricsInterceptor } from './grpc-metrics';
import { GRPC_LOADER_OPTIONS, GRPC_MAX_MESSAGE_BYTES } from './loader-options';

export interface GrpcServerSettings {
  readonly contract: GrpcServiceContract;
  readonly host: string;
  readonly port: number;
  /** Adds what Nest does not serve itself, e.g. grpc.health.v1 (see GrpcHealth). */
  readonly attach?: (server: Server) => void;
  /** Counts and times every call into this registry (`grpc_server_handled_total`, `grpc_server_handling_seconds`). */
  readonly registry?: Registry;
}

export interface GrpcClientSettings {
  /** Counts every call's final status into this registry (`grpc_client_handled_total`). */
  readonly registry?: Registry;
}

/**
 * Nest microservice options for a Sluice gRPC server: the service's own package plus
 * sluice.meta.v1, server reflection (so grpcurl works), and whatever `attach` adds.
 */
export function grpcServerOptions(settings: GrpcServerSettings): GrpcOptions & { transport: Transport.GRPC } {
  return {
    transport: Transport.GRPC,
    options: {
      url: `${settings.host}:${settings.port}`,
      package: [settings.contract.package, META_SERVICE.package],
      protoPath: [settings.contract.protoPath, META_SERVICE.protoPath],
      loader: { ...GRPC_LOADER_OPTIONS, includeDirs: [PROTO_ROOT] },
      maxReceiveMessageLength: GRPC_MAX_MESSAGE_BYTES,
      maxSendMessageLength: GRPC_MAX_MESSAGE_BYTES,
      // Nest hands channelOptions to the grpc-js Server constructor, which takes its interceptors from there.
      ...(settings.registry ? { channelOptions: { interceptors: [grpcServerMetricsInterceptor(settings.registry)] } } : {}),
      gracefulShutdown: true,
      onLoadPackageDefinition: (pkg: PackageDefinition, server: Server) => {
        new ReflectionService(pkg).addToServer(server);
        settings.attach?.(server);
      },
    },
  };
}

/** Nest client options for calling a Sluice gRPC service at `address`. */
export function grpcClientOptions(contract: GrpcServiceContract, address: string, settings: GrpcClientSettings = {}): GrpcOptions & { transport: Transport.GRPC } {
  return {
    transport: Transport.GRPC,
    options: {
      url: address,
      package: contract.package,
      protoPath: contract.protoPath,
      loader: { ...GRPC_LOADER_OPTIONS, includeDirs: [PROTO_ROOT] },
      maxReceiveMessageLength: GRPC_MAX_MESSAGE_BYTES,
      maxSendMessageLength: GRPC_MAX_MESSAGE_BYTES,
      // Nest hands channelOptions to each grpc-js client constructor, which takes its interceptors from there.
      ...(settings.registry ? { channelOptions: { interceptors: [grpcClientMetricsInterceptor(settings.registry)] } } : {}),
    },
  };
}
