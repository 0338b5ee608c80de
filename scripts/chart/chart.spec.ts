import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';
import { policyViolations, type K8sObject, type Workload } from './chart-policy';

// The Helm chart, proven by rendering it (no cluster here): helm lint, every object against the
// Kubernetes API schemas, the deployment policy, the values schema, the secrets rules, and k8s/.
const ROOT = resolve(__dirname, '../..');
const CHART = join(ROOT, 'helm/sluice');
const TEST_VALUES = join(__dirname, 'test-values.yaml');
const PRODUCTION_VALUES = join(CHART, 'values-production.example.yaml');
const K8S_VALUES = join(CHART, 'values-k8s.yaml');
const SERVICES = ['cache', 'data-quality', 'gateway', 'ingest', 'orchestrator', 'scheduler', 'scraper', 'transform'];

let helmBin = '';
let scratch = '';
let fileCount = 0;

interface HelmRun {
  status: number;
  stdout: string;
  stderr: string;
}

function helm(args: string[]): HelmRun {
  const run = spawnSync(helmBin, args, { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { status: run.status ?? -1, stdout: run.stdout, stderr: run.stderr };
}

/** -f arguments for value files and inline value objects (written to the scratch folder). */
function valueArgs(values: (string | object)[]): string[] {
  return values.flatMap((v) => {
    if (typeof v === 'string') return ['-f', v];
    const file = join(scratch, `values-${++fileCount}.yaml`);
    writeFileSync(file, stringify(v));
    return ['-f', file];
  });
}

function renderText(values: (string | object)[], release = 'sluice'): string {
  const run = helm(['template', release, CHART, ...valueArgs(values)]);
  if (run.status !== 0) throw new Error(`helm template failed:\n${run.stderr}`);
  return run.stdout;
}

function parse(text: string): K8sObject[] {
  return parseAllDocuments(text)
    .map((doc) => doc.toJS() as K8sObject | null)
    .filter((obj): obj is K8sObject => obj !== null && obj !== undefined);
}

function render(values: (string | object)[], release?: string): K8sObject[] {
  return parse(renderText(values, release));
}

/** stderr of a render that must fail. */
function renderFailure(values: (string | object)[]): string {
  const run = helm(['template', 'sluice', CHART, ...valueArgs(values)]);
  expect(run.status).not.toBe(0);
  return run.stderr;
}

function schemaValidation(text: string): { checked: number; kinds: Record<string, number>; errors: { kind: string; name: string; message: string }[] } {
  const run = spawnSync(process.execPath, [join(__dirname, 'validate-manifests.mjs')], { cwd: ROOT, input: text, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return JSON.parse(run.stdout) as ReturnType<typeof schemaValidation>;
}

const byKind = <T extends K8sObject>(objects: K8sObject[], kind: string) => objects.filter((o): o is T => o.kind === kind);
const named = <T extends K8sObject>(objects: K8sObject[], kind: string, name: string) => {
  const found = byKind<T>(objects, kind).find((o) => o.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name}`);
  return found;
};

beforeAll(() => {
  helmBin = execFileSync('bash', [join(__dirname, 'helm.sh')], { cwd: ROOT, encoding: 'utf8' }).trim();
  scratch = mkdtempSync(join(tmpdir(), 'sluice-chart-'));
});

afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

describe('helm chart', () => {
  jest.setTimeout(60_000);

  describe('lint and render', () => {
    it.each([
      ['the test secrets', TEST_VALUES],
      ['the example production values', PRODUCTION_VALUES],
      ['the k8s/ values (in-cluster servers)', K8S_VALUES],
    ])('passes helm lint --strict with %s', (_label, file) => {
      const run = helm(['lint', '--strict', CHART, '-f', file]);
      expect(run.stderr + run.stdout).toMatch(/1 chart\(s\) linted, 0 chart\(s\) failed/);
      expect(run.status).toBe(0);
    });

    it('renders one Deployment, Service, ServiceAccount, ConfigMap, HPA, PDB and NetworkPolicy per service from the defaults', () => {
      const objects = render([TEST_VALUES]);
      for (const kind of ['Deployment', 'Service', 'ServiceAccount', 'HorizontalPodAutoscaler', 'PodDisruptionBudget']) {
        expect(byKind(objects, kind).map((o) => o.metadata.name).sort()).toEqual(SERVICES.map((s) => `sluice-${s}`));
      }
      expect(byKind(objects, 'NetworkPolicy').map((o) => o.metadata.name)).toEqual(expect.arrayContaining([...SERVICES.map((s) => `sluice-${s}`), 'sluice-default-deny']));
      expect(byKind(objects, 'StatefulSet')).toEqual([]);
      expect(byKind(objects, 'Ingress')).toEqual([]);
    });
  });

  describe('Kubernetes API schemas (kubernetes-models)', () => {
    const everything = {
      ingress: { enabled: true, className: 'nginx', hosts: [{ host: 'sluice.example.org', paths: [{ path: '/', pathType: 'Prefix' }] }], tls: [{ secretName: 'sluice-tls', hosts: ['sluice.example.org'] }] },
      metrics: { serviceMonitor: { enabled: true, labels: { release: 'prometheus' } } },
      postgresql: { enabled: true, auth: { password: 'Xk9vQ2mL7pR4tY8wZ1cB6nH3jF5gD0sAeUo' } },
      redis: { enabled: true, auth: { password: 'Mn4bV7cX1zL8kJ5hG2fD9sA6qW3eR0tYuIo' } },
      nats: { enabled: true },
      jaeger: { enabled: true },
      services: { scheduler: { autoscaling: { enabled: false }, replicaCount: 3, podDisruptionBudget: { minAvailable: 1 } } },
      scraper: { contactUrl: 'https://example.org/crawler', fetchAllowlist: ['10.20.0.0/16', 'fd00:20::/32'] },
      ingest: { httpAllowlist: ['192.168.7.0/24'], files: { existingClaim: 'sluice-files', subPath: 'tenants' } },
    };

    it.each([
      ['defaults with test secrets', [TEST_VALUES]],
      ['example production values', [PRODUCTION_VALUES]],
      ['k8s/ values', [K8S_VALUES]],
      ['every optional part switched on', [TEST_VALUES, everything]],
    ])('accepts every object rendered from %s', (_label, values) => {
      const result = schemaValidation(renderText(values));
      expect(result.errors).toEqual([]);
      expect(result.checked).toBeGreaterThan(60);
    });

    it('validates for real: a wrong type and a missing field are reported', () => {
      const [deployment] = byKind<Workload>(render([TEST_VALUES]), 'Deployment');
      const broken = { ...deployment, spec: { ...deployment.spec, replicas: 'three' } };
      delete (broken.spec.template.spec.containers[0] as { name?: string }).name;
      const result = schemaValidation(stringify(broken));
      expect(result.errors).toHaveLength(1);
      expect(result.errors[0].message).toMatch(/replicas must be integer/);
      expect(result.errors[0].message).toMatch(/required property name/);
    });
  });

  describe('deployment policy', () => {
    it.each([
      ['defaults with test secrets', [TEST_VALUES]],
      ['example production values', [PRODUCTION_VALUES]],
      ['k8s/ values', [K8S_VALUES]],
    ])('holds for %s: probes, resources, non-root read-only containers, labels, pinned images, PDB and NetworkPolicy per service', (_label, values) => {
      expect(policyViolations(render(values), SERVICES)).toEqual([]);
    });

    it('reports a Deployment without a readiness probe, a root container and an unpinned image', () => {
      const objects = render([TEST_VALUES]);
      const scraper = named<Workload>(objects, 'Deployment', 'sluice-scraper');
      const container = scraper.spec.template.spec.containers[0];
      delete container.readinessProbe;
      container.securityContext = { ...container.securityContext, readOnlyRootFilesystem: false };
      container.image = 'sluice/scraper:latest';
      const violations = policyViolations(objects, SERVICES);
      expect(violations).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/sluice-scraper.*readinessProbe/),
          expect.stringMatching(/sluice-scraper.*readOnlyRootFilesystem/),
          expect.stringMatching(/sluice-scraper.*latest/),
        ]),
      );
    });

    it('reports a service without PodDisruptionBudget or NetworkPolicy', () => {
      const objects = render([TEST_VALUES]).filter((o) => !(o.metadata.name === 'sluice-cache' && (o.kind === 'PodDisruptionBudget' || o.kind === 'NetworkPolicy')));
      expect(policyViolations(objects, SERVICES)).toEqual(
        expect.arrayContaining([expect.stringMatching(/cache.*PodDisruptionBudget/), expect.stringMatching(/cache.*NetworkPolicy/)]),
      );
    });

    it('gives the gateway the address of every gRPC service, and that address is a Service port', () => {
      const objects = render([TEST_VALUES], 'prod');
      const config = named<K8sObject>(objects, 'ConfigMap', 'prod-sluice-gateway').data ?? {};
      const grpcServices = SERVICES.filter((s) => s !== 'gateway');
      for (const service of grpcServices) {
        const variable = `${service.toUpperCase().replace(/-/g, '_')}_GRPC_ADDR`;
        const [host, port] = (config[variable] ?? '').split(':');
        const target = named<K8sObject>(objects, 'Service', host);
        expect(target.spec?.ports?.find((p) => p.name === 'grpc')?.port).toBe(Number(port));
      }
      expect(config).toMatchObject({ HTTP_HOST: '0.0.0.0', HTTP_PORT: '8080', NODE_ENV: 'production' });
      expect(named<K8sObject>(objects, 'ConfigMap', 'prod-sluice-scheduler').data).toMatchObject({ GRPC_HOST: '0.0.0.0', GRPC_PORT: '50051' });
    });

    it('lets only its callers reach a service gRPC port, and denies everything else by default', () => {
      const objects = render([TEST_VALUES]);
      const deny = named<K8sObject>(objects, 'NetworkPolicy', 'sluice-default-deny');
      expect(deny.spec).toEqual({ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'sluice', 'app.kubernetes.io/instance': 'sluice' } }, policyTypes: ['Ingress', 'Egress'] });
      const scheduler = named<K8sObject>(objects, 'NetworkPolicy', 'sluice-scheduler');
      const grpcRule = scheduler.spec?.ingress?.find((r) => r.ports?.some((p) => p.port === 'grpc'));
      expect(grpcRule?.from).toEqual([{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'sluice', 'app.kubernetes.io/instance': 'sluice', 'app.kubernetes.io/component': 'gateway' } } }]);
      const gatewayEgress = named<K8sObject>(objects, 'NetworkPolicy', 'sluice-gateway').spec?.egress ?? [];
      for (const [service, port] of [['scheduler', 50051], ['transform', 50057]] as const) {
        expect(gatewayEgress).toContainEqual(expect.objectContaining({ ports: [{ port, protocol: 'TCP' }], to: [{ podSelector: { matchLabels: expect.objectContaining({ 'app.kubernetes.io/component': service }) } }] }));
      }
      // Only the scraper fetches user URLs: public addresses, private ranges excluded.
      const internet = (name: string) => (named<K8sObject>(objects, 'NetworkPolicy', name).spec?.egress ?? []).filter((r) => r.to?.some((peer) => peer.ipBlock?.cidr === '0.0.0.0/0'));
      expect(internet('sluice-scraper')).toHaveLength(1);
      expect(internet('sluice-scraper')[0].to?.[0].ipBlock?.except).toEqual(expect.arrayContaining(['10.0.0.0/8', '169.254.0.0/16']));
      expect(internet('sluice-scheduler')).toEqual([]);
    });

    it('wires the in-cluster servers by name, with passwords from their Secret, and opens them to their clients only', () => {
      const objects = render([K8S_VALUES]);
      const ingest = named<Workload>(objects, 'Deployment', 'sluice-ingest').spec.template.spec.containers[0];
      const env = Object.fromEntries((ingest.env ?? []).map((e) => [e.name, e]));
      expect(env.DATABASE_URL.value).toBe('postgresql://sluice:$(SLUICE_POSTGRES_PASSWORD)@sluice-postgresql:5432/sluice');
      expect(env.SLUICE_POSTGRES_PASSWORD.valueFrom?.secretKeyRef).toEqual({ name: 'sluice-secrets', key: 'POSTGRES_PASSWORD' });
      expect(env.NATS_URL.value).toBe('nats://sluice-nats:4222');
      // ingest has no Redis and no gateway keys
      expect(env.REDIS_URL).toBeUndefined();
      expect(env.SLUICE_JWT_KEYS).toBeUndefined();
      // $(VAR) expansion only sees variables defined earlier in the list
      const names = (ingest.env ?? []).map((e) => e.name);
      expect(names.indexOf('SLUICE_POSTGRES_PASSWORD')).toBeLessThan(names.indexOf('DATABASE_URL'));
      const redisPolicy = named<K8sObject>(objects, 'NetworkPolicy', 'sluice-redis');
      const allowed = redisPolicy.spec?.ingress?.[0].from?.[0].podSelector?.matchExpressions?.[0].values;
      expect(allowed).toEqual(['cache', 'gateway', 'orchestrator', 'scheduler', 'scraper']);
      expect(named<K8sObject>(objects, 'ConfigMap', 'sluice-scheduler').data?.OTEL_EXPORTER_OTLP_ENDPOINT).toBe('http://sluice-jaeger:4318');
    });

    it('runs migrations as a hook: before install with an external database, after install with the in-cluster one', () => {
      const job = (objects: K8sObject[]) => named<Workload>(objects, 'Job', 'sluice-migrate');
      const external = job(render([TEST_VALUES]));
      expect(external.metadata.annotations).toMatchObject({ 'helm.sh/hook': 'pre-install,pre-upgrade', 'helm.sh/hook-delete-policy': 'before-hook-creation,hook-succeeded' });
      expect(external.spec.template.spec.containers[0].command).toEqual(['node', 'node_modules/prisma/build/index.js', 'migrate', 'deploy']);
      expect(job(render([K8S_VALUES])).metadata.annotations?.['helm.sh/hook']).toBe('post-install,pre-upgrade');
    });

    it('publishes the Grafana dashboard (helm/sluice/dashboards/sluice.json) as a ConfigMap the Grafana sidecar finds', () => {
      const map = named<K8sObject>(render([TEST_VALUES]), 'ConfigMap', 'sluice-dashboard');
      expect(map.metadata.labels?.grafana_dashboard).toBe('1');
      const dashboard = JSON.parse(map.data?.['sluice.json'] ?? '') as { uid: string; panels: { title: string; targets?: { expr: string }[] }[] };
      const exprs = dashboard.panels.flatMap((p) => p.targets ?? []).map((t) => t.expr).join('\n');
      for (const metric of [
        'http_server_requests_total',
        'grpc_server_handled_total',
        'jetstream_consumer_pending',
        'sluice_messaging_published_total',
        'sluice_messaging_handled_total',
        'sluice_messaging_redeliveries_total',
        'sluice_messaging_dead_letters_total',
        'sluice_messaging_handler_duration_seconds',
        'process_cpu_seconds_total',
        'process_resident_memory_bytes',
        'nodejs_eventloop_lag_seconds',
        'sluice_lock_',
        'sluice_ratelimit_',
        'sluice_circuit_breaker_',
      ]) {
        expect(exprs).toContain(metric);
      }
    });
  });

  describe('service-to-service calls and per-service settings', () => {
    const selector = (component: string, release = 'sluice') => ({ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'sluice', 'app.kubernetes.io/instance': release, 'app.kubernetes.io/component': component } } });
    const grpcIngress = (objects: K8sObject[], name: string) => named<K8sObject>(objects, 'NetworkPolicy', name).spec?.ingress?.find((r) => r.ports?.some((p) => p.port === 'grpc'));
    /** Egress rules of a policy that lead to Sluice pods (gRPC calls), as "component:port". */
    const callsOut = (objects: K8sObject[], name: string) =>
      (named<K8sObject>(objects, 'NetworkPolicy', name).spec?.egress ?? [])
        .filter((r) => r.to?.some((peer) => peer.podSelector?.matchLabels?.['app.kubernetes.io/name'] === 'sluice'))
        .flatMap((r) => (r.to ?? []).map((peer) => `${peer.podSelector?.matchLabels?.['app.kubernetes.io/component']}:${r.ports?.map((p) => p.port).join(',')}`));
    const grpcAddresses = (objects: K8sObject[], name: string) =>
      Object.fromEntries(Object.entries(named<K8sObject>(objects, 'ConfigMap', name).data ?? {}).filter(([key]) => key.endsWith('_GRPC_ADDR')));

    it('starts node with the service\'s own options before its script: the ingest worker\'s small young generation', () => {
      const command = (objects: K8sObject[], name: string) => named<Workload>(objects, 'Deployment', name).spec.template.spec.containers[0].command;
      const objects = render([TEST_VALUES]);
      expect(command(objects, 'sluice-ingest')).toEqual(['node', '--max-semi-space-size=16', 'apps/ingest/dist/main.js']);
      expect(command(objects, 'sluice-transform')).toEqual(['node', 'apps/transform/dist/main.js']);
      expect(command(render([TEST_VALUES, { services: { transform: { nodeOptions: ['--max-old-space-size=300', '--trace-gc'] } } }]), 'sluice-transform')).toEqual([
        'node',
        '--max-old-space-size=300',
        '--trace-gc',
        'apps/transform/dist/main.js',
      ]);
    });

    it('gives the ingest worker the scraper Service gRPC address and the scheduler the orchestrator one, and lets exactly those calls through', () => {
      const objects = render([TEST_VALUES], 'prod');
      expect(grpcAddresses(objects, 'prod-sluice-ingest')).toEqual({ SCRAPER_GRPC_ADDR: 'prod-sluice-scraper:50052' });
      expect(grpcAddresses(objects, 'prod-sluice-scheduler')).toEqual({ ORCHESTRATOR_GRPC_ADDR: 'prod-sluice-orchestrator:50054' });
      for (const [service, port] of [['scraper', 50052], ['orchestrator', 50054]] as const) {
        expect(named<K8sObject>(objects, 'Service', `prod-sluice-${service}`).spec?.ports?.find((p) => p.name === 'grpc')?.port).toBe(port);
      }

      expect(callsOut(objects, 'prod-sluice-ingest')).toEqual(['scraper:50052']);
      expect(callsOut(objects, 'prod-sluice-scheduler')).toEqual(['orchestrator:50054']);
      expect(grpcIngress(objects, 'prod-sluice-scraper')?.from).toEqual([selector('gateway', 'prod'), selector('ingest', 'prod')]);
      expect(grpcIngress(objects, 'prod-sluice-orchestrator')?.from).toEqual([selector('gateway', 'prod'), selector('scheduler', 'prod')]);
      for (const service of SERVICES.filter((s) => !['gateway', 'scraper', 'orchestrator'].includes(s))) {
        expect(grpcIngress(objects, `prod-sluice-${service}`)?.from).toEqual([selector('gateway', 'prod')]);
      }
      // the other services call nobody
      for (const service of ['cache', 'data-quality', 'orchestrator', 'scraper', 'transform']) {
        expect(grpcAddresses(objects, `prod-sluice-${service}`)).toEqual({});
        expect(callsOut(objects, `prod-sluice-${service}`)).toEqual([]);
      }
      // and the gateway calls every gRPC service, as before
      expect(callsOut(objects, 'prod-sluice-gateway')).toEqual(['cache:50053', 'data-quality:50056', 'ingest:50055', 'orchestrator:50054', 'scheduler:50051', 'scraper:50052', 'transform:50057']);
      expect(Object.keys(grpcAddresses(objects, 'prod-sluice-gateway'))).toHaveLength(7);
    });

    it('follows the calls lists: a new call opens both ends, a removed one closes the callee gRPC port', () => {
      const text = renderText([TEST_VALUES, { services: { gateway: { calls: ['scheduler', 'transform'] }, orchestrator: { calls: ['transform'] }, ingest: { calls: [] } } }]);
      const objects = parse(text);
      expect(grpcAddresses(objects, 'sluice-orchestrator')).toEqual({ TRANSFORM_GRPC_ADDR: 'sluice-transform:50057' });
      expect(callsOut(objects, 'sluice-orchestrator')).toEqual(['transform:50057']);
      expect(grpcIngress(objects, 'sluice-transform')?.from).toEqual([selector('gateway'), selector('orchestrator')]);
      expect(grpcAddresses(objects, 'sluice-gateway')).toEqual({ SCHEDULER_GRPC_ADDR: 'sluice-scheduler:50051', TRANSFORM_GRPC_ADDR: 'sluice-transform:50057' });
      expect(grpcAddresses(objects, 'sluice-ingest')).toEqual({});
      expect(callsOut(objects, 'sluice-ingest')).toEqual([]);
      // nobody calls the cache or the scraper any more: no gRPC ingress at all
      expect(grpcIngress(objects, 'sluice-cache')).toBeUndefined();
      expect(grpcIngress(objects, 'sluice-scraper')).toBeUndefined();
      expect(schemaValidation(text).errors).toEqual([]);
    });

    it('refuses a call the template cannot wire (a service calling itself) and variables the chart owns given as env', () => {
      expect(renderFailure([TEST_VALUES, { services: { ingest: { calls: ['ingest'] } } }])).toContain('services.ingest.calls: a service does not call itself');
      expect(renderFailure([TEST_VALUES, { services: { ingest: { env: { SCRAPER_GRPC_ADDR: 'elsewhere:50052' } } } }])).toContain('services.ingest.env.SCRAPER_GRPC_ADDR');
      expect(renderFailure([TEST_VALUES, { services: { scraper: { env: { SCRAPER_FETCH_ALLOWLIST: '10.0.0.0/8' } } } }])).toContain('set scraper.fetchAllowlist instead');
      expect(renderFailure([TEST_VALUES, { config: { extraEnv: { SCRAPER_CONTACT_URL: 'https://example.org/' } } }])).toContain('config.extraEnv.SCRAPER_CONTACT_URL: set scraper.contactUrl instead');
    });

    it('renders the scraper contact URL, and the fetch allowlist for both the scraper and the gateway, opened in the scraper NetworkPolicy', () => {
      const defaults = render([TEST_VALUES]);
      expect(named<K8sObject>(defaults, 'ConfigMap', 'sluice-scraper').data).not.toHaveProperty('SCRAPER_CONTACT_URL');
      expect(named<K8sObject>(defaults, 'ConfigMap', 'sluice-gateway').data).not.toHaveProperty('SCRAPER_FETCH_ALLOWLIST');

      const objects = render([TEST_VALUES, { scraper: { contactUrl: 'https://example.org/crawler', fetchAllowlist: ['10.20.0.0/16', 'fd00:20::/32'] } }]);
      const scraper = named<K8sObject>(objects, 'ConfigMap', 'sluice-scraper').data;
      expect(scraper).toMatchObject({ SCRAPER_CONTACT_URL: 'https://example.org/crawler', SCRAPER_FETCH_ALLOWLIST: '10.20.0.0/16,fd00:20::/32' });
      expect(named<K8sObject>(objects, 'ConfigMap', 'sluice-gateway').data?.SCRAPER_FETCH_ALLOWLIST).toBe('10.20.0.0/16,fd00:20::/32');
      expect(named<K8sObject>(objects, 'ConfigMap', 'sluice-ingest').data).not.toHaveProperty('SCRAPER_FETCH_ALLOWLIST');
      const allowed = (name: string) => (named<K8sObject>(objects, 'NetworkPolicy', name).spec?.egress ?? []).filter((r) => r.to?.some((peer) => peer.ipBlock?.cidr === '10.20.0.0/16'));
      expect(allowed('sluice-scraper')).toEqual([{ ports: [{ port: 80, protocol: 'TCP' }, { port: 443, protocol: 'TCP' }], to: [{ ipBlock: { cidr: '10.20.0.0/16' } }, { ipBlock: { cidr: 'fd00:20::/32' } }] }]);
      // the gateway only checks crawl targets against the list: it gets no egress to them
      expect(allowed('sluice-gateway')).toEqual([]);
    });

    it('lets the ingest worker fetch http sources: public web ports, and the private ranges of its own allowlist', () => {
      const objects = render([TEST_VALUES, { ingest: { httpAllowlist: ['192.168.7.0/24'] } }]);
      const egress = named<K8sObject>(objects, 'NetworkPolicy', 'sluice-ingest').spec?.egress ?? [];
      expect(egress.filter((r) => r.to?.some((peer) => peer.ipBlock?.cidr === '0.0.0.0/0'))).toHaveLength(1);
      expect(egress).toContainEqual({ ports: [{ port: 80, protocol: 'TCP' }, { port: 443, protocol: 'TCP' }], to: [{ ipBlock: { cidr: '192.168.7.0/24' } }] });
      expect(named<K8sObject>(objects, 'ConfigMap', 'sluice-ingest').data?.SLUICE_INGEST_HTTP_ALLOWLIST).toBe('192.168.7.0/24');
    });

    it('mounts the file-source volume read-only into the ingest pods only, and points SLUICE_INGEST_FILE_ROOT at it', () => {
      const ingestPod = (objects: K8sObject[]) => named<Workload>(objects, 'Deployment', 'sluice-ingest').spec.template.spec;
      const without = render([TEST_VALUES]);
      expect(ingestPod(without).volumes?.map((v) => v.name)).toEqual(['tmp']);
      expect(named<K8sObject>(without, 'ConfigMap', 'sluice-ingest').data).not.toHaveProperty('SLUICE_INGEST_FILE_ROOT');

      const objects = render([TEST_VALUES, { ingest: { files: { existingClaim: 'pipeline-files', subPath: 'sluice' } } }]);
      const pod = ingestPod(objects);
      const container = pod.containers[0];
      expect(container.volumeMounts).toContainEqual({ name: 'ingest-files', mountPath: '/data/ingest', readOnly: true, subPath: 'sluice' });
      expect(pod.volumes).toContainEqual({ name: 'ingest-files', persistentVolumeClaim: { claimName: 'pipeline-files', readOnly: true } });
      expect(container.securityContext?.readOnlyRootFilesystem).toBe(true);
      expect(named<K8sObject>(objects, 'ConfigMap', 'sluice-ingest').data?.SLUICE_INGEST_FILE_ROOT).toBe('/data/ingest');
      for (const other of SERVICES.filter((s) => s !== 'ingest')) {
        expect(named<Workload>(objects, 'Deployment', `sluice-${other}`).spec.template.spec.volumes?.map((v) => v.name)).toEqual(['tmp']);
      }
      expect(policyViolations(objects, SERVICES)).toEqual([]);
    });

    it('warns in the install notes while the crawler has no contact URL', () => {
      const notes = (values: (string | object)[]) => {
        const run = helm(['install', 'sluice', CHART, '--dry-run=client', ...valueArgs(values)]);
        if (run.status !== 0) throw new Error(`helm install --dry-run failed:\n${run.stderr}`);
        return run.stdout.slice(run.stdout.indexOf('NOTES:'));
      };
      expect(notes([TEST_VALUES])).toContain('WARNING: scraper.contactUrl is empty');
      expect(notes([TEST_VALUES, { scraper: { contactUrl: 'https://example.org/crawler' } }])).not.toContain('scraper.contactUrl is empty');
    });
  });

  describe('values schema', () => {
    it.each([
      ['a replica count that is not a number', { defaults: { replicaCount: 'three' } }, /replicaCount.*want integer/],
      ['a service replica count that is not a number', { services: { scheduler: { replicaCount: 'three' } } }, /replicaCount.*want integer/],
      ['an unknown top-level key', { replicas: 3 }, /additional properties 'replicas' not allowed/],
      ['an unknown service', { services: { crawler: { httpPort: 9000 } } }, /additional properties 'crawler' not allowed/],
      ['the image tag latest', { image: { tag: 'latest' } }, /image\/tag/],
      ['a dependency image tag latest', { postgresql: { image: { tag: 'latest' } } }, /postgresql\/image\/tag/],
      ['a short internal token', { secrets: { internalToken: 'too-short' } }, /secrets\/internalToken/],
      ['a JWT key without kid', { secrets: { jwtKeys: 'Nq7Xc2Vb9Mz4Lk1Jh6Gf3Ds8Ap5Ow0IeUyTr' } }, /secrets\/jwtKeys/],
      ['a log level that does not exist', { config: { logLevel: 'verbose' } }, /config\/logLevel/],
      ['a writable root filesystem', { securityContext: { readOnlyRootFilesystem: false } }, /securityContext\/readOnlyRootFilesystem/],
      ['a dependency the services do not know', { services: { cache: { dependencies: ['mysql'] } } }, /dependencies\/0/],
      ['a call to a service that does not exist', { services: { ingest: { calls: ['scraper', 'crawler'] } } }, /services\/ingest\/calls\/1/],
      ['a call to the gateway, which serves no gRPC', { services: { scheduler: { calls: ['gateway'] } } }, /services\/scheduler\/calls\/0/],
      ['the same call twice', { services: { ingest: { calls: ['scraper', 'scraper'] } } }, /services\/ingest\/calls/],
      ['a contact URL that is not http(s)', { scraper: { contactUrl: 'mailto:crawler@example.org' } }, /scraper\/contactUrl/],
      ['an allowlist entry that is not a CIDR', { scraper: { fetchAllowlist: ['10.0.0.1'] } }, /scraper\/fetchAllowlist\/0/],
      ['a file volume folder leaving the claim', { ingest: { files: { existingClaim: 'files', subPath: '../other' } } }, /ingest\/files\/subPath/],
    ])('refuses %s', (_label, values, message) => {
      expect(renderFailure([TEST_VALUES, values])).toMatch(message);
    });
  });

  describe('secrets', () => {
    it('fails without secrets, naming every missing value and never inventing one', () => {
      const stderr = renderFailure([]);
      for (const key of ['internalToken', 'jwtKeys', 'apiKeyPepper', 'databaseUrl', 'redisUrl', 'natsUrl']) {
        expect(stderr).toContain(`secrets.${key} is required`);
      }
      expect(stderr).toMatch(/existingSecret/);
    });

    it('names the one secret that is missing', () => {
      const stderr = renderFailure([TEST_VALUES, { secrets: { apiKeyPepper: '' } }]);
      expect(stderr).toContain('secrets.apiKeyPepper is required');
      expect(stderr).not.toContain('secrets.internalToken is required');
    });

    it('requires the in-cluster database password when the chart installs PostgreSQL', () => {
      expect(renderFailure([TEST_VALUES, { postgresql: { enabled: true } }])).toContain('postgresql.auth.password is required');
      expect(renderFailure([TEST_VALUES, { redis: { enabled: true } }])).toContain('redis.auth.password is required');
    });

    it('uses an existing Secret instead of creating one, for the services and the migrations', () => {
      const objects = render([{ secrets: { existingSecret: 'sluice-prod' } }]);
      expect(byKind(objects, 'Secret')).toEqual([]);
      const refs = byKind<Workload>(objects, 'Deployment')
        .concat(byKind<Workload>(objects, 'Job'))
        .flatMap((d) => d.spec.template.spec.containers.flatMap((c) => c.env ?? []))
        .map((e) => e.valueFrom?.secretKeyRef?.name)
        .filter(Boolean);
      expect(new Set(refs)).toEqual(new Set(['sluice-prod']));
    });

    it('gives each service only the secrets it uses', () => {
      const objects = render([TEST_VALUES]);
      const keys = (name: string) => named<Workload>(objects, 'Deployment', `sluice-${name}`).spec.template.spec.containers[0].env?.map((e) => e.name).sort();
      expect(keys('gateway')).toEqual(['DATABASE_URL', 'NATS_URL', 'REDIS_URL', 'SLUICE_API_KEY_PEPPER', 'SLUICE_INTERNAL_TOKEN', 'SLUICE_JWT_KEYS']);
      expect(keys('cache')).toEqual(['NATS_URL', 'REDIS_URL', 'SLUICE_INTERNAL_TOKEN']);
      expect(keys('transform')).toEqual(['DATABASE_URL', 'NATS_URL', 'SLUICE_INTERNAL_TOKEN']);
    });

    it('renders the same output twice (nothing random is generated)', () => {
      expect(renderText([TEST_VALUES])).toBe(renderText([TEST_VALUES]));
    });
  });

  describe('k8s/', () => {
    it('matches a fresh render of the chart with values-k8s.yaml', () => {
      const committed = readFileSync(join(ROOT, 'k8s/sluice.yaml'), 'utf8');
      const body = committed.split('\n').filter((line, i) => !(i < 2 && line.startsWith('#'))).join('\n');
      expect(body).toBe(renderText([K8S_VALUES]));
    });
  });
});
