/**
 * Environments: namespace, Pod Security labels, typed overrides and the
 * problems that catch overrides that would be ignored.
 */
import { ApiObject, Chart, JsonPatch, Testing } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Environment, GitOpsApp, PodSecurityLevel } from '../src/gitops';
import { StatelessWebTier } from '../src';
import { load } from 'js-yaml';
import { Manifest } from './util';

const app = () => new GitOpsApp({ outdir: 'never-written', cliOutdir: '' });
const objectsOf = (env: Environment): Manifest[] =>
  env.node
    .findAll()
    .filter(ApiObject.isApiObject)
    .map((o) => o.toJson() as Manifest);
const rendered = (a: GitOpsApp) => a.render().files;

describe('environment', () => {
  test('defaults: namespace = name, a restricted Namespace object, no overrides', () => {
    const env = new Environment(app(), 'dev');
    expect(env.name).toBe('dev');
    expect(env.namespaceName).toBe('dev');
    expect(env.namespace).toBe('dev');
    expect(env.podSecurity).toBe(PodSecurityLevel.RESTRICTED);
    expect(env.tiers).toEqual({});
    expect(env.argoCdApplication).toBeUndefined();
    expect(objectsOf(env)).toMatchSnapshot();
  });

  test('can configure namespace, labels, Pod Security level, and leave out the Namespace', () => {
    const a = app();
    const env = new Environment(a, 'dev', { namespace: 'shop-dev', namespaceLabels: { team: 'shop' }, podSecurity: PodSecurityLevel.BASELINE });
    expect(env.namespaceObject!.toJson().metadata).toMatchSnapshot();
    const none = new Environment(a, 'prod', { namespace: 'shop-prod', createNamespace: false });
    expect(none.namespaceObject).toBeUndefined();
    new k8s.KubeConfigMap(none, 'cm', { metadata: { name: 'c' } });
    expect(Object.keys(rendered(a)).filter((f) => f.startsWith('prod/'))).toEqual([
      'prod/README.md',
      'prod/configmap-shop-prod-c.yaml',
      'prod/kustomization.yaml',
    ]);
  });

  test('objects of the environment land in its namespace', () => {
    const env = new Environment(app(), 'dev', { namespace: 'shop-dev' });
    const tier = new StatelessWebTier(env, 'web', { image: 'nginx:1.27.2' });
    expect(tier.host).toBe('web.shop-dev.svc.cluster.local');
    expect(
      new Set(
        objectsOf(env)
          .filter((o) => o.kind !== 'Namespace')
          .map((o) => o.metadata.namespace),
      ),
    ).toEqual(new Set(['shop-dev']));
  });

  test('Environment.containing finds the environment; instanceof tells it from other charts', () => {
    const a = app();
    const env = new Environment(a, 'dev');
    const tier = new StatelessWebTier(env, 'web', { image: 'nginx:1.27.2' });
    expect(Environment.containing(tier.deployment)).toBe(env);
    const chart = new Chart(Testing.app(), 'plain');
    expect(chart instanceof Environment).toBe(false);
    expect(env instanceof Environment).toBe(true);
    expect(() => Environment.containing(chart)).toThrow(
      /\[Environment\.containing\] c: got "plain"; is not inside an Environment\. Fix: pass a construct created in an Environment/,
    );
  });

  test('rejects a bad name, a bad namespace and bad namespace labels', () => {
    const a = app();
    new Environment(a, 'Dev_1', { namespace: 'Shop', namespaceLabels: { 'bad key!': 'x' } });
    expect(() => a.render()).toThrow(
      /\[Dev_1\] id: got "Dev_1"; names the folder of the environment: a DNS-1123 label other than "argocd"[\s\S]*\[Dev_1\] namespace: got "Shop"; must be a DNS-1123 label[\s\S]*namespaceLabels key: got "bad key!"/,
    );
  });

  test('rejects an environment named argocd and two environments sharing a namespace', () => {
    const a = app();
    new Environment(a, 'argocd', { namespace: 'x' });
    new Environment(a, 'dev', { namespace: 'shop' });
    new Environment(a, 'prod', { namespace: 'shop' });
    expect(() => a.render()).toThrow(/\[argocd\] id: got "argocd"[\s\S]*\[prod\] namespace: got "shop"; is also the namespace of environment "dev"/);
  });

  test('rejects an app without environments and objects outside any environment', () => {
    const a = app();
    expect(() => a.render()).toThrow(/has no Environment/);
    new k8s.KubeConfigMap(new Chart(a, 'stray'), 'cm', {});
    new Environment(a, 'dev');
    expect(() => a.render()).toThrow(/\[stray\/cm\] is not inside an Environment, so it would not be written/);
  });

  test('rejects an environment that is not a direct child of the GitOpsApp', () => {
    const a = app();
    new Environment(new Chart(a, 'group'), 'dev');
    expect(() => a.render()).toThrow(/\[group\/dev\] scope: got "group"; an Environment of a GitOpsApp must be one of its direct children/);
  });

  test('node ports are unique across environments (one cluster may run several)', () => {
    const a = app();
    for (const name of ['dev', 'prod']) new StatelessWebTier(new Environment(a, name), 'web', { image: 'nginx:1.27.2', nodePort: 30080 });
    expect(() => a.render()).toThrow(/\[dev\/web\] nodePort: got 30080; is also asked for by prod\/web/);
  });
});

