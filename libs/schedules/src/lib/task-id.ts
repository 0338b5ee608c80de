import { createHash } from 'node:crypto';
import { scheduleMessageId } from './message-id';

/** UUID namespace of scheduled task ids (RFC 9562 name-based, SHA-1). */
const NAMESPACE = Buffer.from('6f1c2a4e9b3d4c58a7e2d0b5c3f81a94', 'hex');

/**
 * The id of the task one firing creates: a UUID v5 of `schedule:<id>:<fire time>`. Every replica
 * derives the same id for the same (schedule, fire time), so a second fire inserts nothing and its
 * publish (message id = task id) is dropped by JetStream.
 */
export function scheduledTaskId(scheduleId: string, fireAt: Date): string {
  const bytes = createHash('sha1').update(NAMESPACE).update(scheduleMessageId(scheduleId, fireAt)).digest().subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x50;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
