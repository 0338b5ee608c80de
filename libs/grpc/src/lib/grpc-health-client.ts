import { credentials, loadPackageDefinition, type Client, type ServiceClientConstructor } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { protoPath as healthProtoPath } from 'grpc-health-check';

export type ServingStatus = 'SERVING' | 'NOT_SERVING' | 'UNKNOWN' | 'SERVICE_UNKNOWN' | 'UNREACHABLE';

type HealthClient = Client & {
  check(
    request: { service: string },
    options: { deadline: Date },
    callback: (error: Error | null, response?: { status: string }) => void,
  ): void;
};

let healthConstructor: ServiceClientConstructor | undefined;

function healthClientConstructor(): ServiceClientConstructor {
  if (!healthConstructor) {
    const definition = loadSync(healthProtoPath, { keepCase: true, enums: String, defaults: true });
    const pkg = loadPackageDefinition(definition) as unknown as { grpc: { health: { v1: { Health: ServiceClientConstructor } } } };
    healthConstructor = pkg.grpc.health.v1.Health;
  }
  return healthConstructor;
}

/** Asks a server's grpc.health.v1.Health for one service's status; never throws. */
export function checkGrpcHealth(address: string, service: string, timeoutMs: number): Promise<ServingStatus> {
  const Health = healthClientConstructor();
  const client = new Health(address, credentials.createInsecure()) as unknown as HealthClient;
  return new Promise<ServingStatus>((resolve) => {
    client.check({ service }, { deadline: new Date(Date.now() + timeoutMs) }, (error, response) => {
      client.close();
      if (error) resolve('UNREACHABLE');
      else resolve((response?.status as ServingStatus | undefined) ?? 'UNKNOWN');
    });
  });
}
