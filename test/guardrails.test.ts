import { ApiObject, App, Chart, JsonPatch, Testing } from 'cdk8s';
import { Construct } from 'constructs';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Probe, ServiceType, StatelessWebTier } from '../src';
import { assertNoProblems, TiersError } from '../src/_errors';
import { Guardrails, GuardrailArea, GuardrailFinding } from '../src/guardrails';
import { SchemaValidator } from '../src/guardrails/schema';
import { appProblems, chart, find, Manifest } from './util';

const IMAGE = 'registry.example.com/shop/web:1.4.2';
const WAIVE = Guardrails.WAIVER_ANNOTATION;

/** Everything cdk8s reports when it synthesizes `c` (fails the test when synth succeeds). */
function synthError(c: Chart): string {
  try {
    Testing.synth(c);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('synth succeeded');
}

/** A Deployment written by hand that breaks a selector, a label and most of the policy. */
function legacyDeployment(scope: Construct, annotations?: Record<string, string>): ApiObject {
  return new ApiObject(scope, 'legacy', {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'legacy', labels: { team: 'not ok!' }, ...(annotations ? { annotations } : {}) },
    spec: {
      selector: { matchLabels: { app: 'legacy' } },
      template: { metadata: { labels: { app: 'old' } }, spec: { containers: [{ name: 'app', image: 'nginx' }] } },
    },
  });
}

const ids = (findings: readonly GuardrailFinding[]) => [...new Set(findings.map((f) => f.checkId))].sort();

describe("the library's own output", () => {
  test.each<[string, (c: Chart) => void]>([
    ['defaults', (c) => new StatelessWebTier(c, 'web', { image: IMAGE })],
    ['one replica', (c) => new StatelessWebTier(c, 'web', { image: IMAGE, replicas: 1 })],
    [
      'autoscaling, config files, writable paths and a sidecar',
      (c) =>
        new StatelessWebTier(c, 'web', {
          image: IMAGE,
          autoscaling: { maxReplicas: 5 },
          configFiles: { 'a.conf': 'x' },
          writablePaths: ['/var/cache'],
          sidecars: [{ name: 'metrics', image: 'registry.example.com/tools/exporter:0.9.1', port: 9113, readiness: Probe.httpGet('/metrics') }],
        }),
    ],
    [
      'the example app: a NodePort front connected to a ClusterIP api',
      (c) => {
        const api = new StatelessWebTier(c, 'api', {
          image: 'ghcr.io/stefanprodan/podinfo:6.7.1',
          serviceType: ServiceType.CLUSTER_IP,
          port: 9898,
          readiness: Probe.httpGet('/readyz'),
          liveness: Probe.httpGet('/healthz', { initialDelaySeconds: 5 }),
          autoscaling: { maxReplicas: 6 },
        });
        const front = new StatelessWebTier(c, 'front', { image: 'nginxinc/nginx-unprivileged:1.27.3-alpine', nodePort: 30080, replicas: 3 });
        front.connectTo(api);
      },
    ],
  ])('%s: zero findings, zero waivers', (_, build) => {
    const c = chart('shop');
    build(c);
    expect(Guardrails.check(c)).toEqual({ findings: [], waivers: [] });
    expect(() => Testing.synth(c)).not.toThrow();
  });
});

