// The rules every rendered Sluice manifest must follow, as one function the chart tests run on
// each render: it returns a sentence per violation, naming the object.

type Labels = Record<string, string>;

export interface SecurityContext {
  runAsNonRoot?: boolean;
  runAsUser?: number;
  readOnlyRootFilesystem?: boolean;
  allowPrivilegeEscalation?: boolean;
  privileged?: boolean;
  capabilities?: { drop?: string[]; add?: string[] };
  seccompProfile?: { type: string };
}

export interface Probe {
  httpGet?: { path: string; port: string | number };
  exec?: { command: string[] };
}

export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string }; fieldRef?: { fieldPath: string } };
}

export interface Container {
  name: string;
  image: string;
  command?: string[];
  ports?: { name?: string; containerPort: number }[];
  env?: EnvVar[];
  startupProbe?: Probe;
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  resources?: { requests?: Record<string, string | number>; limits?: Record<string, string | number> };
  securityContext?: SecurityContext;
  volumeMounts?: { name: string; mountPath: string }[];
}

export interface PodSpec {
  containers: Container[];
  securityContext?: SecurityContext;
  automountServiceAccountToken?: boolean;
  serviceAccountName?: string;
  volumes?: { name: string; emptyDir?: object }[];
}

interface Peer {
  podSelector?: { matchLabels?: Labels; matchExpressions?: { key: string; operator: string; values: string[] }[] };
  namespaceSelector?: { matchLabels?: Labels };
  ipBlock?: { cidr: string; except?: string[] };
}

interface PolicyRule {
  ports?: { port: string | number; protocol?: string }[];
  from?: Peer[];
  to?: Peer[];
}

/** The parts of a rendered object the checks read; everything else passes through untyped. */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Labels; annotations?: Labels };
  data?: Record<string, string>;
  automountServiceAccountToken?: boolean;
  spec?: {
    selector?: Labels | { matchLabels?: Labels };
    podSelector?: { matchLabels?: Labels };
    ports?: { name: string; port: number; targetPort?: string | number }[];
    ingress?: PolicyRule[];
    egress?: PolicyRule[];
    scaleTargetRef?: { kind: string; name: string };
  };
}

export interface Workload extends K8sObject {
  spec: K8sObject['spec'] & {
    replicas?: number | string;
    template: { metadata: { labels?: Labels; annotations?: Labels }; spec: PodSpec };
  };
}

export const STANDARD_LABELS = [
  'app.kubernetes.io/name',
  'app.kubernetes.io/instance',
  'app.kubernetes.io/version',
  'app.kubernetes.io/component',
  'app.kubernetes.io/part-of',
  'app.kubernetes.io/managed-by',
  'helm.sh/chart',
] as const;

const COMPONENT = 'app.kubernetes.io/component';
const WORKLOAD_KINDS = new Set(['Deployment', 'StatefulSet', 'Job']);
const SERVICE_PROBES = { startupProbe: '/health/startup', livenessProbe: '/health/live', readinessProbe: '/health/ready' } as const;

const id = (o: K8sObject) => `${o.kind} ${o.metadata.name}`;
const componentOf = (o: K8sObject) => o.metadata.labels?.[COMPONENT];

/** A tag after the last path segment's colon (a registry port does not count), never "latest". */
function imageProblem(image: string): string | undefined {
  const lastSegment = image.split('/').pop() ?? '';
  const at = lastSegment.indexOf('@');
  if (at >= 0) return undefined;
  const colon = lastSegment.indexOf(':');
  if (colon < 0) return `image ${image} has no tag`;
  const tag = lastSegment.slice(colon + 1);
  if (!tag) return `image ${image} has an empty tag`;
  if (tag.toLowerCase() === 'latest') return `image ${image} uses latest`;
  return undefined;
}

function labelProblems(where: string, labels: Labels | undefined): string[] {
  return STANDARD_LABELS.filter((l) => !labels?.[l]).map((l) => `${where} lacks label ${l}`);
}

function containerProblems(workload: Workload, container: Container): string[] {
  const where = `${id(workload)} container ${container.name}`;
  const pod = workload.spec.template.spec;
  const problems: string[] = [];
  const imageIssue = imageProblem(container.image);
  if (imageIssue) problems.push(`${where}: ${imageIssue}`);
  for (const side of ['requests', 'limits'] as const) {
    for (const resource of ['cpu', 'memory']) {
      if (container.resources?.[side]?.[resource] === undefined) problems.push(`${where} has no resources.${side}.${resource}`);
    }
  }
  const sc = container.securityContext ?? {};
  if (sc.readOnlyRootFilesystem !== true) problems.push(`${where} lacks readOnlyRootFilesystem`);
  if (sc.allowPrivilegeEscalation !== false) problems.push(`${where} allows privilege escalation`);
  if (sc.privileged === true) problems.push(`${where} is privileged`);
  if (!sc.capabilities?.drop?.includes('ALL')) problems.push(`${where} does not drop ALL capabilities`);
  if ((sc.capabilities?.add ?? []).length > 0) problems.push(`${where} adds capabilities`);
  if ((sc.runAsNonRoot ?? pod.securityContext?.runAsNonRoot) !== true) problems.push(`${where} may run as root (runAsNonRoot)`);
  const uid = sc.runAsUser ?? pod.securityContext?.runAsUser;
  if (uid === undefined || uid === 0) problems.push(`${where} has no non-root runAsUser`);
  if ((sc.seccompProfile ?? pod.securityContext?.seccompProfile)?.type !== 'RuntimeDefault') problems.push(`${where} has no RuntimeDefault seccomp profile`);
  if (workload.kind !== 'Job') {
    for (const probe of ['startupProbe', 'livenessProbe', 'readinessProbe'] as const) {
      if (!container[probe]) problems.push(`${where} has no ${probe}`);
    }
  }
  return problems;
}

