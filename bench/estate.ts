/**
 * The benchmark estate and its three variants. An estate of N apps; each app
 * is a web tier with a fixed node port (30000 + i) connected to a PostgreSQL
 * database, all in one namespace "bench":
 *
 * 1. `library`: this library end to end: constructs, guardrails and the
 *    GitOps writer (one js-yaml file per object, atomic) into a folder;
 * 2. `kplus`: the same estate written by hand with cdk8s-plus-28 L2
 *    constructs and `app.synth()` (cdk8s' own writer, the `yaml` package);
 * 3. `floor`: the objects variant 1 wrote (read back beforehand) serialised
 *    with the `yaml` package as cdk8s does and written to the same files;
 * 4. `jsyaml`: the same objects serialised with the library's own serialiser
 *    (js-yaml, `toYaml` of src/gitops/_serialize.ts) and written: the floor of
 *    the serialiser the library uses.
 */
import * as fs from 'node:fs';
import { listFiles } from '../src/gitops/_writer';
import * as path from 'node:path';
import { ApiObject, App, Chart, Duration, JsonPatch, Size, YamlOutputType } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { loadAll } from 'js-yaml';
import * as YAML from 'yaml';
import { Environment, GitOpsApp } from '../src/gitops';
import { Manifest, toYaml } from '../src/gitops/_serialize';
import { DatabaseEngine, StatefulDatabase, StatelessWebTier } from '../src/index';

/** The four variants, in the order they run. */
export const VARIANTS = ['library', 'kplus', 'floor', 'jsyaml'] as const;
export type VariantId = (typeof VARIANTS)[number];

const NAMESPACE = 'bench';
const WEB_IMAGE = 'ghcr.io/acme/web:1.4.2';
const DB_VERSION = '16.4';
const DB_PORT = 5432;
const WEB_PORT = 8080;

/** Names of app `i`: `app-0042-web`, `app-0042-db`. */
export function appNames(i: number): { web: string; db: string; prefix: string } {
  const id = `app-${String(i).padStart(4, '0')}`;
  return { web: `${id}-web`, db: `${id}-db`, prefix: 'DB' };
}

// ---------------------------------------------------------------- 1. library

/** The estate as this library's constructs (nothing rendered yet). */
export function buildLibrary(apps: number, outdir: string): GitOpsApp {
  const app = new GitOpsApp({ outdir });
  const env = new Environment(app, NAMESPACE);
  for (let i = 0; i < apps; i++) {
    const n = appNames(i);
    const web = new StatelessWebTier(env, n.web, { image: WEB_IMAGE, partOf: n.web.slice(0, -4), nodePort: 30000 + i });
    const db = new StatefulDatabase(env, n.db, {
      engine: DatabaseEngine.postgres({ version: DB_VERSION }),
      partOf: n.web.slice(0, -4),
      secretName: `${n.db}-credentials`,
    });
    web.connectTo(db, { envPrefix: n.prefix });
  }
  return app;
}

/** Builds the estate with this library and writes it through the GitOps writer (guardrails run during its synth). */
export function runLibrary(apps: number, outdir: string): void {
  buildLibrary(apps, outdir).synth();
}

// ---------------------------------------------------------------- 2. cdk8s-plus

/** Builds the estate by hand with cdk8s-plus-28 and writes it with `app.synth()`, one file per object. */
export function runKplus(apps: number, outdir: string): void {
  const app = new App({ outdir, yamlOutputType: YamlOutputType.FILE_PER_RESOURCE });
  const chart = new Chart(app, NAMESPACE, { namespace: NAMESPACE });
  new kplus.Namespace(chart, 'namespace', { metadata: { name: NAMESPACE } });
  const dns = kplus.Pods.select(chart, 'kube-dns', {
    labels: { 'k8s-app': 'kube-dns' },
    namespaces: kplus.Namespaces.select(chart, 'kube-system', { names: ['kube-system'] }),
  });
  const anywhere = kplus.NetworkPolicyIpBlock.anyIpv4(chart, 'anywhere');
  const dnsPorts = [kplus.NetworkPolicyPort.udp(53), kplus.NetworkPolicyPort.tcp(53)];
  for (let i = 0; i < apps; i++) kplusApp(chart, i, dns, anywhere, dnsPorts);
  app.synth();
}

