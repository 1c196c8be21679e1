import { Chart, Testing } from 'cdk8s';
import {
  DatabaseBackup,
  DatabaseMetrics,
  NodeSelectorOperator,
  Probe,
  StatefulDatabase,
  StatelessWebTier,
  TaintEffect,
  TierDefaults,
  TierDefaultsOptions,
  WebMetrics,
} from '../src';
import { Environment, GitOpsApp } from '../src/gitops';
import { database } from './database-fixture';
import { all, appProblems, find, Manifest, synth } from './util';

const IMAGE = 'registry.example.com/shop/web:1.4.2';
const podOf = (objects: Manifest[], kind: string, name: string) => find(objects, kind, name).spec.template.spec;

/** An app with a chart `shop`, `set` applied to the chart, a web tier and a database (each with `own` props). */
function build(set: TierDefaultsOptions, own: { web?: object; db?: object } = {}) {
  const app = Testing.app();
  const c = new Chart(app, 'shop');
  TierDefaults.of(c).set(set);
  const web = new StatelessWebTier(c, 'web', { image: IMAGE, ...own.web });
  const db = database(c, own.db);
  return { app, c, web, db };
}

describe('TierDefaults', () => {
  test('defaults: a scope without TierDefaults adds nothing', () => {
    const c = new Chart(Testing.app(), 'test');
    const web = new StatelessWebTier(c, 'web', { image: IMAGE });
    expect(podOf(synth(c), 'Deployment', 'web').priorityClassName).toBeUndefined();
    expect([web.priorityClassName, web.imageRegistry, web.nodeAffinity, web.fsGroup]).toEqual([undefined, undefined, undefined, undefined]);
    expect([web.annotations, web.runAsUser, web.runAsGroup]).toEqual([{}, 10001, 10001]);
    expect(web.resources).toEqual({
      cpuRequest: '100m',
      memoryRequest: '128Mi',
      memoryLimit: '256Mi',
      ephemeralStorageRequest: '64Mi',
      ephemeralStorageLimit: '256Mi',
    });
  });

  test('can set defaults for every tier below a scope: nearer scopes override farther ones, props override all', () => {
    const app = Testing.app();
    TierDefaults.of(app).set({ priorityClassName: 'standard', imagePullSecrets: ['mirror-pull'], nodeSelector: { pool: 'general' } });
    const c = new Chart(app, 'shop');
    TierDefaults.of(c).set({ priorityClassName: 'business-critical', tolerations: [{ key: 'dedicated', value: 'shop', effect: TaintEffect.NO_SCHEDULE }] });
    const web = new StatelessWebTier(c, 'web', { image: IMAGE });
    const db: StatefulDatabase = database(c, { nodeSelector: { pool: 'storage' } });
    const objects = synth(c);
    for (const [pod, tier] of [
      [podOf(objects, 'Deployment', 'web'), web],
      [podOf(objects, 'StatefulSet', 'db'), db],
    ] as const) {
      expect(pod.priorityClassName).toBe('business-critical');
      expect(pod.imagePullSecrets).toEqual([{ name: 'mirror-pull' }]);
      expect(pod.tolerations).toEqual([{ key: 'dedicated', value: 'shop', effect: 'NoSchedule' }]);
      expect(tier.priorityClassName).toBe('business-critical');
    }
    expect(podOf(objects, 'Deployment', 'web').nodeSelector).toEqual({ pool: 'general' });
    expect(db.nodeSelector).toEqual({ pool: 'storage' });
  });

  test('can set an image registry: every image of both tiers (main, sidecars, init containers, the preset) from the mirror', () => {
    const init = { initContainers: [{ name: 'wait', image: 'busybox:1.36' }] };
    const { c, web, db } = build({ imageRegistry: 'mirror.example.com' }, { web: init, db: init });
    web.addSidecar({ name: 'exporter', image: 'nginx/nginx-prometheus-exporter:1.3.0', port: 9113, readiness: Probe.httpGet('/metrics') });
    const objects = synth(c);
    const images = (kind: string, name: string) => {
      const pod = podOf(objects, kind, name);
      return [...pod.initContainers, ...pod.containers].map((x: Manifest) => x.image);
    };
    expect(images('Deployment', 'web')).toEqual([
      'mirror.example.com/library/busybox:1.36',
      'mirror.example.com/shop/web:1.4.2',
      'mirror.example.com/nginx/nginx-prometheus-exporter:1.3.0',
    ]);
    expect(images('StatefulSet', 'db')).toEqual(['mirror.example.com/library/busybox:1.36', 'mirror.example.com/library/postgres:16.4']);
    expect([web.imageRegistry, db.imageRegistry]).toEqual(['mirror.example.com', 'mirror.example.com']);
    // a tier's own registry wins
    expect(build({ imageRegistry: 'mirror.example.com' }, { web: { imageRegistry: 'localhost:5000' } }).web.imageRegistry).toBe('localhost:5000');
  });

  test("can set defaults that reach the objects outside the tiers' pods: the backup CronJob, its pod, claim and NetworkPolicy, the metrics Services and ServiceMonitors", () => {
    const scrapedBy = { namespaceLabels: { 'kubernetes.io/metadata.name': 'monitoring' } };
    const nodeAffinity = { preferred: [{ weight: 10, matchExpressions: [{ key: 'example.com/spot', operator: NodeSelectorOperator.DOES_NOT_EXIST }] }] };
    const { c } = build(
      {
        ...{ imageRegistry: 'mirror.example.com', imagePullSecrets: ['mirror-pull'], priorityClassName: 'business-critical', nodeAffinity },
        ...{ labels: { team: 'platform' }, annotations: { 'example.com/owner': 'platform' }, nodeSelector: { pool: 'general' } },
      },
      {
        web: { metrics: WebMetrics.prometheus({ scrapedBy, serviceMonitor: {} }) },
        db: { metrics: DatabaseMetrics.prometheus({ scrapedBy, serviceMonitor: {} }), backup: DatabaseBackup.schedule() },
      },
    );
    const objects = synth(c);
    const outside = [
      ['CronJob', 'db-backup'],
      ['PersistentVolumeClaim', 'db-backup'],
      ['NetworkPolicy', 'db-backup'],
      ['Service', 'db-metrics'],
      ['ServiceMonitor', 'db'],
      ['Service', 'web-metrics'],
      ['ServiceMonitor', 'web'],
    ];
    for (const [kind, name] of outside) {
      const o = find(objects, kind, name);
      expect([kind, name, o.metadata.labels.team, o.metadata.annotations?.['example.com/owner']]).toEqual([kind, name, 'platform', 'platform']);
    }
    // the claim keeps the library's retention annotations besides the tier's
    expect(find(objects, 'PersistentVolumeClaim', 'db-backup').metadata.annotations['argocd.argoproj.io/sync-options']).toBe('Prune=false,Delete=false');
    const job = find(objects, 'CronJob', 'db-backup').spec.jobTemplate.spec.template;
    expect([job.metadata.labels.team, job.metadata.annotations['example.com/owner']]).toEqual(['platform', 'platform']);
    expect(job.spec.containers.map((x: Manifest) => x.image)).toEqual(['mirror.example.com/library/postgres:16.4']);
    expect(job.spec.imagePullSecrets).toEqual([{ name: 'mirror-pull' }]);
    expect([job.spec.priorityClassName, job.spec.nodeSelector]).toEqual(['business-critical', { pool: 'general' }]);
    // the same scheduling as the database's own pods
    expect(job.spec.affinity?.nodeAffinity).toEqual(podOf(objects, 'StatefulSet', 'db').affinity.nodeAffinity);
  });

  test('can set labels and annotations: on every object and pod of both tiers, never in a selector, merged key by key', () => {
    const app = Testing.app();
    TierDefaults.of(app).set({ labels: { 'cost-center': 'c-42', team: 'platform' }, annotations: { 'example.com/owner': 'platform' } });
    const c = new Chart(app, 'shop');
    TierDefaults.of(c).set({ labels: { team: 'checkout' } });
    const web = new StatelessWebTier(c, 'web', { image: IMAGE, labels: { tier: 'front' } });
    const db = database(c, { annotations: { 'example.com/owner': 'dba' } });
    const objects = synth(c);
    const ofTiers = objects.filter((x) => x.metadata.name === 'web' || x.metadata.name.startsWith('db'));
    // Deployment, Service, NetworkPolicy, PDB of the web tier; StatefulSet, two Services, NetworkPolicy of the database
    expect(ofTiers.map((o) => o.kind).sort()).toEqual([
      'Deployment',
      'NetworkPolicy',
      'NetworkPolicy',
      'PodDisruptionBudget',
      'Service',
      'Service',
      'Service',
      'StatefulSet',
    ]);
    for (const o of ofTiers) {
      expect(o.metadata.labels).toMatchObject({ 'cost-center': 'c-42', team: 'checkout' });
      expect(o.metadata.annotations['example.com/owner']).toBe(o.metadata.name === 'web' ? 'platform' : 'dba');
    }
    for (const [kind, name] of [
      ['Deployment', 'web'],
      ['StatefulSet', 'db'],
    ]) {
      const w = find(objects, kind, name);
      expect(w.spec.template.metadata.labels).toMatchObject({ 'cost-center': 'c-42', team: 'checkout' });
      expect(Object.keys(w.spec.selector.matchLabels).sort()).toEqual(['app.kubernetes.io/instance', 'app.kubernetes.io/name']);
      expect(w.spec.template.metadata.annotations['example.com/owner']).toBe(name === 'web' ? 'platform' : 'dba');
    }
    for (const s of all(objects, 'Service')) expect(Object.keys(s.spec.selector).sort()).toEqual(['app.kubernetes.io/instance', 'app.kubernetes.io/name']);
    expect(web.labels).toMatchObject({ 'cost-center': 'c-42', team: 'checkout', tier: 'front' });
    expect([web.annotations, db.annotations]).toEqual([{ 'example.com/owner': 'platform' }, { 'example.com/owner': 'dba' }]);
    // claim templates cannot change: they keep the stable labels only
    expect(find(objects, 'StatefulSet', 'db').spec.volumeClaimTemplates[0].metadata.labels.team).toBeUndefined();
  });

  test("can set security ids instead of the library default 10001, a tier's own security winning", () => {
    const { c, web, db } = build({ security: { runAsUser: 20000, runAsGroup: 20001, fsGroup: 20002 } }, { db: { security: { runAsUser: 30000 } } });
    const objects = synth(c);
    expect(podOf(objects, 'Deployment', 'web').securityContext).toMatchObject({ runAsUser: 20000, runAsGroup: 20001, fsGroup: 20002 });
    expect([web.runAsUser, web.runAsGroup, web.fsGroup]).toEqual([20000, 20001, 20002]);
    // the database's own security: the library's gid and fsGroup for what it leaves out
    expect(podOf(objects, 'StatefulSet', 'db').securityContext).toMatchObject({ runAsUser: 30000, runAsGroup: 10001, fsGroup: 10001 });
    expect([db.runAsUser, db.runAsGroup, db.fsGroup]).toEqual([30000, 10001, 10001]);
  });

  test("can set a resource preset for main containers that set no resources; the fields left out keep each tier's defaults", () => {
    const { c, web, db } = build({ resources: { cpuRequest: '200m', cpuLimit: '2' } }, { db: { resources: { memoryLimit: '2Gi' } } });
    const objects = synth(c);
    const main = podOf(objects, 'Deployment', 'web').containers[0];
    expect(main.resources).toEqual({
      requests: { cpu: '200m', memory: '128Mi', 'ephemeral-storage': '64Mi' },
      limits: { cpu: '2', memory: '256Mi', 'ephemeral-storage': '256Mi' },
    });
    expect(web.resources).toMatchObject({ cpuRequest: '200m', cpuLimit: '2', memoryLimit: '256Mi' });
    // the database sets its own: the preset is not used
    expect(podOf(objects, 'StatefulSet', 'db').containers[0].resources.limits).toEqual({ memory: '2Gi', 'ephemeral-storage': '1Gi' });
    expect(db.resources).toEqual({
      cpuRequest: '250m',
      memoryRequest: '512Mi',
      memoryLimit: '2Gi',
      ephemeralStorageRequest: '128Mi',
      ephemeralStorageLimit: '1Gi',
    });
  });

  test("can set a storage class for the database claims; the database's own and a claim's own win", () => {
    const claims = {
      volumeClaims: [
        { name: 'wal', mountPath: '/wal' },
        { name: 'archive', mountPath: '/archive', storageClassName: 'cold' },
      ],
    };
    const { c, db } = build({ storageClassName: 'fast-ssd' }, { db: claims });
    const other = database(c, { storageClassName: '' }, 'other');
    const objects = synth(c);
    const classes = (name: string) => find(objects, 'StatefulSet', name).spec.volumeClaimTemplates.map((t: Manifest) => t.spec.storageClassName);
    expect(classes('db')).toEqual(['fast-ssd', 'fast-ssd', 'cold']);
    expect(classes('other')).toEqual(['']);
    expect([db.storageClassName, other.storageClassName]).toEqual(['fast-ssd', '']);
  });

  test('can set node affinity for both tiers', () => {
    const nodeAffinity = { required: [{ matchExpressions: [{ key: 'example.com/pool', operator: NodeSelectorOperator.IN, values: ['shop'] }] }] };
    const { c, web, db } = build({ nodeAffinity });
    const objects = synth(c);
    for (const [kind, name] of [
      ['Deployment', 'web'],
      ['StatefulSet', 'db'],
    ]) {
      expect(podOf(objects, kind, name).affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms).toEqual([
        { matchExpressions: [{ key: 'example.com/pool', operator: 'In', values: ['shop'] }] },
      ]);
    }
    expect([web.nodeAffinity, db.nodeAffinity]).toEqual([nodeAffinity, nodeAffinity]);
  });

  test('a value set is copied: changing the object afterwards changes nothing', () => {
    const labels: Record<string, string> = { team: 'checkout' };
    const app = Testing.app();
    const c = new Chart(app, 'shop');
    TierDefaults.of(c).set({ labels });
    labels.team = 'Not A Label!';
    const web = new StatelessWebTier(c, 'web', { image: IMAGE });
    expect(web.labels.team).toBe('checkout');
    expect(appProblems(c)).toEqual([]);
  });

  test('rejects an unknown key and a wrong value where it is set, once, however many tiers use it (with the message)', () => {
    const app = Testing.app();
    const c = new Chart(app, 'shop');
    TierDefaults.of(c).set({ priorityClass: 'x' } as never);
    TierDefaults.of(app).set({ priorityClassName: 'Not A Name' });
    new StatelessWebTier(c, 'web', { image: IMAGE });
    new StatelessWebTier(c, 'api', { image: IMAGE });
    database(c);
    const lines = appProblems(c);
    const m = lines.join('\n');
    expect(m).toMatch(/\[shop\] TierDefaults\.priorityClass: got "x"; not a prop of TierDefaultsOptions\. Fix: did you mean priorityClassName\?/);
    expect(lines.filter((l) => l.includes('"Not A Name"'))).toEqual([
      '[app] TierDefaults.priorityClassName: got "Not A Name"; must be a PriorityClass name (a DNS-1123 subdomain). Fix: name a PriorityClass of your cluster, e.g. "business-critical"',
    ]);
  });

  test('rejects defaults set after tiers below the scope were created, naming them (with the message)', () => {
    const app = Testing.app();
    const c = new Chart(app, 'shop');
    new StatelessWebTier(c, 'web', { image: IMAGE });
    database(c);
    TierDefaults.of(app).set({ priorityClassName: 'standard' });
    expect(appProblems(c)).toEqual([
      '[app] TierDefaults: got ["priorityClassName"]; is set after tiers below this scope were created (shop/web, shop/db), and they do not get it. Fix: call TierDefaults.of(scope).set(...) before creating the tiers below the scope',
    ]);
    // a scope beside the tiers is fine
    const other = new Chart(app, 'other');
    TierDefaults.of(other).set({ priorityClassName: 'standard' });
    expect(appProblems(c)).toHaveLength(1);
  });

  test.each<[string, TierDefaultsOptions, RegExp]>([
    ['priorityClassName', { priorityClassName: 'A B' }, /TierDefaults\.priorityClassName: got "A B"; must be a PriorityClass name/],
    ['nodeSelector', { nodeSelector: { 'bad key!': 'x' } }, /TierDefaults\.nodeSelector key: got "bad key!"; must be a label key/],
    [
      'tolerations',
      { tolerations: [{ value: 'x' }] },
      /TierDefaults\.tolerations\[0\]\.key: got \(not set\); a toleration without a key must use TolerationOperator\.EXISTS/,
    ],
    ['imagePullSecrets', { imagePullSecrets: ['Pull_Secret'] }, /TierDefaults\.imagePullSecrets\[0\]: got "Pull_Secret"; must be a Secret name/],
    [
      'imageRegistry',
      { imageRegistry: 'https://mirror.example.com' },
      /TierDefaults\.imageRegistry: got "https:\/\/mirror\.example\.com"; must be an image registry/,
    ],
    ['labels', { labels: { team: 'a b' } }, /TierDefaults\.labels\["team"\]: got "a b"; must be a label value/],
    [
      'labels (reserved)',
      { labels: { 'app.kubernetes.io/part-of': 'shop' } },
      /TierDefaults\.labels\["app\.kubernetes\.io\/part-of"\]: got "shop"; the library sets app\.kubernetes\.io\/part-of itself.*Fix: remove it and set the partOf prop instead/,
    ],
    ['annotations', { annotations: { 'bad key!': 'x' } }, /TierDefaults\.annotations key: got "bad key!"; must be a label key/],
    [
      'annotations (reserved)',
      { annotations: { 'kubectl.kubernetes.io/default-container': 'x' } },
      /TierDefaults\.annotations\["kubectl\.kubernetes\.io\/default-container"\]: got "x"; the library sets/,
    ],
    ['security (root)', { security: { runAsUser: 0 } }, /TierDefaults\.security\.runAsUser: got 0; must be a whole number from 10000 to 2147483647/],
    ['security (range)', { security: { fsGroup: 2 ** 31 } }, /TierDefaults\.security\.fsGroup: got 2147483648; must be a whole number from 1 to 2147483647/],
    ['resources', { resources: { cpuRequest: 'lots' } }, /TierDefaults\.resources\.cpuRequest: got "lots"/],
    // within the web tier's default memory limit (256Mi): refused at the scope, not in each web tier
    ['resources (over a tier default)', { resources: { memoryRequest: '512Mi' } }, /TierDefaults\.resources\.memoryRequest: got "512Mi"/],
    ['storageClassName', { storageClassName: 'Fast SSD' }, /TierDefaults\.storageClassName: got "Fast SSD"; must be a StorageClass name/],
    [
      'nodeAffinity',
      { nodeAffinity: { preferred: [{ weight: 0, matchExpressions: [{ key: 'a', operator: NodeSelectorOperator.EXISTS }] }] } },
      /TierDefaults\.nodeAffinity\.preferred\[0\]\.weight: got 0; must be a whole number from 1 to 100/,
    ],
  ])('rejects a wrong %s where it is set, not in the tiers (with the message)', (_key, set, expected) => {
    const { c } = build(set);
    const lines = appProblems(c);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^\[shop\] /);
    expect(lines[0]).toMatch(expected);
  });
});