describe('at synth', () => {
  test('a chart with a bad object fails synth, listing every finding with its construct path', () => {
    const c = chart();
    new StatelessWebTier(c, 'web', { image: IMAGE });
    legacyDeployment(c);
    const expected = Guardrails.check(c).findings;
    expect(ids(expected)).toEqual(
      expect.arrayContaining(['api/labels', 'api/selector', 'policy/image-pinned', 'policy/network-policy', 'policy/read-only-root-filesystem']),
    );
    expect(expected.every((f) => f.constructPath === 'test/legacy')).toBe(true);

    const message = synthError(c);
    for (const f of expected) expect(message).toContain(Guardrails.formatFinding(f));
    expect(message).toMatch(/\[test\/legacy\] api\/selector: Deployment legacy: spec\.selector does not match the pod template labels\. Fix: /);
    expect(message).not.toMatch(/\[test\/web/);
    expect(message).not.toMatch(/undefined|NaN|TypeError/);
  });

  test("findings come together with the constructs' own problems, in one TiersError", () => {
    const c = chart();
    new StatelessWebTier(c, 'web', { image: IMAGE, replicas: -1 });
    legacyDeployment(c);
    let error: unknown;
    try {
      assertNoProblems(c.node.root);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TiersError);
    const problems = (error as TiersError).problems;
    expect(problems).toContain(
      '[test/web] replicas: got -1; must be a whole number >= 0. Fix: set replicas to a whole number >= 0, or leave it out for the default',
    );
    expect(problems).toEqual(expect.arrayContaining([expect.stringMatching(/^\[test\/legacy\] api\/selector: /)]));
    // the output of a construct with wrong props is judged once its props are right: no echo of the same mistake
    expect(problems.filter((p) => p.startsWith('[test/web/'))).toEqual([]);
  });

  test('objects added by hand after a first synth are checked at the next one', () => {
    const c = chart();
    new StatelessWebTier(c, 'web', { image: IMAGE });
    expect(appProblems(c)).toEqual([]);
    legacyDeployment(c);
    expect(appProblems(c)).toEqual(expect.arrayContaining([expect.stringMatching(/^\[test\/legacy\] api\/selector: /)]));
  });

  test('an app without a construct of the library is not checked, unless enabled; then every chart of it is', () => {
    const app = Testing.app();
    const plain = new Chart(app, 'plain');
    legacyDeployment(plain);
    expect(() => app.synth()).not.toThrow();
    Guardrails.enable(plain);
    expect(() => app.synth()).toThrow(/\[plain\/legacy\] api\/selector: /);
  });

  test('an app that holds a construct of the library checks every chart, also charts without one', () => {
    const app = Testing.app();
    new StatelessWebTier(new Chart(app, 'tiers', { namespace: 'shop' }), 'web', { image: IMAGE });
    legacyDeployment(new Chart(app, 'plain', { namespace: 'shop' }));
    expect(() => app.synth()).toThrow(/\[plain\/legacy\] api\/selector: /);
  });

  test("plain app.synth() throws the library's TiersError with every problem of the app, not cdk8s's generic error", () => {
    const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'guardrails-')) });
    const c = new Chart(app, 'c', { namespace: 'shop' });
    new StatelessWebTier(c, 'web', { image: IMAGE, replicas: -1 });
    legacyDeployment(c);
    let error: unknown;
    try {
      app.synth();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TiersError);
    const message = (error as Error).message;
    expect(message).not.toMatch(/Validation failed/);
    expect((error as Error).stack).not.toMatch(/src\/guardrails|node_modules\/(constructs|cdk8s)\//);
    expect(message).toMatch(/^cdk8s-tiers found \d+ problems:\n {2}\[c\/web\] replicas: got -1; /);
    expect((error as TiersError).problems).toEqual(
      expect.arrayContaining([expect.stringMatching(/^\[c\/web\] replicas: got -1; /), expect.stringMatching(/^\[c\/legacy\] api\/selector: /)]),
    );
    expect(fs.readdirSync(app.outdir)).toEqual([]);
  });

  test('objects of other charts are context: a Service may select the pods of a Deployment in another chart', () => {
    const app = Testing.app();
    const tiers = new Chart(app, 'tiers');
    const other = new Chart(app, 'other');
    const web = new StatelessWebTier(tiers, 'web', { image: IMAGE });
    new ApiObject(other, 'extra', {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web-extra' },
      spec: { selector: web.podSelectorLabels, ports: [{ name: 'http', port: 8080, targetPort: 'http' }] },
    });
    Guardrails.enable(other);
    expect(() => app.synth()).not.toThrow();
  });

  test('node ports clashing across charts are reported on each Service', () => {
    const app = Testing.app();
    const a = new Chart(app, 'a');
    new StatelessWebTier(a, 'one', { image: IMAGE });
    new ApiObject(a, 'svc', {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'x' },
      spec: { type: 'NodePort', selector: { 'app.kubernetes.io/name': 'one' }, ports: [{ port: 80, targetPort: 'http', nodePort: 30555 }] },
    });
    const b = new Chart(app, 'b');
    Guardrails.enable(b);
    new ApiObject(b, 'svc', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'y' }, spec: { type: 'NodePort', ports: [{ port: 80, nodePort: 30555 }] } });
    expect(() => app.synth()).toThrow(
      /\[a\/svc\] api\/node-port: Service x: nodePort 30555 is also used by Service y[\s\S]*\[b\/svc\] api\/node-port: Service y: nodePort 30555 is also used by Service x/,
    );
  });

  test('app.synth() and app.synthYaml() validate the app once and again per chart: one pass renders the tree and runs the checks, once per call', () => {
    const app = Testing.app();
    const charts = ['a', 'b', 'c'].map((id) => new Chart(app, id, { namespace: id }));
    const tiers = charts.map((c) => new StatelessWebTier(c, 'web', { image: IMAGE, nodePort: 30000 + c.node.id.charCodeAt(0) }));
    const objects = app.node.findAll().filter((x) => x instanceof ApiObject).length;
    const render = jest.spyOn(ApiObject.prototype, 'toJson');
    const checks = jest.spyOn(SchemaValidator.get(), 'validate');
    try {
      app.synth();
      // cdk8s validates 1 + 3 times; the first renders every object for the pass, and cdk8s renders each once more to write it
      expect(render).toHaveBeenCalledTimes((1 + 1) * objects);
      expect(checks).toHaveBeenCalledTimes(objects);
      render.mockClear();
      checks.mockClear();
      // a change after a synth is judged by the next one
      tiers[1].deployment.metadata.addLabel('team', 'not ok!');
      expect(() => app.synthYaml()).toThrow(/\[b\/web\/deployment\] api\/labels: /);
      expect(render).toHaveBeenCalledTimes(objects);
      expect(checks).toHaveBeenCalledTimes(objects);
      render.mockClear();
      // outside a synth, every validation renders the tree as it is then
      expect(() => Testing.synth(charts[0])).toThrow(/\[b\/web\/deployment\] api\/labels: /);
      expect(render).toHaveBeenCalledTimes(objects);
    } finally {
      render.mockRestore();
      checks.mockRestore();
    }
  });

  test('an App subclass with its own synth() that calls the App one: one pass, and a failure is reported from where the app is synthesized', () => {
    let synths = 0;
    class MyApp extends App {
      public synth(): void {
        synths++;
        super.synth();
      }
    }
    const app = new MyApp({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'guardrails-')) });
    for (const id of ['a', 'b']) new StatelessWebTier(new Chart(app, id, { namespace: id }), 'web', { image: IMAGE });
    const render = jest.spyOn(ApiObject.prototype, 'toJson');
    const objects = app.node.findAll().filter((x) => x instanceof ApiObject).length;
    try {
      app.synth();
      expect(synths).toBe(1);
      expect(render).toHaveBeenCalledTimes((1 + 1) * objects);
    } finally {
      render.mockRestore();
    }
    new StatelessWebTier(app.node.findChild('a') as Chart, 'bad', { image: 'nginx' });
    let thrown: unknown;
    try {
      app.synth();
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(TiersError);
    expect((thrown as Error).message).toMatch(/\[a\/bad\] image: got "nginx"; must be pinned/);
    expect(
      String((thrown as Error).stack)
        .split('\n')
        .slice(1, 3)
        .join('\n'),
    ).not.toMatch(/synth\.ts|cdk8s\/lib|constructs\/lib/);
  });
});

