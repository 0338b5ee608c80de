import { Counter, Gauge, type Registry } from 'prom-client';

export type FireOutcome = 'fired' | 'skipped' | 'refused' | 'error';

/** Whether this replica leads, and what its ticks did (no schedule label: ids would grow without bound). */
export class ScheduleMetrics {
  readonly leader: Gauge;
  readonly fires: Counter<'outcome'>;

  constructor(registry: Registry) {
    this.leader = new Gauge({ name: 'sluice_scheduler_leader', help: '1 while this replica holds the scheduler leader lock', registers: [registry] });
    this.fires = new Counter({
      name: 'sluice_schedule_fires_total',
      help: 'Due schedules handled by the leader: fired (a task or a pipeline run), skipped (missed times, or a pipeline run the orchestrator refused: one active, no such pipeline), refused (a newer leader or an edit wrote first), error (tried again next tick)',
      labelNames: ['outcome'],
      registers: [registry],
    });
  }
}