describe('overrides', () => {
  const tiers = {
    one: { replicas: 1, nodePort: 30001, imageTag: '1.2.4', resources: { memoryLimit: '1Gi' }, storage: '5Gi' },
    auto: { autoscaling: { minReplicas: 2, maxReplicas: 5 }, imageTag: `sha256:${'a'.repeat(64)}` },
  };

  test("defaults: the definition's values when the environment has none", () => {
    const env = new Environment(app(), 'dev');
    expect(env.replicas('web', 3)).toBe(3);
    expect(env.replicas('web')).toBeUndefined();
    expect(env.autoscaling('web', { maxReplicas: 4 })).toEqual({ maxReplicas: 4 });
    expect(env.resources('web', { cpuRequest: '1' })).toEqual({ cpuRequest: '1' });
    expect(env.resources('web')).toBeUndefined();
    expect(env.nodePort('web', 30000)).toBe(30000);
    expect(env.storage('db', '20Gi')).toBe('20Gi');
    expect(env.image('web', 'nginx:1.27.2')).toBe('nginx:1.27.2');
  });

  test('can configure replicas, node port, image tag and resources field by field', () => {
    const env = new Environment(app(), 'dev', { tiers });
    expect(env.replicas('one', 3)).toBe(1);
    expect(env.autoscaling('one', { maxReplicas: 4 })).toBeUndefined(); // fixed replicas turn autoscaling off
    expect(env.nodePort('one', 30000)).toBe(30001);
    expect(env.storage('one', '20Gi')).toBe('5Gi');
    expect(env.resources('one', { cpuRequest: '1', memoryLimit: '256Mi' })).toEqual({ cpuRequest: '1', memoryLimit: '1Gi' });
    expect(env.image('one', 'nginx:1.27.2')).toBe('nginx:1.2.4');
    expect(env.image('one', 'registry.local:5000/team/app@sha256:' + 'b'.repeat(64))).toBe('registry.local:5000/team/app:1.2.4');
    expect(env.image('one', 'registry.local:5000/team/app')).toBe('registry.local:5000/team/app:1.2.4');
  });

  test('can configure autoscaling, which turns fixed replicas off, and a digest', () => {
    const env = new Environment(app(), 'dev', { tiers });
    expect(env.replicas('auto', 3)).toBeUndefined();
    expect(env.autoscaling('auto', { maxReplicas: 4 })).toEqual({ minReplicas: 2, maxReplicas: 5 });
    expect(env.image('auto', 'nginx:1.27.2')).toBe(`nginx@sha256:${'a'.repeat(64)}`);
  });

  test('rejects bad override values', () => {
    const a = app();
    new Environment(a, 'dev', {
      tiers: {
        web: { replicas: -1, nodePort: 80, imageTag: 'latest' },
        both: { replicas: 2, autoscaling: { maxReplicas: 3 } },
        tag: { imageTag: 'no spaces' },
        db: { storage: '20 GB' },
      },
    });
    expect(() => a.render()).toThrow(
      new RegExp(
        [
          /\[dev\] tiers\.web\.replicas: got -1; must be a whole number >= 0/,
          /\[dev\] tiers\.web\.nodePort: got 80; must be a node port from 30000 to 32767/,
          /\[dev\] tiers\.web\.imageTag: got "latest"; must be a version tag \(not "latest"\)/,
          /\[dev\] tiers\.both\.replicas: got 2; cannot be set together with autoscaling/,
          /\[dev\] tiers\.tag\.imageTag: got "no spaces"/,
          /\[dev\] tiers\.db\.storage: got "20 GB"/,
        ]
          .map((r) => r.source)
          .join('[\\s\\S]*'),
      ),
    );
  });

  test('rejects overrides of a tier the definition never reads (a typo)', () => {
    const a = app();
    const env = new Environment(a, 'dev', { tiers: { fornt: { replicas: 1 } } });
    new StatelessWebTier(env, 'front', { image: 'nginx:1.27.2', replicas: env.replicas('front', 2) });
    expect(() => a.render()).toThrow(
      /\[dev\] tiers\.fornt: got \{"replicas":1\}; the app definition reads no value of a tier "fornt" \(it reads: front\), so these overrides would be ignored/,
    );
  });

  test('rejects an override field the definition never reads', () => {
    const a = app();
    const env = new Environment(a, 'dev', { tiers: { front: { replicas: 1, imageTag: '1.27.3' } } });
    new StatelessWebTier(env, 'front', { image: 'nginx:1.27.2', replicas: env.replicas('front', 2) });
    expect(() => a.render()).toThrow(
      /\[dev\] tiers\.front\.imageTag: got "1\.27\.3"; the app definition never reads it \(env\.image\('front', \.\.\.\)\), so it would be ignored/,
    );
  });
});