const restrictedContainer: kplus.ContainerSecurityContextProps = {
  ensureNonRoot: true,
  readOnlyRootFilesystem: true,
  privileged: false,
  allowPrivilegeEscalation: false,
  user: 10001,
  group: 10001,
  capabilities: { drop: [kplus.Capability.ALL] },
  seccompProfile: { type: kplus.SeccompProfileType.RUNTIME_DEFAULT },
};
const podSecurity: kplus.PodSecurityContextProps = { ensureNonRoot: true, user: 10001, group: 10001, fsGroup: 10001 };

function kplusApp(chart: Chart, i: number, dns: kplus.Pods, anywhere: kplus.NetworkPolicyIpBlock, dnsPorts: kplus.NetworkPolicyPort[]): void {
  const n = appNames(i);
  const partOf = n.web.slice(0, -4);
  const labels = (name: string, component: string) => ({
    'app.kubernetes.io/name': name,
    'app.kubernetes.io/instance': name,
    'app.kubernetes.io/component': component,
    'app.kubernetes.io/part-of': partOf,
    'app.kubernetes.io/managed-by': 'cdk8s-plus',
  });
  const secret = kplus.Secret.fromSecretName(chart, `${n.db}-credentials`, `${n.db}-credentials`);

  // the database: StatefulSet with its headless governing Service, a client Service, a claim per replica
  const dbLabels = labels(n.db, 'database');
  const dbTmp = kplus.Volume.fromEmptyDir(chart, `${n.db}-tmp`, 'tmp');
  const dbRun = kplus.Volume.fromEmptyDir(chart, `${n.db}-run`, 'var-run-postgresql');
  const alive = ['sh', '-c', `pg_isready --quiet --host=/var/run/postgresql --port=${DB_PORT}; test $? -le 1`];
  const headless = new kplus.Service(chart, `${n.db}-headless`, {
    metadata: { name: `${n.db}-headless`, labels: dbLabels },
    clusterIP: 'None',
    ports: [{ name: 'postgres', port: DB_PORT, targetPort: DB_PORT }],
  });
  const db = new kplus.StatefulSet(chart, n.db, {
    metadata: { name: n.db, labels: dbLabels },
    service: headless,
    replicas: 1,
    podManagementPolicy: kplus.PodManagementPolicy.ORDERED_READY,
    strategy: kplus.StatefulSetUpdateStrategy.rollingUpdate({ partition: 0 }),
    minReady: Duration.seconds(10),
    terminationGracePeriod: Duration.seconds(120),
    podMetadata: { labels: dbLabels },
    securityContext: { ...podSecurity, fsGroupChangePolicy: kplus.FsGroupChangePolicy.ON_ROOT_MISMATCH },
    automountServiceAccountToken: false,
    containers: [
      {
        name: n.db,
        image: `postgres:${DB_VERSION}`,
        ports: [{ number: DB_PORT, name: 'postgres' }],
        envVariables: {
          POSTGRES_USER: kplus.EnvValue.fromSecretValue({ secret, key: 'username' }),
          POSTGRES_PASSWORD: kplus.EnvValue.fromSecretValue({ secret, key: 'password' }),
          PGUSER: kplus.EnvValue.fromSecretValue({ secret, key: 'username' }),
          POSTGRES_DB: kplus.EnvValue.fromValue(n.db.replace(/-/g, '_')),
          PGDATA: kplus.EnvValue.fromValue('/var/lib/postgresql/data/pgdata'),
          PGPORT: kplus.EnvValue.fromValue(String(DB_PORT)),
        },
        readiness: kplus.Probe.fromCommand(['pg_isready', '--quiet', '--host=127.0.0.1', `--port=${DB_PORT}`], {
          periodSeconds: Duration.seconds(5),
          timeoutSeconds: Duration.seconds(5),
        }),
        liveness: kplus.Probe.fromCommand(alive, { periodSeconds: Duration.seconds(10), timeoutSeconds: Duration.seconds(5), failureThreshold: 6 }),
        startup: kplus.Probe.fromCommand(alive, { periodSeconds: Duration.seconds(10), timeoutSeconds: Duration.seconds(5), failureThreshold: 60 }),
        resources: {
          cpu: { request: kplus.Cpu.millis(250) },
          memory: { request: Size.mebibytes(512), limit: Size.gibibytes(1) },
          ephemeralStorage: { request: Size.gibibytes(1), limit: Size.gibibytes(1) }, // kplus: whole GiB only
        },
        securityContext: restrictedContainer,
        volumeMounts: [
          { path: '/tmp', volume: dbTmp },
          { path: '/var/run/postgresql', volume: dbRun },
        ],
      },
    ],
  });
  new kplus.Service(chart, `${n.db}-service`, {
    metadata: { name: n.db, labels: dbLabels },
    selector: db,
    ports: [{ name: 'postgres', port: DB_PORT, targetPort: DB_PORT }],
  });
  // cdk8s-plus has no volumeClaimTemplates: the claim per replica through its escape hatch
  ApiObject.of(db).addJsonPatch(
    JsonPatch.add('/spec/volumeClaimTemplates', [
      {
        metadata: { name: 'data', labels: dbLabels },
        spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '10Gi' } } },
      },
    ]),
  );
  ApiObject.of(db).addJsonPatch(JsonPatch.add('/spec/template/spec/containers/0/volumeMounts/-', { name: 'data', mountPath: '/var/lib/postgresql/data' }));
  ApiObject.of(db).addJsonPatch(JsonPatch.add('/spec/persistentVolumeClaimRetentionPolicy', { whenDeleted: 'Retain', whenScaled: 'Retain' }));

  // the web tier: Deployment behind a NodePort Service, connected to the database through env
  const webTmp = kplus.Volume.fromEmptyDir(chart, `${n.web}-tmp`, 'tmp');
  const web = new kplus.Deployment(chart, n.web, {
    metadata: { name: n.web, labels: labels(n.web, 'web') },
    replicas: 2,
    podMetadata: { labels: labels(n.web, 'web') },
    strategy: kplus.DeploymentStrategy.rollingUpdate({ maxSurge: kplus.PercentOrAbsolute.percent(25), maxUnavailable: kplus.PercentOrAbsolute.absolute(0) }),
    minReady: Duration.seconds(5),
    progressDeadline: Duration.seconds(600),
    terminationGracePeriod: Duration.seconds(30),
    spread: true, // preferred anti-affinity by host; kplus has no topologySpreadConstraints
    securityContext: podSecurity,
    automountServiceAccountToken: false,
    containers: [
      {
        name: n.web,
        image: WEB_IMAGE,
        ports: [{ number: WEB_PORT, name: 'http' }],
        envVariables: {
          DB_HOST: kplus.EnvValue.fromValue(`${n.db}.${NAMESPACE}.svc.cluster.local`),
          DB_PORT: kplus.EnvValue.fromValue(String(DB_PORT)),
          DB_USER: kplus.EnvValue.fromSecretValue({ secret, key: 'username' }),
          DB_PASSWORD: kplus.EnvValue.fromSecretValue({ secret, key: 'password' }),
          DB_NAME: kplus.EnvValue.fromValue(n.db.replace(/-/g, '_')),
        },
        readiness: kplus.Probe.fromHttpGet('/', { port: WEB_PORT, periodSeconds: Duration.seconds(5), timeoutSeconds: Duration.seconds(2) }),
        liveness: kplus.Probe.fromTcpSocket({
          port: WEB_PORT,
          initialDelaySeconds: Duration.seconds(10),
          periodSeconds: Duration.seconds(10),
          timeoutSeconds: Duration.seconds(2),
        }),
        resources: {
          cpu: { request: kplus.Cpu.millis(100) },
          memory: { request: Size.mebibytes(128), limit: Size.mebibytes(256) },
          ephemeralStorage: { request: Size.gibibytes(1), limit: Size.gibibytes(1) }, // kplus: whole GiB only
        },
        securityContext: restrictedContainer,
        volumeMounts: [{ path: '/tmp', volume: webTmp }],
      },
    ],
  });
  web.exposeViaService({
    name: n.web,
    serviceType: kplus.ServiceType.NODE_PORT,
    ports: [{ name: 'http', port: 80, targetPort: WEB_PORT, nodePort: 30000 + i }],
  });

  // one NetworkPolicy a tier: ingress only to its port, egress only to DNS and to what it uses
  const webPolicy = new kplus.NetworkPolicy(chart, `${n.web}-policy`, { metadata: { name: n.web, labels: labels(n.web, 'web') }, selector: web });
  webPolicy.addIngressRule(anywhere, [kplus.NetworkPolicyPort.tcp(WEB_PORT)]);
  webPolicy.addEgressRule(dns, dnsPorts);
  webPolicy.addEgressRule(db, [kplus.NetworkPolicyPort.tcp(DB_PORT)]);
  const dbPolicy = new kplus.NetworkPolicy(chart, `${n.db}-policy`, { metadata: { name: n.db, labels: labels(n.db, 'database') }, selector: db });
  dbPolicy.addIngressRule(web, [kplus.NetworkPolicyPort.tcp(DB_PORT)]);
  dbPolicy.addEgressRule(dns, dnsPorts);
}