test('an object that cannot be rendered is a finding at synth, with the reason', () => {
  const c = chart();
  new StatelessWebTier(c, 'web', { image: IMAGE });
  const legacy = legacyDeployment(c);
  legacy.addJsonPatch(JsonPatch.remove('/spec/strategy/rollingUpdate'));
  expect(synthError(c)).toMatch(
    /\[test\/legacy\] schema\/renders: Deployment legacy: cannot be rendered: .*Fix: correct the JSON patch or value named in the message/,
  );
  expect(Guardrails.check(c).findings.map((f) => f.checkId)).toContain('schema/renders');
});

describe('for writers', () => {
  test('manifestsOf and problemsOf report the findings of synth, by object', () => {
    const c = chart('shop');
    new StatelessWebTier(c, 'web', { image: IMAGE });
    legacyDeployment(c);
    const atSynth = appProblems(c);
    const problems = Guardrails.problemsOf(Guardrails.manifestsOf(c));
    // the same findings; without construct paths, each names its object
    expect(problems).toEqual(atSynth.map((l) => l.replace('[test/legacy]', '[Deployment shop/legacy]')));
  });

  test('manifestsOf, manifestOf and problemsOf see every change made after them', () => {
    const c = chart('shop');
    const tier = new StatelessWebTier(c, 'web', { image: IMAGE });
    expect(Guardrails.problemsOf(Guardrails.manifestsOf(c))).toEqual([]);
    expect(Guardrails.manifestOf(tier.deployment)).toEqual(tier.deployment.toJson());
    tier.deployment.addJsonPatch(JsonPatch.replace('/spec/template/spec/containers/0/image', 'nginx:latest'));
    tier.deployment.metadata.addLabel('team', 'not ok!');
    expect(Guardrails.manifestOf(tier.deployment).spec).toMatchObject({ template: { spec: { containers: [{ image: 'nginx:latest' }] } } });
    const after = Guardrails.problemsOf(Guardrails.manifestsOf(c));
    expect(after).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^\[Deployment shop\/web\] policy\/image-pinned: /),
        expect.stringMatching(/^\[Deployment shop\/web\] api\/labels: /),
      ]),
    );
    legacyDeployment(c);
    expect(Guardrails.manifestsOf(c).map((o) => (o.metadata as Manifest).name)).toContain('legacy');
  });

  test('check and assert see every change made after them and after a synth', () => {
    const c = chart('shop');
    const tier = new StatelessWebTier(c, 'web', { image: IMAGE });
    expect(Guardrails.check(c).findings).toEqual([]);
    Testing.synth(c);
    tier.deployment.addJsonPatch(JsonPatch.replace('/spec/template/spec/containers/0/imagePullPolicy', 'IfNotPresent'));
    expect(Guardrails.check(c).findings.map((f) => `${f.constructPath} ${f.checkId}`)).toEqual(['test/web/deployment policy/image-pull-policy']);
    expect(() => Guardrails.assert(c)).toThrow(/\[test\/web\/deployment\] policy\/image-pull-policy: /);
    expect(() => Testing.synth(c)).toThrow(/\[test\/web\/deployment\] policy\/image-pull-policy: /);
  });

  test('repeated synths see changes in between: a fixed object passes, a new one is judged', () => {
    const c = chart('shop');
    new StatelessWebTier(c, 'web', { image: IMAGE });
    const legacy = legacyDeployment(c);
    expect(() => Testing.synth(c)).toThrow(/\[test\/legacy\] api\/selector: /);
    c.node.tryRemoveChild(legacy.node.id);
    expect(() => Testing.synth(c)).not.toThrow();
    const svc = new ApiObject(c, 'svc', {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'lb' },
      spec: { type: 'NodePort', ports: [{ port: 80, nodePort: 40000 }] },
    });
    expect(() => Testing.synth(c)).toThrow(/\[test\/svc\] api\/node-port: Service shop\/lb: nodePort 40000 is outside/);
    svc.addJsonPatch(JsonPatch.remove('/spec/ports/0/nodePort'));
    expect(() => Testing.synth(c)).not.toThrow();
  });

  test("a validation of the user's may ask for the manifests during synth", () => {
    const c = chart();
    new StatelessWebTier(c, 'web', { image: IMAGE });
    const audit = new Construct(c, 'audit');
    audit.node.addValidation({
      validate: () =>
        Guardrails.manifestsOf(c)
          .filter((o) => o.kind === 'Service')
          .map(() => 'found a Service'),
    });
    expect(synthError(c)).toMatch(/\[test\/audit\] found a Service/);
  });

  test('manifestsOf keeps the order and content of chart.toJson()', () => {
    const c = chart('shop');
    new StatelessWebTier(c, 'web', { image: IMAGE });
    expect(Guardrails.manifestsOf(c)).toEqual(Testing.synth(c));
  });

  test('problemsOf checks objects that did not come from a synth, naming them by kind and name', () => {
    const objects: Manifest[] = [{ apiVersion: 'v1', kind: 'Service', metadata: { name: 'Bad' }, spec: { ports: [{ port: 80 }] } }];
    expect(Guardrails.problemsOf(objects)).toEqual([
      '[Service Bad] api/name: Service Bad: metadata.name "Bad" is not a DNS-1035 label. Fix: rename the object: lower-case letters, digits and "-" (Services start with a letter)',
    ]);
  });

  test('assert throws one TiersError with every finding; check returns them', () => {
    const c = chart();
    legacyDeployment(c);
    expect(() => Guardrails.assert(c)).toThrow(TiersError);
    expect(() => Guardrails.assert(c)).toThrow(/\[test\/legacy\] api\/selector: /);
    const ok = chart();
    new StatelessWebTier(ok, 'web', { image: IMAGE });
    expect(() => Guardrails.assert(ok)).not.toThrow();
  });
});

