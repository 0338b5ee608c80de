import { credentials, loadPackageDefinition, status, type ServiceClientConstructor, type ServiceError } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { Module, type INestMicroservice } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { GRPC_SERVICES, META_SERVICE, PROTO_ROOT } from '@sluice/contracts';
import { GrpcHealth, Readiness } from '@sluice/health';
import { callMetadata } from './call-context';
import { checkGrpcHealth } from './grpc-health-client';
import { grpcServerOptions } from './grpc-server-options';
import { InternalAuthGuard } from './internal-auth.guard';
import { GRPC_LOADER_OPTIONS } from './loader-options';
import { RpcExceptionFilter } from './rpc-exception.filter';
import { ServiceInfoModule } from './service-info.controller';

const TOKEN = 'Zq8rT2mW5nY7bV1cX4kL9pH3jF6dS0aG';
const PORT = 50000 + Math.floor(Math.random() * 900);
const ADDRESS = `127.0.0.1:${PORT}`;

type InfoClient = InstanceType<ServiceClientConstructor> & {
  getInfo(req: object, metadata: ReturnType<typeof callMetadata>, cb: (e: ServiceError | null, r?: { service: string; version: string }) => void): void;
};

function infoClient(): InfoClient {
  const pkg = loadPackageDefinition(loadSync(META_SERVICE.protoPath, { ...GRPC_LOADER_OPTIONS, includeDirs: [PROTO_ROOT] })) as unknown as {
    sluice: { meta: { v1: { InfoService: ServiceClientConstructor } } };
  };
  return new pkg.sluice.meta.v1.InfoService(ADDRESS, credentials.createInsecure()) as InfoClient;
}

const getInfo = (client: InfoClient, token: string) =>
  new Promise<{ service: string; version: string }>((resolve, reject) =>
    client.getInfo({}, callMetadata(token), (error, reply) => (error ? reject(error) : resolve(reply!))),
  );

type ReflectionStream = {
  write(req: object): void;
  end(): void;
  on(event: 'data', cb: (r: { listServicesResponse?: { service: { name: string }[] } }) => void): void;
  on(event: 'error', cb: (e: Error) => void): void;
};

/** Lists services the way grpcurl does: grpc.reflection.v1.ServerReflection. */
function listServicesByReflection(): Promise<string[]> {
  const protoPath = require.resolve('@grpc/reflection/build/proto/grpc/reflection/v1/reflection.proto');
  const pkg = loadPackageDefinition(loadSync(protoPath, { keepCase: false })) as unknown as {
    grpc: { reflection: { v1: { ServerReflection: ServiceClientConstructor } } };
  };
  const client = new pkg.grpc.reflection.v1.ServerReflection(ADDRESS, credentials.createInsecure()) as unknown as {
    serverReflectionInfo(): ReflectionStream;
    close(): void;
  };
  return new Promise((resolve, reject) => {
    const stream = client.serverReflectionInfo();
    stream.on('data', (reply) => {
      resolve((reply.listServicesResponse?.service ?? []).map((s) => s.name).sort());
      stream.end();
      client.close();
    });
    stream.on('error', reject);
    stream.write({ listServices: '*' });
  });
}

describe('a Sluice gRPC server', () => {
  let app: INestMicroservice;
  let healthy = true;
  const readiness = new Readiness(200);
  readiness.add({ name: 'redis', check: async () => { if (!healthy) throw new Error('down'); } });
  const contract = GRPC_SERVICES.ingest;

  beforeAll(async () => {
    @Module({ imports: [ServiceInfoModule.forRoot({ service: 'ingest', version: '9.9.9', startedAt: new Date() })] })
    class TestModule {}
    const health = new GrpcHealth(readiness, [`${contract.package}.${contract.service}`]);
    app = await NestFactory.createMicroservice(
      TestModule,
      { ...grpcServerOptions({ contract, host: '127.0.0.1', port: PORT, attach: (s) => health.addToServer(s) }), logger: false },
    );
    app.useGlobalGuards(new InternalAuthGuard(TOKEN));
    app.useGlobalFilters(new RpcExceptionFilter());
    await app.listen();
  });

  afterAll(() => app.close());

  it('refuses a call without the internal token as UNAUTHENTICATED', async () => {
    await expect(getInfo(infoClient(), 'W1xY2zA3bC4dE5fG6hI7jK8lM9nO0pQr')).rejects.toMatchObject({ code: status.UNAUTHENTICATED });
  });

  it('answers InfoService with the internal token', async () => {
    await expect(getInfo(infoClient(), TOKEN)).resolves.toEqual({ service: 'ingest', version: '9.9.9', startedAt: expect.anything() });
  });

  it('answers server reflection, so grpcurl can list and call it', async () => {
    expect(await listServicesByReflection()).toEqual(
      expect.arrayContaining(['sluice.ingest.v1.IngestService', 'sluice.meta.v1.InfoService']),
    );
  });

  it('reports grpc.health.v1 from readiness, for the whole server and the named service', async () => {
    const name = `${contract.package}.${contract.service}`;
    expect(await checkGrpcHealth(ADDRESS, name, 1000)).toBe('NOT_SERVING');
    await readiness.evaluate();
    expect(await checkGrpcHealth(ADDRESS, name, 1000)).toBe('SERVING');
    expect(await checkGrpcHealth(ADDRESS, '', 1000)).toBe('SERVING');
    healthy = false;
    await readiness.evaluate();
    expect(await checkGrpcHealth(ADDRESS, name, 1000)).toBe('NOT_SERVING');
    expect(await checkGrpcHealth(ADDRESS, 'no.such.Service', 1000)).toBe('UNREACHABLE');
  });
});