// ---------------------------------------------------------------- 3. floor

/** One file of the floor: its YAML documents, or its text (README.md). */
interface FloorFile {
  readonly path: string;
  readonly docs?: unknown[];
  readonly text?: string;
}

/** Output of variant 1, read back: the input of the floor. */
export interface FloorData {
  readonly files: FloorFile[];
}

/** Runs variant 1 into `outdir` and saves what it wrote as the floor's input (JSON). */
export function prepareFloor(apps: number, outdir: string, dataFile: string): void {
  runLibrary(apps, outdir);
  const files: FloorFile[] = listFiles(outdir).map((rel) => {
    const text = fs.readFileSync(path.join(outdir, rel), 'utf8');
    return rel.endsWith('.yaml') ? { path: rel, docs: loadAll(text) } : { path: rel, text };
  });
  fs.writeFileSync(dataFile, JSON.stringify({ files } satisfies FloorData));
}

/** Reads the floor's input. */
export function readFloor(dataFile: string): FloorData {
  return JSON.parse(fs.readFileSync(dataFile, 'utf8')) as FloorData;
}

/** cdk8s' `Yaml.stringify`: the `yaml` package, YAML 1.1, one document each, joined with `---`. */
function stringify(docs: unknown[]): string {
  return docs.map((d) => YAML.stringify(d, { keepUndefined: true, lineWidth: 0, version: '1.1' })).join('---\n');
}

