import { TASK_STATUSES } from '@sluice/tasks';
import { z } from 'zod';
import { ListQuery } from '../pagination';

/** `GET /v1/tasks?status=&kind=&limit=&cursor=` */
export const TaskListQuery = ListQuery.extend({
  status: z.enum(TASK_STATUSES, { error: `must be one of ${TASK_STATUSES.join(', ')}` }).optional(),
  kind: z
    .string()
    .regex(/^[a-z][a-z0-9_-]{0,31}$/, { error: 'must be a task kind such as "scrape"' })
    .optional(),
});
export type TaskListQuery = z.infer<typeof TaskListQuery>;