describe('Argo CD', () => {
  test('defaults: path from the outdir, HEAD, in-cluster destination, automated sync', () => {
    const a = new GitOpsApp({ outdir: 'gitops/out/', cliOutdir: '', argoCd: { repoURL: 'https://example.com/repo.git' } });
    const env = new Environment(a, 'dev', { namespace: 'shop-dev' });
    expect(env.argoCdApplication!.toJson()).toMatchSnapshot();
  });

  test('can configure everything, per environment too', () => {
    const a = new GitOpsApp({
      outdir: 'dist',
      cliOutdir: '',
      argoCd: {
        repoURL: 'git@example.com:repo.git',
        targetRevision: 'main',
        path: 'deploy',
        namespace: 'gitops',
        project: 'shop',
        destinationServer: 'https://a.example.com',
        autoSync: false,
      },
    });
    const env = new Environment(a, 'prod', {
      argoCd: { applicationName: 'shop-production', targetRevision: 'v1.2.0', destinationServer: 'https://prod.example.com', autoSync: true },
    });
    expect(env.argoCdApplication!.toJson()).toMatchSnapshot();
    expect(Object.keys(a.render().files)).toContain('argocd/application-gitops-shop-production.yaml');
  });

  test('rejects environment settings without app settings, a bad name, and an absolute outdir without a path', () => {
    const a = new GitOpsApp({ outdir: 'dist', cliOutdir: '' });
    new Environment(a, 'dev', { argoCd: { targetRevision: 'main' } });
    expect(() => a.render()).toThrow(/\[dev\] argoCd: got \{"targetRevision":"main"\}; has no effect: the GitOpsApp has no argoCd settings/);
    const b = new GitOpsApp({ outdir: '/abs/dist', cliOutdir: '', argoCd: { repoURL: 'https://example.com/repo.git' } });
    new Environment(b, 'dev', { argoCd: { applicationName: 'Bad_Name' } });
    expect(() => b.render()).toThrow(
      /argoCd\.applicationName: got "Bad_Name"[\s\S]*argoCd\.path: got \(not set\); is required when outdir is an absolute path/,
    );
  });
});

