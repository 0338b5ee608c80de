import { credentials, loadPackageDefinition, Metadata, status, type ServiceClientConstructor, type ServiceError } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { Controller, Module, type INestMicroservice } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ClientProxyFactory, GrpcMethod, type ClientGrpc } from '@nestjs/microservices';
import { cacheV1, GRPC_SERVICES, META_SERVICE, NotFoundError, PROTO_ROOT } from '@sluice/contracts';
import { GrpcHealth, Readiness } from '@sluice/health';
import { freePort } from '@sluice/testing';
import { Registry } from 'prom-client';
import { callMetadata } from './call-context';
import { checkGrpcHealth } from './grpc-health-client';
import { callUpstream } from './grpc-errors';
import { grpcCodeName, grpcMethodLabels } from './grpc-metrics';
import { grpcClientOptions, grpcServerOptions } from './grpc-server-options';
import { InternalAuthGuard } from './internal-auth.guard';
import { GRPC_LOADER_OPTIONS } from './loader-options';
import { RpcExceptionFilter } from './rpc-exception.filter';
import { ServiceInfoModule } from './service-info.controller';

const TOKEN = 'Hq3rT8mW2nY5bV7cX1kL4pH9jF0dS6aG';
const TENANT = { tenantId: '6f1c2b1e-3d4a-4b5c-8d9e-0f1a2b3c4d5e' };
const CACHE = 'sluice.cache.v1.CacheService';

@Controller()
class FakeCacheController {
  @GrpcMethod('CacheService', 'Get')
  get(request: cacheV1.GetRequest): cacheV1.GetResponse {
    if (request.key === 'missing') throw new NotFoundError(`no key ${request.key}`);
    if (request.key === 'boom') throw new Error('unexpected');
    return { found: true, value: Buffer.from('v'), ttlRemainingMs: '1000' };
  }
}

/** The value of the series with exactly these labels (a histogram's `_count` when `histogram`), 0 when absent. */
async function valueOf(registry: Registry, name: string, labels: Record<string, string>, histogram = false): Promise<number> {
  const metric = registry.getSingleMetric(name);
  if (!metric) return 0;
  const values = (await metric.get()).values as { labels: Record<string, string | number>; value: number; metricName?: string }[];
  const series = values.find(
    (v) => (!histogram || v.metricName === `${name}_count`) && Object.keys(v.labels).length === Object.keys(labels).length && Object.entries(labels).every(([k, l]) => v.labels[k] === l),
  );
  return series?.value ?? 0;
}

