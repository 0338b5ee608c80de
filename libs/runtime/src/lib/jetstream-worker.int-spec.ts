import { Injectable, Module, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { context, SpanKind, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { closeNats, connectNats, ensureStreams, JetStreamPublisher, type NatsConnection, type Topology } from '@sluice/messaging';
import { eventually, isolatedTopology, removeTopology } from '@sluice/messaging/testing';
import { createLogger, METRICS_REGISTRY } from '@sluice/telemetry';
import { Registry } from 'prom-client';
import { z } from 'zod';
import { JetStreamWorker, type WorkerDefinition } from './jetstream-worker';
import { LOGGER, NATS, TOPOLOGY } from './tokens';

const StepJob = z.object({ tenantId: z.uuid(), runId: z.uuid(), stepId: z.string(), rows: z.number() });
type StepJob = z.infer<typeof StepJob>;

const handled: StepJob[] = [];

@Injectable()
class StepJobWorker extends JetStreamWorker<StepJob> {
  protected readonly definition: WorkerDefinition<StepJob> = { durable: 'span-test', stream: 'jobs', subject: 'jobs.spantest', schema: StepJob };

  protected async handle(job: StepJob): Promise<void> {
    handled.push(job);
  }
}

describe('JetStreamWorker span attributes (real NATS)', () => {
  jest.setTimeout(30_000);
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
  let nc: NatsConnection;
  let topology: Topology;
  let app: INestApplicationContext;

  beforeAll(async () => {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    trace.setGlobalTracerProvider(provider);
    nc = await connectNats({ url: process.env.NATS_URL ?? 'nats://127.0.0.1:4222', name: 'runtime-int-worker-spans' });
    topology = isolatedTopology();
    await ensureStreams(nc, topology);
    @Module({
      providers: [
        StepJobWorker,
        { provide: NATS, useValue: nc },
        { provide: TOPOLOGY, useValue: topology },
        { provide: METRICS_REGISTRY, useValue: new Registry() },
        { provide: LOGGER, useValue: createLogger('runtime-test', 'silent') },
      ],
    })
    class TestModule {}
    app = await NestFactory.createApplicationContext(TestModule, { logger: false });
    await app.init();
  });

  afterAll(async () => {
    await app?.close();
    await removeTopology(nc, topology);
    await closeNats(nc);
    trace.disable();
    context.disable();
    await provider.shutdown();
  });

  it("tags the message's CONSUMER span with the tenant, run and step the payload names", async () => {
    const job: StepJob = { tenantId: '2c9a6f0e-1b3d-4e5f-8a7b-9c0d1e2f3a4b', runId: '7e8f9a0b-1c2d-4e3f-9a5b-6c7d8e9f0a1b', stepId: 'load_orders', rows: 3 };
    await new JetStreamPublisher(nc).publish(topology.subject('jobs.spantest'), job, { msgId: job.runId });
    await eventually(() => handled.length === 1, 20_000, 'the job handled');

    const span = await eventually(() => exporter.getFinishedSpans().find((s) => s.kind === SpanKind.CONSUMER), 10_000, 'the consumer span');
    expect(span.attributes).toMatchObject({
      'sluice.tenant_id': job.tenantId,
      'sluice.run_id': job.runId,
      'sluice.step_id': 'load_orders',
    });
    expect(span.attributes).not.toHaveProperty('sluice.task_id');
  });
});