describe('a Namespace for every namespace the objects use', () => {
  const restricted = {
    'app.kubernetes.io/managed-by': 'cdk8s-tiers',
    'pod-security.kubernetes.io/enforce': 'restricted',
    'pod-security.kubernetes.io/enforce-version': 'v1.28',
    'pod-security.kubernetes.io/audit': 'restricted',
    'pod-security.kubernetes.io/audit-version': 'v1.28',
    'pod-security.kubernetes.io/warn': 'restricted',
    'pod-security.kubernetes.io/warn-version': 'v1.28',
  };

  test('defaults: a tier with a namespace of its own gets a restricted Namespace, applied first, once however often the app renders', () => {
    const a = app();
    const env = new Environment(a, 'dev', { namespace: 'shop-dev', namespaceLabels: { team: 'shop' } });
    new StatelessWebTier(env, 'web', { image: 'nginx:1.27.2' });
    new StatelessWebTier(env, 'pay', { image: 'nginx:1.27.2', namespace: 'payments' });
    new StatelessWebTier(env, 'audit', { image: 'nginx:1.27.2', namespace: 'audit' });
    a.render();
    const files = rendered(a);
    expect(Object.keys(files).filter((f) => f.startsWith('dev/namespace-'))).toEqual([
      'dev/namespace-audit.yaml',
      'dev/namespace-payments.yaml',
      'dev/namespace-shop-dev.yaml',
    ]);
    const ns = load(files['dev/namespace-payments.yaml']) as Manifest;
    expect(ns).toEqual({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'payments', labels: { team: 'shop', ...restricted } } });
    const resources = (load(files['dev/kustomization.yaml']) as Manifest).resources as string[];
    expect(resources.slice(0, 3)).toEqual(['namespace-audit.yaml', 'namespace-payments.yaml', 'namespace-shop-dev.yaml']);
    expect(env.node.findAll().filter((c) => ApiObject.isApiObject(c) && c.kind === 'Namespace')).toHaveLength(3);
  });

  test('can leave them out (createNamespace: false), and a Namespace the user wrote is not written twice', () => {
    const a = app();
    const none = new Environment(a, 'dev', { createNamespace: false });
    new StatelessWebTier(none, 'pay', { image: 'nginx:1.27.2', namespace: 'payments' });
    const own = new Environment(a, 'prod');
    new StatelessWebTier(own, 'pay', { image: 'nginx:1.27.2', namespace: 'payments-prod', nodePort: 30100 });
    const mine = new k8s.KubeNamespace(own, 'mine', { metadata: { name: 'payments-prod', labels: { mine: 'yes' } } });
    // the chart gives every object its namespace; a cluster-scoped one must not carry it (api/cluster-scoped)
    mine.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
    const files = Object.keys(rendered(a));
    // the user's own object and the environment's
    expect(files.filter((f) => f.includes('namespace-'))).toEqual(['prod/namespace-payments-prod.yaml', 'prod/namespace-prod.yaml']);
    expect(rendered(a)['prod/namespace-payments-prod.yaml']).toContain("mine: 'yes'");
  });

  test('rejects a namespace that another environment writes a Namespace for', () => {
    const a = app();
    new Environment(a, 'dev', { namespace: 'shop-dev' });
    const prod = new Environment(a, 'prod', { namespace: 'shop-prod' });
    new StatelessWebTier(prod, 'pay', { image: 'nginx:1.27.2', namespace: 'shop-dev' });
    expect(() => a.render()).toThrow(
      /\[prod\] objects use the namespace "shop-dev", which environment "dev" also writes a Namespace for; two environments would manage one Namespace in a cluster\. Fix: give the tier a namespace of this environment's own, or leave its namespace unset/,
    );
  });
});