/** The library's serialiser: js-yaml with the library's schema and options, one document each. */
function stringifyJsYaml(docs: unknown[]): string {
  return docs.map((d) => toYaml(d as Manifest)).join('---\n');
}

/** Writes the floor's objects to the same files variant 1 wrote, with `yaml` (variant 3) or js-yaml (variant 4). */
export function runFloor(data: FloorData, outdir: string, serialiser: 'yaml' | 'js-yaml' = 'yaml'): void {
  const serialise = serialiser === 'yaml' ? stringify : stringifyJsYaml;
  const made = new Set<string>();
  for (const f of data.files) {
    const file = path.join(outdir, f.path);
    const dir = path.dirname(file);
    if (!made.has(dir)) {
      fs.mkdirSync(dir, { recursive: true });
      made.add(dir);
    }
    fs.writeFileSync(file, f.docs ? serialise(f.docs) : f.text!);
  }
}

// ---------------------------------------------------------------- counting (outside the clock)

/** What a variant wrote, counted from its files. */
export interface Written {
  /** YAML documents other than kustomizations. */
  readonly objects: number;
  readonly files: number;
  readonly bytes: number;
  /** Objects by kind. */
  readonly kinds: { [kind: string]: number };
  /** Leaf values (scalars and empty collections) of all objects: how much each variant says. */
  readonly keys: number;
  /** Files that hold no object: kustomization.yaml, README.md. */
  readonly otherFiles: { [name: string]: number };
}

/** Leaf values inside `v`. */
function leaves(v: unknown): number {
  if (Array.isArray(v)) return v.length ? v.reduce((n: number, x) => n + leaves(x), 0) : 1;
  if (typeof v === 'object' && v !== null) {
    const values = Object.values(v);
    return values.length ? values.reduce((n: number, x) => n + leaves(x), 0) : 1;
  }
  return 1;
}

/** Files, bytes, objects by kind and their leaf values below `outdir` (read back with js-yaml, outside the clock). */
export function countObjects(outdir: string): Written {
  const kinds: { [kind: string]: number } = {};
  const otherFiles: { [name: string]: number } = {};
  let objects = 0;
  let bytes = 0;
  let keys = 0;
  const files = listFiles(outdir);
  for (const rel of files) {
    const text = fs.readFileSync(path.join(outdir, rel), 'utf8');
    bytes += Buffer.byteLength(text);
    const base = path.basename(rel);
    if (!rel.endsWith('.yaml') || base === 'kustomization.yaml') {
      otherFiles[base] = (otherFiles[base] ?? 0) + 1;
      continue;
    }
    for (const doc of loadAll(text)) {
      const kind = (doc as { kind?: unknown } | null)?.kind;
      if (typeof kind !== 'string') continue;
      objects++;
      kinds[kind] = (kinds[kind] ?? 0) + 1;
      keys += leaves(doc);
    }
  }
  return { objects, files: files.length, bytes, kinds, keys, otherFiles };
}
