/**
 * Property: the guardrails see everything that is written. Charts of random
 * hand-added objects (good and bad, kinds the library does not build among
 * them) next to a library construct, in a GitOpsApp and in a plain App, are
 * looked at with `Guardrails.manifestsOf` / `Guardrails.check` and then
 * changed (objects added and removed, JSON patches, labels, annotations).
 * Then the synth either writes exactly the current tree, and every object
 * read back from disk passes the checks, or it writes nothing and reports
 * exactly the findings of the objects it would have written.
 */
import { ApiObject, App, Chart, JsonPatch } from 'cdk8s';
import * as fc from 'fast-check';
import * as yaml from 'js-yaml';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { StatelessWebTier } from '../src';
import { TiersError } from '../src/_errors';
import { Environment, GitOpsApp } from '../src/gitops';
import { Guardrails } from '../src/guardrails';
import { RUNS, SEED } from './arbitraries';
import { Manifest } from './util';

jest.setTimeout(10 * 60 * 1000);

/** Runs per app kind: each run writes a tree, so a tenth of the construct properties' runs (at least 20). */
const GUARDRAIL_RUNS = Math.max(20, Math.ceil(RUNS / 50));
const IMAGE = 'registry.example.com/shop/web:1.4.2';
const EXTRA = { 'app.kubernetes.io/name': 'extra', 'app.kubernetes.io/instance': 'extra' };

/** A pod that passes every policy check (its NetworkPolicy is the chart's "fence"). */
function pod(image: string, probes: boolean, bad: boolean): Manifest {
  return {
    metadata: { labels: EXTRA },
    spec: {
      automountServiceAccountToken: false,
      ...(probes ? {} : { restartPolicy: 'OnFailure' }),
      securityContext: { runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, seccompProfile: { type: 'RuntimeDefault' } },
      containers: [
        {
          name: 'app',
          image,
          imagePullPolicy: 'Always',
          securityContext: {
            allowPrivilegeEscalation: false,
            capabilities: { drop: ['ALL'] },
            readOnlyRootFilesystem: true,
            ...(bad ? { privileged: true } : {}),
          },
          resources: { requests: { cpu: '50m', memory: '64Mi', 'ephemeral-storage': '32Mi' }, limits: { memory: '128Mi', 'ephemeral-storage': '128Mi' } },
          ...(probes
            ? {
                ports: [{ name: 'http', containerPort: 8080 }],
                readinessProbe: { httpGet: { path: '/ready', port: 'http' } },
                livenessProbe: { tcpSocket: { port: 'http' } },
              }
            : {}),
        },
      ],
    },
  };
}

/** Hand-added objects by kind, good or bad; `web` is the library tier next to them. */
const KINDS: Record<string, (name: string, bad: boolean, web: StatelessWebTier) => Manifest> = {
  configMap: (name, bad) => ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name },
    data: bad ? { DB_PASSWORD: 'hunter2' } : { 'app.conf': 'level=info' },
  }),
  service: (name, bad, web) => ({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name },
    spec: { type: bad ? 'LoadBalancer' : 'ClusterIP', selector: web.podSelectorLabels, ports: [{ name: 'http', port: 80, targetPort: 'http' }] },
  }),
  role: (name, bad) => ({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'Role',
    metadata: { name },
    rules: [{ apiGroups: [''], resources: bad ? ['*'] : ['configmaps'], verbs: ['get'] }],
  }),
  clusterRole: (name, bad) => ({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: { name },
    rules: [{ apiGroups: [''], resources: bad ? ['secrets'] : ['nodes'], verbs: ['list'] }],
  }),
  serviceAccount: (name) => ({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name }, automountServiceAccountToken: false }),
  serviceMonitor: (name, bad) => ({
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'ServiceMonitor',
    metadata: { name, ...(bad ? { annotations: { 'example.com/api-token': 'tok-123456' } } : {}) },
    spec: { selector: { matchLabels: EXTRA }, endpoints: [{ port: 'http' }] },
  }),
  deployment: (name, bad) => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, labels: EXTRA },
    spec: { replicas: 1, selector: { matchLabels: EXTRA }, template: pod('registry.example.com/tools/extra:2.0.1', true, bad) },
  }),
  cronJob: (name, bad) => ({
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name, labels: EXTRA },
    spec: { schedule: '0 3 * * *', jobTemplate: { spec: { template: pod(bad ? 'busybox:latest' : 'registry.example.com/tools/backup:1.2.0', false, false) } } },
  }),
};