describe('waivers', () => {
  const waivedTier = (c: Chart, waive: string) => {
    const tier = new StatelessWebTier(c, 'web', { image: IMAGE });
    tier.deployment.metadata.addAnnotation(WAIVE, waive);
    tier.deployment.addJsonPatch(JsonPatch.replace('/spec/template/spec/containers/0/imagePullPolicy', 'IfNotPresent'));
    return tier;
  };

  test('a policy finding is waived per object with a reason, and the waiver is printed once per synth', () => {
    const app = Testing.app();
    const c = new Chart(app, 'test');
    waivedTier(c, 'policy/image-pull-policy=the registry mirror is pinned by digest upstream');
    new StatelessWebTier(new Chart(app, 'second', { namespace: 'second' }), 'web', { image: IMAGE, nodePort: 30999 });
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      expect(() => app.synth()).not.toThrow();
      expect(warn).toHaveBeenCalledTimes(1);
      expect(warn.mock.calls[0][0]).toBe(
        'cdk8s-tiers guardrails: 1 waived finding:\n  [test/web/deployment] waived policy/image-pull-policy on Deployment web: ' +
          'the registry mirror is pinned by digest upstream (finding: container "web": imagePullPolicy is "IfNotPresent", not Always)',
      );
    } finally {
      warn.mockRestore();
    }
    const { findings, waivers } = Guardrails.check(c);
    expect(findings).toEqual([]);
    expect(waivers.map((w) => [w.finding.checkId, w.reason])).toEqual([['policy/image-pull-policy', 'the registry mirror is pinned by digest upstream']]);
  });

  test('without the waiver the same object fails', () => {
    const c = chart();
    waivedTier(c, 'policy/read-only-root-filesystem=not the finding at hand');
    expect(synthError(c)).toMatch(
      /\[test\/web\/deployment\] policy\/image-pull-policy: Deployment web: container "web": imagePullPolicy is "IfNotPresent", not Always/,
    );
  });

  test('several waivers in one annotation, printed in a deterministic order', () => {
    const c = chart();
    legacyDeployment(c, { [WAIVE]: 'policy/image-pull-policy=vendor image; policy/probes = batch-like worker;policy/image-pinned=vendor pins it' });
    const { waivers } = Guardrails.check(c);
    expect(waivers.map((w) => `${w.finding.checkId}: ${w.reason}`)).toEqual([
      'policy/image-pinned: vendor pins it',
      'policy/image-pull-policy: vendor image',
      'policy/probes: batch-like worker',
      'policy/probes: batch-like worker',
    ]);
    expect(ids(Guardrails.check(c).findings)).not.toContain('policy/probes');
  });

  test.each([
    ['policy/probes', /waiver "policy\/probes" has no reason \(write "policy\/probes=<why it is acceptable>"\)/],
    ['policy/probes=   ', /waiver "policy\/probes" has no reason/],
    ['api/selector=we know', /waiver "api\/selector": api findings cannot be waived, they must be fixed/],
    ['schema/strict=we know', /waiver "schema\/strict": schema findings cannot be waived/],
    ['policy/waiver=meta', /waiver "policy\/waiver": policy findings cannot be waived/],
    ['policy/no-such-check=why', /waiver "policy\/no-such-check" names no check/],
    ['policy/probes=a; policy/probes=b', /waiver "policy\/probes" is given twice/],
  ])('rejects the waiver %j', (waive, message) => {
    const c = chart();
    const tier = new StatelessWebTier(c, 'web', { image: IMAGE });
    tier.deployment.metadata.addAnnotation(WAIVE, waive);
    const error = synthError(c);
    expect(error).toMatch(/\[test\/web\/deployment\] policy\/waiver: Deployment web: /);
    expect(error).toMatch(message);
  });

  test('schema and API findings stay even when a waiver names them', () => {
    const c = chart();
    legacyDeployment(c, { [WAIVE]: 'api/selector=we know' });
    expect(ids(Guardrails.check(c).findings)).toEqual(expect.arrayContaining(['api/selector', 'policy/waiver']));
  });
});

