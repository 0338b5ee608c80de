export { TASK_STATUSES, applyTaskEvent, canTransition, isTerminal, statesLeadingTo } from './lib/task-state';
export type { TaskState } from './lib/task-state';
export { TaskRepository } from './lib/task.repository';
export type { TaskRow, TaskFilter, TaskCountRow } from './lib/task.repository';
export { TaskService } from './lib/task.service';
export type { JobPublisher, Caller } from './lib/task.service';
export { TaskAlreadyEndedError } from './lib/task-errors';
