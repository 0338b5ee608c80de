import { createHash } from 'node:crypto';
import { scheduleMessageId } from './message-id';

/** UUID namespaces (RFC 9562 name-based, SHA-1) of what a firing starts: tasks and pipeline runs never share an id. */
const TASK_NAMESPACE = Buffer.from('6f1c2a4e9b3d4c58a7e2d0b5c3f81a94', 'hex');
const RUN_NAMESPACE = Buffer.from('b7d35e0c21f84a6d9c4e8a1f5d2b7c36', 'hex');

function nameBasedUuid(namespace: Buffer, name: string): string {
  const bytes = createHash('sha1').update(namespace).update(name).digest().subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x50;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * The id of the task one firing creates: a UUID v5 of `schedule:<id>:<fire time>`. Every replica
 * derives the same id for the same (schedule, fire time), so a second fire inserts nothing and its
 * publish (message id = task id) is dropped by JetStream.
 */
export function scheduledTaskId(scheduleId: string, fireAt: Date): string {
  return nameBasedUuid(TASK_NAMESPACE, scheduleMessageId(scheduleId, fireAt));
}

/**
 * The id of the pipeline run one firing starts, derived the same way: the orchestrator answers a
 * second start with that id with the run the first one made, and starts nothing.
 */
export function scheduledRunId(scheduleId: string, fireAt: Date): string {
  return nameBasedUuid(RUN_NAMESPACE, scheduleMessageId(scheduleId, fireAt));
}