test('each platform default reaches both tiers', () => {
  const set: TierDefaultsOptions = {
    priorityClassName: 'batch',
    nodeSelector: { pool: 'a' },
    tolerations: [{ key: 'pool', value: 'a' }],
    imagePullSecrets: ['pull'],
    imageRegistry: 'mirror.example.com',
    labels: { team: 'checkout' },
    annotations: { 'example.com/owner': 'platform' },
    security: { runAsUser: 20000, runAsGroup: 20000, fsGroup: 20000 },
    resources: { cpuLimit: '1' },
    nodeAffinity: { preferred: [{ weight: 10, matchExpressions: [{ key: 'example.com/spot', operator: NodeSelectorOperator.DOES_NOT_EXIST }] }] },
  };
  const { c, web, db } = build(set);
  const objects = synth(c);
  const pick = (w: Manifest) => {
    const pod = w.spec.template.spec;
    return {
      priorityClassName: pod.priorityClassName,
      nodeSelector: pod.nodeSelector,
      tolerations: pod.tolerations,
      imagePullSecrets: pod.imagePullSecrets,
      registry: pod.containers[0].image.split('/')[0],
      team: [w.metadata.labels.team, w.spec.template.metadata.labels.team],
      owner: [w.metadata.annotations?.['example.com/owner'], w.spec.template.metadata.annotations['example.com/owner']],
      ids: [pod.securityContext.runAsUser, pod.securityContext.runAsGroup, pod.securityContext.fsGroup],
      cpuLimit: pod.containers[0].resources.limits.cpu,
      nodeAffinity: pod.affinity.nodeAffinity,
    };
  };
  const [w, d] = [pick(find(objects, 'Deployment', 'web')), pick(find(objects, 'StatefulSet', 'db'))];
  expect(w).toEqual(d);
  expect(w).toEqual({
    priorityClassName: 'batch',
    nodeSelector: { pool: 'a' },
    tolerations: [{ key: 'pool', value: 'a' }],
    imagePullSecrets: [{ name: 'pull' }],
    registry: 'mirror.example.com',
    team: ['checkout', 'checkout'],
    owner: ['platform', 'platform'],
    ids: [20000, 20000, 20000],
    cpuLimit: '1',
    nodeAffinity: {
      preferredDuringSchedulingIgnoredDuringExecution: [
        { weight: 10, preference: { matchExpressions: [{ key: 'example.com/spot', operator: 'DoesNotExist' }] } },
      ],
    },
  });
  // each tier exposes what it ended up with; every key of TierDefaultsOptions is covered here but the database's storage class
  for (const tier of [web, db]) {
    expect([tier.priorityClassName, tier.imageRegistry, tier.runAsUser, tier.resources.cpuLimit, tier.annotations]).toEqual([
      'batch',
      'mirror.example.com',
      20000,
      '1',
      { 'example.com/owner': 'platform' },
    ]);
  }
  expect(Object.keys(set).sort()).toEqual(
    [
      'annotations',
      'imagePullSecrets',
      'imageRegistry',
      'labels',
      'nodeAffinity',
      'nodeSelector',
      'priorityClassName',
      'resources',
      'security',
      'tolerations',
    ].sort(),
  );
});

