import { credentials, loadPackageDefinition, type Metadata, type ServiceClientConstructor, type ServiceError } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { Module, type CallHandler, type INestMicroservice, type NestInterceptor } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { GRPC_SERVICES, META_SERVICE, PROTO_ROOT } from '@sluice/contracts';
import { freePort } from '@sluice/testing';
import { Observable } from 'rxjs';
import { callMetadata } from './call-context';
import { CallSpanAttributesInterceptor } from './call-span-attributes.interceptor';
import { grpcServerOptions } from './grpc-server-options';
import { GRPC_LOADER_OPTIONS } from './loader-options';
import { ServiceInfoModule } from './service-info.controller';

const TOKEN = 'Pq4rT8mW2nY5bV7cX1kL4pH9jF0dS6aZ';
const TENANT = '0b7d4c2a-9e1f-4a3b-8c5d-6e7f8a9b0c1d';

const exporter = new InMemorySpanExporter();
const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });

/**
 * Stands in for the gRPC instrumentation's server span (which jest's module loader cannot
 * install): the rest of the call runs with that span active.
 */
class ServerSpanInterceptor implements NestInterceptor {
  intercept(_ctx: unknown, next: CallHandler): Observable<unknown> {
    return new Observable((subscriber) => {
      const span = provider.getTracer('test').startSpan('grpc server');
      const end = () => span.end();
      const subscription = context.with(trace.setSpan(context.active(), span), () =>
        next.handle().subscribe({
          next: (value) => subscriber.next(value),
          error: (error: unknown) => (end(), subscriber.error(error)),
          complete: () => (end(), subscriber.complete()),
        }),
      );
      return () => subscription.unsubscribe();
    });
  }
}

describe('CallSpanAttributesInterceptor', () => {
  let app: INestMicroservice;
  let address = '';

  beforeAll(async () => {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    address = `127.0.0.1:${await freePort()}`;
    @Module({ imports: [ServiceInfoModule.forRoot({ service: 'ingest', version: '1.0.0', startedAt: new Date() })] })
    class TestModule {}
    app = await NestFactory.createMicroservice(TestModule, {
      ...grpcServerOptions({ contract: GRPC_SERVICES.ingest, host: '127.0.0.1', port: Number(address.split(':')[1]) }),
      logger: false,
    });
    app.useGlobalInterceptors(new ServerSpanInterceptor(), new CallSpanAttributesInterceptor());
    await app.listen();
  });

  afterEach(() => exporter.reset());

  afterAll(async () => {
    await app?.close();
    context.disable();
    await provider.shutdown();
  });

  async function getInfo(metadata: Metadata): Promise<void> {
    const pkg = loadPackageDefinition(loadSync(META_SERVICE.protoPath, { ...GRPC_LOADER_OPTIONS, includeDirs: [PROTO_ROOT] })) as unknown as {
      sluice: { meta: { v1: { InfoService: ServiceClientConstructor } } };
    };
    const client = new pkg.sluice.meta.v1.InfoService(address, credentials.createInsecure()) as unknown as {
      getInfo(req: object, md: Metadata, cb: (e: ServiceError | null) => void): void;
      close(): void;
    };
    try {
      await new Promise<void>((resolve, reject) => client.getInfo({}, metadata, (e) => (e ? reject(e) : resolve())));
    } finally {
      client.close();
    }
  }

  it("puts the caller's tenant from the call metadata on the handler's span", async () => {
    await getInfo(callMetadata(TOKEN, { tenantId: TENANT }));
    expect(exporter.getFinishedSpans().map((s) => s.attributes)).toEqual([{ 'sluice.tenant_id': TENANT }]);
  });

  it('adds nothing when the metadata names no tenant or a tenant that is not a UUID', async () => {
    await getInfo(callMetadata(TOKEN));
    const odd = callMetadata(TOKEN);
    odd.set('x-sluice-tenant', 'not-a-uuid');
    await getInfo(odd);
    expect(exporter.getFinishedSpans().map((s) => s.attributes)).toEqual([{}, {}]);
  });
});
