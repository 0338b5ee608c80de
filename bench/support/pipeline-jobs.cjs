// @ts-check
// Publishes pipeline step jobs on JetStream the way the orchestrator does, and waits for each
// step's outcome event, so a benchmark can drive the workers without the orchestrator.
'use strict';
const { randomUUID } = require('node:crypto');
const { resolve } = require('node:path');

const ROOT = resolve(__dirname, '../..');
const { JetStreamPublisher } = require(resolve(ROOT, 'libs/messaging/dist/index.js'));

/**
 * Runs one step: publishes its job and resolves with the `succeeded` or `failed` event.
 * @param {{ nc: import('@nats-io/transport-node').NatsConnection, topology: { subject(s: string): string } }} bus
 * @param {{ kind: 'ingest' | 'dq' | 'transform', runId: string, tenantId: string, pipeline: string, step: Record<string, unknown>, tables?: Record<string, { schema: string, table: string }> }} job
 * @param {number} timeoutMs
 * @returns {Promise<Record<string, any>>}
 */
async function runStep(bus, job, timeoutMs) {
  const stepId = String(job.step.id);
  const subscription = bus.nc.subscribe(bus.topology.subject(`events.step.${job.runId}.${stepId}.*`));
  const timer = setTimeout(() => subscription.unsubscribe(), timeoutMs);
  try {
    const message = { runId: job.runId, stepId, tenantId: job.tenantId, pipeline: job.pipeline, version: 1, attempt: 1, step: job.step, tables: job.tables ?? {} };
    await new JetStreamPublisher(bus.nc).publish(bus.topology.subject(`jobs.pipeline.${job.kind}`), message, { msgId: `${job.runId}:${stepId}:1:${randomUUID()}` });
    for await (const received of subscription) {
      const event = received.json();
      if (event.type === 'succeeded' || event.type === 'failed') return event;
    }
    throw new Error(`no outcome for step ${stepId} within ${timeoutMs} ms`);
  } finally {
    clearTimeout(timer);
    subscription.unsubscribe();
  }
}

module.exports = { runStep };
