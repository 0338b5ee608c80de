import { TASK_STATUSES, type TaskState } from '@sluice/tasks';
import { z } from 'zod';

const STATUS_PREFIX = 'TASK_STATUS_';
const WIRE_STATUSES = ['TASK_STATUS_UNSPECIFIED', ...TASK_STATUSES.map((s) => `${STATUS_PREFIX}${s}`)];

/** TASK_STATUS_UNSPECIFIED (no filter) or one of the six states, as the repository spells it. */
const StatusFilter = z
  .string()
  .refine((status) => WIRE_STATUSES.includes(status), { error: `must be one of ${TASK_STATUSES.join(', ')}` })
  .transform((status) => (status === 'TASK_STATUS_UNSPECIFIED' ? undefined : (status.slice(STATUS_PREFIX.length) as TaskState)));

/** A ListTasks request, checked: limit 1..500 (0 means 50), a kind that is a plain word or empty. */
export const ListTasksInput = z.object({
  limit: z.int().min(0).max(500).transform((n) => n || 50),
  cursor: z.string().max(200),
  status: StatusFilter,
  kind: z
    .string()
    .regex(/^([a-z][a-z0-9_-]{0,31})?$/, { error: 'must be a lowercase word (e.g. "scrape")' })
    .transform((k) => k || undefined),
});