describe('robustness', () => {
  test('garbage gives findings, never exceptions or "undefined"', () => {
    const garbage = [
      {},
      { kind: 'Deployment' },
      { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' }, spec: 'x' },
      {
        apiVersion: 'apps/v1',
        kind: 'StatefulSet',
        metadata: { name: 's', labels: 'x' },
        spec: { template: { spec: { containers: [null, 3, { env: 'x', ports: [null] }] } }, volumeClaimTemplates: [{}] },
      },
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { selector: {}, ports: [{ nodePort: 'x' }] } },
      { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'p', annotations: { [WAIVE]: 3 } }, spec: { selector: 'x' } },
      { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' } },
      {
        apiVersion: 'batch/v1',
        kind: 'CronJob',
        metadata: { name: 'c' },
        spec: { jobTemplate: { spec: { template: { spec: { containers: [{ name: 'c', image: 'x:1' }] } } } } },
      },
      { apiVersion: 'v1', kind: 'Secret', metadata: { name: Object.create(null), labels: [] } },
      { kind: 'Service', spec: { selector: {}, ports: [{}, {}] } },
    ] as Manifest[];
    const { findings } = Guardrails.checkManifests(garbage);
    expect(findings.length).toBeGreaterThan(10);
    for (const f of findings) expect(Guardrails.formatFinding(f)).not.toMatch(/undefined|NaN|\[object Object\]/);
  });
});