function workloadProblems(workload: Workload): string[] {
  const pod = workload.spec.template.spec;
  const problems = labelProblems(`${id(workload)} pod template`, workload.spec.template.metadata.labels);
  if (pod.automountServiceAccountToken !== false) problems.push(`${id(workload)} mounts a service account token`);
  for (const container of pod.containers) problems.push(...containerProblems(workload, container));
  return problems;
}

function selects(selector: Labels | undefined, component: string): boolean {
  return selector?.[COMPONENT] === component;
}

/** What each of the Sluice services must have around its Deployment. */
function serviceProblems(objects: K8sObject[], service: string): string[] {
  const ofComponent = (kind: string) => objects.filter((o) => o.kind === kind && componentOf(o) === service);
  const [deployment] = ofComponent('Deployment') as Workload[];
  if (!deployment) return [`service ${service} has no Deployment`];
  const problems: string[] = [];
  const pod = deployment.spec.template.spec;
  const container = pod.containers[0];
  const portOf = (name: string) => container.ports?.find((p) => p.name === name)?.containerPort;
  const httpPort = portOf('http');
  if (httpPort === undefined) problems.push(`${id(deployment)} has no named http port`);
  for (const [probe, path] of Object.entries(SERVICE_PROBES) as [keyof typeof SERVICE_PROBES, string][]) {
    const get = container[probe]?.httpGet;
    if (get?.path !== path || (get.port !== 'http' && get.port !== httpPort)) problems.push(`${id(deployment)} ${probe} is not GET ${path} on the http port`);
  }
  if (container.securityContext?.runAsUser !== 10001) problems.push(`${id(deployment)} does not run as uid 10001`);
  const tmp = container.volumeMounts?.find((m) => m.mountPath === '/tmp');
  if (!tmp || !pod.volumes?.some((v) => v.name === tmp.name && v.emptyDir)) problems.push(`${id(deployment)} has no emptyDir at /tmp`);
  const command = container.command ?? [];
  // node, its own options (--...), then the service's script
  if (command[0] !== 'node' || command.at(-1) !== `apps/${service}/dist/main.js` || !command.slice(1, -1).every((arg) => arg.startsWith('--'))) {
    problems.push(`${id(deployment)} does not start apps/${service}/dist/main.js`);
  }

  const [svc] = ofComponent('Service');
  if (!svc) problems.push(`service ${service} has no Service`);
  for (const name of ['http', 'grpc']) {
    const containerPort = portOf(name);
    if (containerPort === undefined || !svc) continue;
    const exposed = svc.spec?.ports?.find((p) => p.name === name);
    if (!exposed || exposed.port !== containerPort || (exposed.targetPort !== name && exposed.targetPort !== containerPort)) {
      problems.push(`Service ${svc.metadata.name} does not expose the ${name} port ${containerPort}`);
    }
  }
  if (!ofComponent('PodDisruptionBudget').some((p) => selects((p.spec?.selector as { matchLabels?: Labels } | undefined)?.matchLabels, service))) {
    problems.push(`service ${service} has no PodDisruptionBudget`);
  }
  if (!ofComponent('NetworkPolicy').some((p) => selects(p.spec?.podSelector?.matchLabels, service))) problems.push(`service ${service} has no NetworkPolicy`);
  const account = objects.find((o) => o.kind === 'ServiceAccount' && o.metadata.name === pod.serviceAccountName);
  if (!account) problems.push(`${id(deployment)} uses no ServiceAccount of the chart`);
  else if (account.automountServiceAccountToken !== false) problems.push(`ServiceAccount ${account.metadata.name} mounts its token`);
  for (const hpa of ofComponent('HorizontalPodAutoscaler')) {
    if (hpa.spec?.scaleTargetRef?.name !== deployment.metadata.name) problems.push(`${id(hpa)} does not scale ${deployment.metadata.name}`);
  }
  return problems;
}

/** Every violation of the deployment policy in a render, one sentence each; [] when it holds. */
export function policyViolations(objects: K8sObject[], services: readonly string[]): string[] {
  const problems: string[] = [];
  for (const o of objects) {
    problems.push(...labelProblems(id(o), o.metadata.labels));
    if (WORKLOAD_KINDS.has(o.kind)) problems.push(...workloadProblems(o as Workload));
  }
  for (const service of services) problems.push(...serviceProblems(objects, service));
  return problems;
}
