// @ts-check
// Follows the events the scraper publishes for tasks (a plain NATS subscription beside the
// JetStream stream, so it costs the services nothing) and resolves when a task has ended.
'use strict';

const ENDINGS = new Set(['succeeded', 'failed', 'cancelled']);

/**
 * @typedef {{ type: string, at: string, error?: string }} TaskEvent
 * @typedef {{ startedAt?: number, ended?: TaskEvent, waiters: ((e: TaskEvent) => void)[] }} TaskTrack
 */
class TaskEventWatcher {
  /** @param {import('@nats-io/transport-node').NatsConnection} nc @param {{ subject(s: string): string }} topology */
  constructor(nc, topology) {
    /** @type {Map<string, TaskTrack>} */
    this.tasks = new Map();
    this.subscription = nc.subscribe(topology.subject('events.task.>'), {
      callback: (error, msg) => {
        if (error) return;
        const event = /** @type {TaskEvent & { taskId: string }} */ (msg.json());
        const track = this.track(event.taskId);
        if (event.type === 'started') track.startedAt ??= Date.parse(event.at);
        if (ENDINGS.has(event.type) && !track.ended) {
          track.ended = event;
          for (const wake of track.waiters.splice(0)) wake(event);
        }
      },
    });
  }

  /** @param {string} taskId @returns {TaskTrack} */
  track(taskId) {
    let track = this.tasks.get(taskId);
    if (!track) this.tasks.set(taskId, (track = { waiters: [] }));
    return track;
  }

  /**
   * The task's `started` time (the scraper's clock, ms) and its final event.
   * @param {string} taskId @param {number} timeoutMs
   * @returns {Promise<{ startedAt?: number, ended: TaskEvent }>}
   */
  async untilEnded(taskId, timeoutMs) {
    const track = this.track(taskId);
    /** @type {NodeJS.Timeout | undefined} */
    let timer;
    try {
      const ended =
        track.ended ??
        (await new Promise((resolve, reject) => {
          track.waiters.push(resolve);
          timer = setTimeout(() => reject(new Error(`task ${taskId} did not end within ${timeoutMs} ms`)), timeoutMs);
        }));
      return { startedAt: track.startedAt, ended };
    } finally {
      clearTimeout(timer);
      this.tasks.delete(taskId);
    }
  }

  close() {
    this.subscription.unsubscribe();
  }
}

module.exports = { TaskEventWatcher };