test('TierDefaults.of rejects a scope that is not a construct (with the message)', () => {
  expect(() => TierDefaults.of(undefined as never)).toThrow(/TierDefaults\.of.*scope: got \(not set\); must be a construct/s);
});

test('TierDefaults on the app reach tiers of every chart', () => {
  const app = Testing.app();
  TierDefaults.of(app).set({ imageRegistry: 'mirror.example.com' });
  const a = new Chart(app, 'a');
  const b = new Chart(app, 'b');
  expect([new StatelessWebTier(a, 'web', { image: IMAGE }).imageRegistry, database(b).imageRegistry]).toEqual(['mirror.example.com', 'mirror.example.com']);
});

test('TierDefaults on an Environment reach its tiers, and another environment keeps its own', () => {
  const gitops = new GitOpsApp({ outdir: 'never-written', cliOutdir: '' });
  const dev = new Environment(gitops, 'dev', { namespace: 'shop-dev' });
  const prod = new Environment(gitops, 'prod', { namespace: 'shop-prod' });
  TierDefaults.of(gitops).set({ priorityClassName: 'standard' });
  TierDefaults.of(prod).set({ priorityClassName: 'business-critical', nodeSelector: { 'example.com/pool': 'prod' } });
  const [d, p] = [dev, prod].map((env) => new StatelessWebTier(env, 'web', { image: IMAGE }));
  expect([d.priorityClassName, p.priorityClassName]).toEqual(['standard', 'business-critical']);
  expect([d.nodeSelector, p.nodeSelector]).toEqual([{}, { 'example.com/pool': 'prod' }]);
  expect(podOf(synth(prod), 'Deployment', 'web').priorityClassName).toBe('business-critical');
});