// bad objects and changes are rarer than good ones, so that about half the runs write
const bad = fc.oneof({ weight: 7, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) });
const object = fc.record({ kind: fc.constantFrom(...Object.keys(KINDS)), bad });
const mutation = fc.oneof(
  { weight: 3, arbitrary: fc.record({ op: fc.constant('add' as const), kind: fc.constantFrom(...Object.keys(KINDS)), bad }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constantFrom('remove', 'label-good', 'image-pinned') }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constantFrom('annotate-secret', 'label-bad', 'image-latest') }) },
);
const scenario = fc.record({
  objects: fc.array(object, { maxLength: 5 }),
  // a second chart of hand-added objects only (plain App; in a GitOpsApp a second Environment)
  second: fc.array(object, { maxLength: 3 }),
  look: fc.constantFrom('manifestsOf', 'check', 'both', 'none'),
  mutations: fc.array(fc.tuple(mutation, fc.nat()), { maxLength: 4 }),
});
type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never;

/** Adds one hand-written object; cluster-scoped ones lose the chart's namespace (a test of api/cluster-scoped of its own). */
function add(chart: Chart, web: StatelessWebTier, kind: string, bad: boolean, n: number): ApiObject {
  const o = new ApiObject(chart, `${kind.toLowerCase()}-${n}`, KINDS[kind](`${kind.toLowerCase()}-${n}`, bad, web) as never);
  if (kind === 'clusterRole') o.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
  return o;
}

/** Builds the charts, looks at them, mutates them; returns the charts whose objects are written. */
function build(s: Scenario, charts: Chart[]): void {
  const [main, second] = charts;
  const web = new StatelessWebTier(main, 'web', { image: IMAGE, replicas: 1 });
  new ApiObject(main, 'fence', {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: 'fence' },
    spec: { podSelector: { matchLabels: EXTRA }, policyTypes: ['Ingress', 'Egress'] },
  });
  let n = 0;
  const added: ApiObject[] = [];
  for (const o of s.objects) added.push(add(main, web, o.kind, o.bad, n++));
  for (const o of s.second) added.push(add(second, web, o.kind, o.bad, n++));
  for (const c of charts) {
    if (s.look === 'manifestsOf' || s.look === 'both') Guardrails.manifestsOf(c);
    if (s.look === 'check' || s.look === 'both') Guardrails.check(c);
  }
  for (const [m, pick] of s.mutations) {
    const target = added.length ? added[pick % added.length] : web.deployment;
    switch (m.op) {
      case 'add':
        added.push(add(pick % 2 ? second : main, web, m.kind, m.bad, n++));
        break;
      case 'remove':
        if (added.length) {
          const victim = added.splice(pick % added.length, 1)[0];
          victim.node.scope?.node.tryRemoveChild(victim.node.id);
        }
        break;
      case 'annotate-secret':
        target.metadata.addAnnotation('example.com/db-password', 'hunter2');
        break;
      case 'label-bad':
        target.metadata.addLabel('team', 'not ok!');
        break;
      case 'label-good':
        target.metadata.addLabel('team', 'payments');
        break;
      case 'image-latest':
        web.deployment.addJsonPatch(JsonPatch.replace('/spec/template/spec/containers/0/image', 'nginx:latest'));
        break;
      case 'image-pinned':
        web.deployment.addJsonPatch(JsonPatch.replace('/spec/template/spec/containers/0/image', 'nginx:1.27.3'));
        break;
    }
  }
}

/** A finding line without its `[where]` prefix: the construct path at synth, the object in checkManifests. */
const unplaced = (line: string) => line.replace(/^\[[^\]]*\] /, '');
const sorted = (l: readonly string[]) => [...l].sort();
const plain = (o: unknown) => JSON.parse(JSON.stringify(o)) as Manifest;
const key = (o: Manifest) => `${o.apiVersion} ${o.kind} ${o.metadata?.namespace ?? ''} ${o.metadata?.name}`;