describe('every check', () => {
  /** Objects that pass every check: a replicated Deployment behind a Service, a StatefulSet with its headless Service. */
  function good(): Manifest[] {
    const labels = (name: string) => ({ 'app.kubernetes.io/name': name, 'app.kubernetes.io/instance': name });
    const meta = (name: string) => ({ name, namespace: 'shop', labels: labels(name) });
    const pod = (name: string, port: number) => ({
      metadata: { labels: labels(name) },
      spec: {
        automountServiceAccountToken: false,
        securityContext: { runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, seccompProfile: { type: 'RuntimeDefault' } },
        containers: [
          {
            name: 'app',
            image: 'registry.example.com/app:1.0.0',
            imagePullPolicy: 'Always',
            ports: [{ name: 'http', containerPort: port }],
            env: [{ name: 'MODE', value: 'prod' }],
            securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, readOnlyRootFilesystem: true },
            resources: { requests: { cpu: '100m', memory: '128Mi', 'ephemeral-storage': '64Mi' }, limits: { memory: '256Mi', 'ephemeral-storage': '256Mi' } },
            readinessProbe: { httpGet: { path: '/ready', port: 'http' } },
            livenessProbe: { tcpSocket: { port: 'http' } },
            volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
          },
        ],
        volumes: [{ name: 'tmp', emptyDir: {} }],
        topologySpreadConstraints: [
          { maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: labels(name) } },
        ],
        affinity: {
          podAntiAffinity: {
            preferredDuringSchedulingIgnoredDuringExecution: [
              { weight: 100, podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: labels(name) } } },
            ],
          },
        },
      },
    });
    return [
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: meta('web'),
        spec: { replicas: 2, selector: { matchLabels: labels('web') }, template: pod('web', 8080) },
      },
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: meta('web'),
        spec: { type: 'NodePort', selector: labels('web'), ports: [{ name: 'http', port: 80, targetPort: 'http', nodePort: 30080 }] },
      },
      {
        apiVersion: 'policy/v1',
        kind: 'PodDisruptionBudget',
        metadata: meta('web'),
        spec: { maxUnavailable: 1, selector: { matchLabels: labels('web') }, unhealthyPodEvictionPolicy: 'AlwaysAllow' },
      },
      {
        apiVersion: 'autoscaling/v2',
        kind: 'HorizontalPodAutoscaler',
        metadata: meta('web'),
        spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, minReplicas: 2, maxReplicas: 4 },
      },
      {
        apiVersion: 'apps/v1',
        kind: 'StatefulSet',
        metadata: meta('db'),
        spec: {
          serviceName: 'db-headless',
          selector: { matchLabels: labels('db') },
          template: pod('db', 5432),
          volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
        },
      },
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: meta('db-headless'),
        spec: { clusterIP: 'None', selector: labels('db'), ports: [{ name: 'db', port: 5432, targetPort: 'http' }] },
      },
      { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: meta('fence'), spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] } },
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta('settings'), data: { a: 'b' } },
    ];
  }
  const deployment = (o: Manifest[]) => find(o, 'Deployment', 'web');
  const sts = (o: Manifest[]) => find(o, 'StatefulSet', 'db');
  const podSpec = (o: Manifest[]) => deployment(o).spec.template.spec;
  const container = (o: Manifest[]) => podSpec(o).containers[0];
  const sc = (o: Manifest[]) => container(o).securityContext;
  const without = (o: Manifest[], kind: string, name: string) => o.splice(o.indexOf(find(o, kind, name)), 1);
  const rbac = (kind: string, name: string, body: Manifest): Manifest => ({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind,
    metadata: { name, ...(kind.startsWith('Cluster') ? {} : { namespace: 'shop' }) },
    ...body,
  });

  const triggers: Record<string, (o: Manifest[]) => void> = {
    'schema/kind': (o) => o.push({ apiVersion: 'autoscaling/v2beta2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'old' } }),
    'schema/strict': (o) => {
      deployment(o).spec.replica = 2;
    },
    'api/name': (o) => {
      find(o, 'ConfigMap', 'settings').metadata.name = 'Settings';
    },
    'api/namespace': (o) => {
      find(o, 'ConfigMap', 'settings').metadata.namespace = 'Shop';
    },
    'api/labels': (o) => {
      deployment(o).metadata.labels.team = 'not ok!';
    },
    'api/unique': (o) => o.push(JSON.parse(JSON.stringify(find(o, 'ConfigMap', 'settings')))),
    'api/selector': (o) => {
      deployment(o).spec.selector.matchLabels.track = 'stable';
    },
    'api/replicas': (o) => {
      deployment(o).spec.replicas = -1;
    },
    'api/restart-policy': (o) => {
      podSpec(o).restartPolicy = 'Never';
    },
    'api/deployment-strategy': (o) => {
      deployment(o).spec.strategy = { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: 0 } };
    },
    'api/statefulset-spec': (o) => {
      sts(o).spec.podManagementPolicy = 'Sometimes';
    },
    'api/governing-service': (o) => {
      find(o, 'Service', 'db-headless').spec.clusterIP = '10.0.0.9';
    },
    'api/volume-claim-templates': (o) => {
      sts(o).spec.volumeClaimTemplates[0].spec.accessModes = [];
    },
    'api/volumes': (o) => {
      container(o).volumeMounts.push({ name: 'cache', mountPath: '/cache' });
    },
    'api/containers': (o) => {
      container(o).name = 'App';
    },
    'api/env': (o) => {
      container(o).env.push({ name: '1MODE', value: 'x' });
    },
    'api/container-ports': (o) => {
      container(o).ports.push({ name: 'metrics', containerPort: 70000 });
    },
    'api/resources': (o) => {
      container(o).resources.requests.memory = '1Gi';
    },
    'api/probes': (o) => {
      container(o).readinessProbe.tcpSocket = { port: 'http' };
    },
    'api/references': (o) => {
      podSpec(o).serviceAccountName = 'robot';
    },
    'api/service-ports': (o) => {
      find(o, 'Service', 'web').spec.ports.push({ port: 81 });
    },
    'api/node-port': (o) => {
      find(o, 'Service', 'web').spec.ports[0].nodePort = 40000;
    },
    'api/service-selector': (o) => {
      find(o, 'Service', 'web').spec.ports[0].targetPort = 'metrics';
    },
    'api/pdb': (o) => {
      find(o, 'PodDisruptionBudget', 'web').spec.minAvailable = 1;
    },
    'api/hpa': (o) => {
      find(o, 'HorizontalPodAutoscaler', 'web').spec.scaleTargetRef.name = 'ghost';
    },
    'policy/host-namespaces': (o) => {
      podSpec(o).hostNetwork = true;
    },
    'policy/volume-types': (o) => {
      podSpec(o).volumes.push({ name: 'host', hostPath: { path: '/var/run' } });
    },
    'policy/host-ports': (o) => {
      container(o).ports[0].hostPort = 8080;
    },
    'policy/privileged': (o) => {
      sc(o).privileged = true;
    },
    'policy/privilege-escalation': (o) => {
      delete sc(o).allowPrivilegeEscalation;
    },
    'policy/run-as-non-root': (o) => {
      sc(o).runAsNonRoot = false;
    },
    'policy/capabilities': (o) => {
      sc(o).capabilities.add = ['NET_ADMIN'];
    },
    'policy/seccomp': (o) => {
      sc(o).seccompProfile = { type: 'Unconfined' };
    },
    'policy/selinux': (o) => {
      podSpec(o).securityContext.seLinuxOptions = { user: 'system_u' };
    },
    'policy/proc-mount': (o) => {
      sc(o).procMount = 'Unmasked';
    },
    'policy/host-process': (o) => {
      sc(o).windowsOptions = { hostProcess: true };
    },
    'policy/sysctls': (o) => {
      podSpec(o).securityContext.sysctls = [{ name: 'kernel.msgmax', value: '1' }];
    },
    'policy/apparmor': (o) => {
      deployment(o).spec.template.metadata.annotations = { 'container.apparmor.security.beta.kubernetes.io/app': 'unconfined' };
    },
    'policy/read-only-root-filesystem': (o) => {
      sc(o).readOnlyRootFilesystem = false;
    },
    'policy/high-uid': (o) => {
      sc(o).runAsUser = 1000;
    },
    'policy/automount-token': (o) => {
      delete podSpec(o).automountServiceAccountToken;
    },
    'policy/image-pinned': (o) => {
      container(o).image = 'nginx:latest';
    },
    'policy/image-pull-policy': (o) => {
      container(o).imagePullPolicy = 'IfNotPresent';
    },
    'policy/resources': (o) => {
      delete container(o).resources.limits.memory;
    },
    'policy/probes': (o) => {
      container(o).livenessProbe = container(o).readinessProbe;
    },
    'policy/no-literal-secrets': (o) => {
      container(o).env.push({ name: 'DB_PASSWORD', value: 'hunter2' });
    },
    'policy/pdb': (o) => {
      without(o, 'PodDisruptionBudget', 'web');
    },
    'policy/pdb-eviction': (o) => {
      find(o, 'PodDisruptionBudget', 'web').spec.maxUnavailable = 0;
    },
    'policy/topology-spread': (o) => {
      delete podSpec(o).topologySpreadConstraints;
    },
    'policy/anti-affinity': (o) => {
      podSpec(o).affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm.topologyKey = 'topology.kubernetes.io/zone';
    },
    'policy/network-policy': (o) => {
      find(o, 'NetworkPolicy', 'fence').spec.policyTypes = ['Ingress'];
    },
    'policy/retain-volumes': (o) => {
      sts(o).spec.persistentVolumeClaimRetentionPolicy = { whenDeleted: 'Delete', whenScaled: 'Retain' };
    },
    'policy/recommended-labels': (o) => {
      delete deployment(o).metadata.labels['app.kubernetes.io/instance'];
    },
    'policy/waiver': (o) => {
      deployment(o).metadata.annotations = { [WAIVE]: 'policy/probes' };
    },
    'api/cluster-scoped': (o) =>
      o.push({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'reader', namespace: 'shop' }, rules: [] }),
    'api/size-limits': (o) => {
      find(o, 'ConfigMap', 'settings').data.big = 'x'.repeat(1024 * 1024);
    },
    'policy/exposure': (o) => {
      find(o, 'Service', 'web').spec.type = 'LoadBalancer';
    },
    'policy/rbac-binding': (o) =>
      o.push(
        rbac('ClusterRoleBinding', 'all', { roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' }, subjects: [] }),
      ),
    'policy/rbac-wildcard': (o) => o.push(rbac('Role', 'any', { rules: [{ apiGroups: [''], resources: ['*'], verbs: ['get'] }] })),
    'policy/rbac-escalation': (o) =>
      o.push(rbac('Role', 'binder', { rules: [{ apiGroups: ['rbac.authorization.k8s.io'], resources: ['rolebindings'], verbs: ['bind'] }] })),
    'policy/rbac-secrets': (o) => o.push(rbac('ClusterRole', 'secret-reader', { rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['list'] }] })),
  };

  test('the good objects pass every check', () => {
    expect(Guardrails.checkManifests(good())).toEqual({ findings: [], waivers: [] });
  });

  test('every check has a trigger below (schema/renders: at synth, next block), and every trigger names a check', () => {
    expect(Object.keys(triggers).sort()).toEqual(
      Guardrails.checks()
        .map((c) => c.id)
        .filter((id) => id !== 'schema/renders')
        .sort(),
    );
  });

  test.each(Object.keys(triggers))('%s fires', (id) => {
    const objects = good();
    triggers[id](objects);
    const { findings } = Guardrails.checkManifests(objects);
    expect(ids(findings)).toContain(id);
    const f = findings.find((x) => x.checkId === id)!;
    expect(f.area).toBe(id.split('/')[0] as GuardrailArea);
    expect(f.fix.length).toBeGreaterThan(10);
  });

  test('one object in two API versions is written twice', () => {
    const objects = good();
    const hpa = find(objects, 'HorizontalPodAutoscaler', 'web');
    objects.push({ ...hpa, apiVersion: 'autoscaling/v1', spec: { scaleTargetRef: hpa.spec.scaleTargetRef, maxReplicas: 4 } });
    expect(
      Guardrails.checkManifests(objects)
        .findings.filter((f) => f.checkId === 'api/unique')
        .map((f) => f.object.apiVersion),
    ).toEqual(['autoscaling/v1', 'autoscaling/v2']);
  });

  test('the checks name the object and the reason', () => {
    const objects = good();
    triggers['api/selector'](objects);
    triggers['policy/image-pinned'](objects);
    const lines = Guardrails.checkManifests(objects).findings.map(Guardrails.formatFinding);
    expect(lines).toContain(
      '[Deployment shop/web] api/selector: Deployment shop/web: spec.selector does not match the pod template labels. ' +
        'Fix: make spec.selector match the labels of spec.template.metadata.labels',
    );
    expect(lines).toContain(
      '[Deployment shop/web] policy/image-pinned: Deployment shop/web: container "app": image "nginx:latest" is not pinned to a tag or digest. ' +
        'Fix: add a version tag (":1.27.2") or a digest ("@sha256:...")',
    );
  });

  describe('selectors are read as the API server reads them', () => {
    const messages = (objects: Manifest[], id: string) =>
      Guardrails.checkManifests(objects)
        .findings.filter((f) => f.checkId === id)
        .map((f) => f.message);

    test('a controller selector the API server rejects is reported as invalid, not as a mismatch', () => {
      const objects = good();
      deployment(objects).spec.selector = { matchExpressions: [{ key: 'app.kubernetes.io/name', operator: 'Equals', values: ['web'] }] };
      expect(messages(objects, 'api/selector')).toEqual([
        'spec.selector is invalid: matchExpressions[0] operator "Equals" is not In, NotIn, Exists or DoesNotExist',
      ]);
    });

    test('an empty controller selector is reported as empty', () => {
      const objects = good();
      deployment(objects).spec.selector = {};
      expect(messages(objects, 'api/selector')).toEqual(['spec.selector must not be empty']);
    });

    // was a bug: an empty map selected every pod, so a headless Service that selects none passed
    test('a governing Service with an empty selector selects no pods', () => {
      const objects = good();
      find(objects, 'Service', 'db-headless').spec.selector = {};
      expect(messages(objects, 'api/governing-service')).toEqual([`governing Service "db-headless" does not select the StatefulSet's pods`]);
    });

    // was a bug: an empty map selected every pod of the namespace and checked its targetPort against each
    test('a Service with an empty selector has its endpoints managed elsewhere, like one without', () => {
      const objects = good();
      objects.push({
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'external', namespace: 'shop' },
        spec: { selector: {}, ports: [{ port: 9, targetPort: 'nope' }] },
      });
      expect(messages(objects, 'api/service-selector')).toEqual([]);
      find(objects, 'Service', 'external').spec.selector = { 'app.kubernetes.io/name': 'web' };
      expect(messages(objects, 'api/service-selector')).toEqual(['targetPort "nope" is not a port of Deployment web']);
    });

    // was a bug: a NetworkPolicy without podSelector fenced nothing for the policy check, every pod for the API server
    test('a NetworkPolicy without podSelector fences every pod of its namespace', () => {
      const objects = good();
      delete find(objects, 'NetworkPolicy', 'fence').spec.podSelector;
      expect(messages(objects, 'policy/network-policy')).toEqual([]);
      find(objects, 'NetworkPolicy', 'fence').spec.podSelector = { matchLabels: { 'app.kubernetes.io/name': 'web' } };
      expect(messages(objects, 'policy/network-policy')).toEqual([
        'no NetworkPolicy restricts egress from its pods',
        'no NetworkPolicy restricts ingress to its pods',
      ]);
    });

    test('a PodDisruptionBudget: an empty selector covers every pod of the namespace, an absent one none', () => {
      const objects = good();
      find(objects, 'PodDisruptionBudget', 'web').spec.selector = {};
      expect(messages(objects, 'api/pdb')).toEqual([]);
      expect(messages(objects, 'policy/pdb')).toEqual([]);
      delete find(objects, 'PodDisruptionBudget', 'web').spec.selector;
      expect(messages(objects, 'api/pdb')).toEqual(['its selector matches no workload in the output']);
      expect(messages(objects, 'policy/pdb')).toEqual(['several replicas but no PodDisruptionBudget']);
    });
  });

  test('every check has an id of its area, a title and a fix', () => {
    for (const c of Guardrails.checks()) {
      expect(c.id.startsWith(`${c.area}/`)).toBe(true);
      expect(c.title.length).toBeGreaterThan(10);
      expect(c.fix.length).toBeGreaterThan(10);
    }
  });
});

test('an App with guardrails writes nothing when a finding fails the synth', () => {
  const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'guardrails-')) });
  const c = new Chart(app, 'c');
  new StatelessWebTier(c, 'web', { image: IMAGE });
  legacyDeployment(c);
  expect(() => app.synth()).toThrow(/\[c\/legacy\] api\/selector/);
  expect(fs.readdirSync(app.outdir)).toEqual([]);
});

test('docs/guardrails.md lists every check with its id, what it catches, the fix and how to waive it', () => {
  const doc = fs.readFileSync(path.join(__dirname, '..', 'docs', 'guardrails.md'), 'utf8');
  const cell = (t: string) => t.replace(/\|/g, '\\|');
  for (const c of Guardrails.checks()) {
    const waiver = c.area === GuardrailArea.POLICY && c.id !== 'policy/waiver' ? `\`${c.id}=<reason>\`` : 'no: fix it';
    expect(doc).toContain(`| \`${c.id}\` | ${cell(c.title)} | ${cell(c.fix)} | ${waiver} |`);
  }
});