describe('gRPC RED metrics', () => {
  const serverRegistry = new Registry();
  const clientRegistry = new Registry();
  let app: INestMicroservice;
  let address = '';
  let client: ClientProxyFactoryClient;
  let cache: cacheV1.CacheServiceClient;
  const readiness = new Readiness(200);

  type ClientProxyFactoryClient = ClientGrpc & { close(): unknown };

  beforeAll(async () => {
    address = `127.0.0.1:${await freePort()}`;
    @Module({ imports: [ServiceInfoModule.forRoot({ service: 'cache', version: '1.0.0', startedAt: new Date() })], controllers: [FakeCacheController] })
    class TestModule {}
    const contract = GRPC_SERVICES.cache;
    const health = new GrpcHealth(readiness, [`${contract.package}.${contract.service}`]);
    const [host, port] = address.split(':');
    app = await NestFactory.createMicroservice(TestModule, {
      ...grpcServerOptions({ contract, host, port: Number(port), registry: serverRegistry, attach: (s) => health.addToServer(s) }),
      logger: false,
    });
    app.useGlobalGuards(new InternalAuthGuard(TOKEN));
    app.useGlobalFilters(new RpcExceptionFilter());
    await app.listen();
    client = ClientProxyFactory.create(grpcClientOptions(contract, address, { registry: clientRegistry })) as unknown as ClientProxyFactoryClient;
    cache = client.getService<cacheV1.CacheServiceClient>('CacheService');
  });

  afterAll(async () => {
    await client?.close();
    await app?.close();
  });

  const get = (key: string, metadata: Metadata = callMetadata(TOKEN, TENANT)) => callUpstream(cache.get({ key }, metadata));

  it('counts each call by service, method and status code name, on the server and on the client', async () => {
    await get('a');
    await get('b');
    await expect(get('missing')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(get('boom')).rejects.toMatchObject({ code: status.INTERNAL });

    const labels = { service: CACHE, method: 'Get' };
    expect(await valueOf(serverRegistry, 'grpc_server_handled_total', { ...labels, code: 'OK' })).toBe(2);
    expect(await valueOf(serverRegistry, 'grpc_server_handled_total', { ...labels, code: 'NOT_FOUND' })).toBe(1);
    expect(await valueOf(serverRegistry, 'grpc_server_handled_total', { ...labels, code: 'INTERNAL' })).toBe(1);
    expect(await valueOf(serverRegistry, 'grpc_server_handling_seconds', labels, true)).toBe(4);

    expect(await valueOf(clientRegistry, 'grpc_client_handled_total', { ...labels, code: 'OK' })).toBe(2);
    expect(await valueOf(clientRegistry, 'grpc_client_handled_total', { ...labels, code: 'NOT_FOUND' })).toBe(1);
    expect(await valueOf(clientRegistry, 'grpc_client_handled_total', { ...labels, code: 'INTERNAL' })).toBe(1);
  });

  it('counts calls the guard refuses before any handler runs', async () => {
    await expect(get('a', callMetadata('W1xY2zA3bC4dE5fG6hI7jK8lM9nO0pQr', TENANT))).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(await valueOf(serverRegistry, 'grpc_server_handled_total', { service: CACHE, method: 'Get', code: 'UNAUTHENTICATED' })).toBe(1);
  });

  it('counts every service the server hosts, under its own name', async () => {
    const pkg = loadPackageDefinition(loadSync(META_SERVICE.protoPath, { ...GRPC_LOADER_OPTIONS, includeDirs: [PROTO_ROOT] })) as unknown as {
      sluice: { meta: { v1: { InfoService: ServiceClientConstructor } } };
    };
    const info = new pkg.sluice.meta.v1.InfoService(address, credentials.createInsecure()) as unknown as {
      getInfo(req: object, md: Metadata, cb: (e: ServiceError | null) => void): void;
      close(): void;
    };
    await new Promise<void>((resolve, reject) => info.getInfo({}, callMetadata(TOKEN), (e) => (e ? reject(e) : resolve())));
    info.close();
    expect(await valueOf(serverRegistry, 'grpc_server_handled_total', { service: 'sluice.meta.v1.InfoService', method: 'GetInfo', code: 'OK' })).toBe(1);
  });

  it('leaves health checks out of the figures', async () => {
    await checkGrpcHealth(address, CACHE, 2_000);
    const { values } = await serverRegistry.getSingleMetric('grpc_server_handled_total')!.get();
    expect(values.map((v) => v.labels.service)).not.toContain('grpc.health.v1.Health');
  });
});

describe('grpcMethodLabels / grpcCodeName', () => {
  it('splits a method path into service and method', () => {
    expect(grpcMethodLabels('/sluice.scheduler.v1.SchedulerService/CreateTask')).toEqual({ service: 'sluice.scheduler.v1.SchedulerService', method: 'CreateTask' });
    expect(grpcMethodLabels('nonsense')).toEqual({ service: 'unknown', method: 'unknown' });
  });

  it('names status codes the way dashboards query them', () => {
    expect(grpcCodeName(status.OK)).toBe('OK');
    expect(grpcCodeName(status.RESOURCE_EXHAUSTED)).toBe('RESOURCE_EXHAUSTED');
    expect(grpcCodeName(99)).toBe('99');
  });
});
