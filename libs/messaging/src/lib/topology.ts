import { InvalidTopologyError } from './messaging-errors';

export type StreamRetention = 'workqueue' | 'limits' | 'interest';

/** One JetStream stream as the platform wants it. */
export interface StreamSpec {
  readonly name: string;
  readonly subjects: readonly string[];
  readonly retention: StreamRetention;
  /** 0 = unlimited */
  readonly maxAgeMs: number;
  /** -1 = unlimited */
  readonly maxBytes: number;
  /** Window in which a repeated `Nats-Msg-Id` is not stored again. */
  readonly duplicateWindowMs: number;
  readonly replicas: number;
}

/** The streams of one Sluice installation (or of one test, through its namespace). */
export interface Topology {
  /** undefined in production; `t<random>` in a test */
  readonly namespace?: string;
  readonly jobs: StreamSpec;
  readonly events: StreamSpec;
  readonly deadLetters: StreamSpec;
  readonly streams: readonly StreamSpec[];
  /** Logical subject (`jobs.scrape`) → the subject in this namespace (`t1a2b.jobs.scrape`). */
  subject(logical: string): string;
  /** `jobs.scrape` (or `t1a2b.jobs.scrape`) → `dlq.jobs.scrape` (or `t1a2b.dlq.jobs.scrape`). */
  deadLetterSubject(originalSubject: string): string;
}

export interface TopologyLimits {
  readonly jobsDuplicateWindowMs: number;
  readonly eventsMaxAgeMs: number;
  readonly eventsMaxBytes: number;
  readonly deadLettersMaxAgeMs: number;
  readonly deadLettersMaxBytes: number;
  readonly replicas: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;
const GIB = 1024 * 1024 * 1024;

export const DEFAULT_TOPOLOGY_LIMITS: TopologyLimits = {
  jobsDuplicateWindowMs: 10 * 60 * 1000,
  eventsMaxAgeMs: 7 * DAY_MS,
  eventsMaxBytes: GIB,
  deadLettersMaxAgeMs: 30 * DAY_MS,
  deadLettersMaxBytes: GIB,
  replicas: 1,
};

// Same rule as SLUICE_NATS_NAMESPACE in @sluice/config: it becomes a subject token and a stream-name prefix.
const NAMESPACE = /^[a-z][a-z0-9]{0,15}$/;

/**
 * The platform's streams: JOBS (work queue, `jobs.>`), EVENTS (limits, bounded age and size,
 * `events.>`) and DEAD_LETTERS (limits, `dlq.>`). With a namespace `ns`, streams are `NS_JOBS`... and
 * subjects `ns.jobs.>`..., so a test (or a second installation) shares a server without collisions.
 */
export function productionTopology(namespace?: string, limits: Partial<TopologyLimits> = {}): Topology {
  if (namespace !== undefined && !NAMESPACE.test(namespace)) {
    throw new InvalidTopologyError(`namespace "${namespace}" must be 1-16 lowercase letters or digits, starting with a letter`);
  }
  const l = { ...DEFAULT_TOPOLOGY_LIMITS, ...limits };
  const prefix = namespace ? `${namespace}.` : '';
  const streamName = (base: string) => (namespace ? `${namespace.toUpperCase()}_${base}` : base);
  const spec = (base: string, token: string, rest: Omit<StreamSpec, 'name' | 'subjects' | 'replicas'>): StreamSpec => ({
    name: streamName(base),
    subjects: [`${prefix}${token}.>`],
    replicas: l.replicas,
    ...rest,
  });

  const jobs = spec('JOBS', 'jobs', { retention: 'workqueue', maxAgeMs: 0, maxBytes: -1, duplicateWindowMs: l.jobsDuplicateWindowMs });
  const events = spec('EVENTS', 'events', { retention: 'limits', maxAgeMs: l.eventsMaxAgeMs, maxBytes: l.eventsMaxBytes, duplicateWindowMs: 2 * 60 * 1000 });
  const deadLetters = spec('DEAD_LETTERS', 'dlq', {
    retention: 'limits',
    maxAgeMs: l.deadLettersMaxAgeMs,
    maxBytes: l.deadLettersMaxBytes,
    duplicateWindowMs: 2 * 60 * 1000,
  });

  const subject = (logical: string) => `${prefix}${logical}`;
  return {
    namespace,
    jobs,
    events,
    deadLetters,
    streams: [jobs, events, deadLetters],
    subject,
    deadLetterSubject: (original) => subject(`dlq.${original.startsWith(prefix) ? original.slice(prefix.length) : original}`),
  };
}