/**
 * Synthesizes and judges: the output read back is the current tree and passes
 * every check, or nothing is written and the problems are exactly the findings
 * of what would have been written.
 */
function judge(synth: () => void, charts: Chart[], written: () => Manifest[] | undefined): 'written' | 'rejected' {
  const expected = charts.flatMap((c) => Guardrails.manifestsOf(c)).map(plain);
  let problems: string[] | undefined;
  const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
  try {
    synth();
  } catch (e) {
    if (!(e instanceof TiersError)) throw e;
    problems = e.problems;
  } finally {
    warn.mockRestore();
  }
  const findings = Guardrails.checkManifests(expected).findings.map((f) => unplaced(Guardrails.formatFinding(f)));
  if (problems) {
    expect(written()).toBeUndefined();
    expect(sorted(problems.map(unplaced))).toEqual(sorted(findings));
    return 'rejected';
  }
  expect(findings).toEqual([]);
  const output = written() ?? [];
  expect(sorted(output.map(key))).toEqual(sorted(expected.map(key)));
  const byKey = new Map(expected.map((o) => [key(o), o]));
  for (const o of output) expect(o).toEqual(byKey.get(key(o)));
  expect(Guardrails.checkManifests(output).findings).toEqual([]);
  return 'written';
}

const readYaml = (file: string) => yaml.loadAll(fs.readFileSync(file, 'utf8')).filter((d) => d !== null) as Manifest[];

describe('every object written was checked as written', () => {
  let root: string;
  beforeAll(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'guardrails-property-'));
  });
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  test(`GitOpsApp: ${GUARDRAIL_RUNS} random trees`, () => {
    const outcomes = { written: 0, rejected: 0 };
    fc.assert(
      fc.property(scenario, (s) => {
        const outdir = path.join(root, 'gitops');
        fs.rmSync(outdir, { recursive: true, force: true });
        const app = new GitOpsApp({ outdir, cliOutdir: '' });
        const charts = [new Environment(app, 'dev'), new Environment(app, 'ops')];
        build(s, charts);
        outcomes[
          judge(
            () => app.synth(),
            charts,
            () => {
              if (!fs.existsSync(outdir)) return undefined;
              return ['dev', 'ops'].flatMap((env) =>
                fs
                  .readdirSync(path.join(outdir, env))
                  .filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml')
                  .flatMap((f) => readYaml(path.join(outdir, env, f))),
              );
            },
          )
        ]++;
      }),
      { numRuns: GUARDRAIL_RUNS, seed: SEED },
    );
    expect(outcomes.written).toBeGreaterThan(GUARDRAIL_RUNS * 0.1);
    expect(outcomes.rejected).toBeGreaterThan(GUARDRAIL_RUNS * 0.1);
  });

  test(`plain App: ${GUARDRAIL_RUNS} random apps`, () => {
    const outcomes = { written: 0, rejected: 0 };
    fc.assert(
      fc.property(scenario, (s) => {
        const outdir = path.join(root, 'plain');
        fs.rmSync(outdir, { recursive: true, force: true });
        const app = new App({ outdir });
        const charts = [new Chart(app, 'shop', { namespace: 'shop' }), new Chart(app, 'ops', { namespace: 'ops' })];
        build(s, charts);
        outcomes[
          judge(
            () => app.synth(),
            charts,
            () => {
              const files = fs.existsSync(outdir) ? fs.readdirSync(outdir).filter((f) => f.endsWith('.k8s.yaml')) : [];
              return files.length ? files.flatMap((f) => readYaml(path.join(outdir, f))) : undefined;
            },
          )
        ]++;
      }),
      { numRuns: GUARDRAIL_RUNS, seed: SEED + 1 },
    );
    expect(outcomes.written).toBeGreaterThan(GUARDRAIL_RUNS * 0.1);
    expect(outcomes.rejected).toBeGreaterThan(GUARDRAIL_RUNS * 0.1);
  });
});
