/**
 * Settings of the tier skeleton: each is tested on both tiers (one table), so
 * that a setting added to the skeleton and not reaching one tier fails here.
 */
import { ApiObject, Chart } from 'cdk8s';
import {
  DatabaseBackup,
  DatabaseCredentials,
  NodeSelectorOperator,
  Probe,
  ResourceOptions,
  StatefulDatabase,
  StatelessWebTier,
  TaintEffect,
  TierProps,
  TolerationOperator,
} from '../src';
import { database } from './database-fixture';
import { appProblems, chart, find, Manifest, RESTRICTED_CONTAINER_SECURITY, synth } from './util';

interface Case {
  readonly kind: string;
  readonly build: (c: Chart, props: TierProps) => StatelessWebTier | StatefulDatabase;
  readonly workload: string;
}

const TIERS: Case[] = [
  {
    kind: 'StatelessWebTier',
    build: (c, props) => new StatelessWebTier(c, 'web', { image: 'registry.example.com/shop/web:1.4.2', ...props }),
    workload: 'Deployment',
  },
  // (credentials as environment variables: the database's own Secret volume of credential files is not a skeleton setting)
  { kind: 'StatefulDatabase', build: (c, props) => database(c, { credentials: DatabaseCredentials.asEnvironment(), ...props }), workload: 'StatefulSet' },
];

function render(t: Case, props: TierProps = {}, before?: (c: Chart) => void): { tier: StatelessWebTier | StatefulDatabase; pod: Manifest } {
  const c = chart();
  before?.(c);
  const tier = t.build(c, props);
  return { tier, pod: find(synth(c), t.workload, tier.name).spec.template.spec };
}

function problems(t: Case, props: TierProps): string {
  const c = chart();
  t.build(c, props);
  return appProblems(c).join('\n');
}

describe.each(TIERS)('$kind', (t) => {
  test('defaults: no priority class, node selector, tolerations or pull secrets', () => {
    const { tier, pod } = render(t);
    expect([pod.priorityClassName, pod.nodeSelector, pod.tolerations, pod.imagePullSecrets]).toEqual([undefined, undefined, undefined, undefined]);
    expect([tier.priorityClassName, tier.nodeSelector, tier.tolerations, tier.imagePullSecrets]).toEqual([undefined, {}, [], []]);
  });

  test('can configure priorityClassName, nodeSelector, tolerations and imagePullSecrets', () => {
    const tolerations = [
      { key: 'pool', value: 'shop', effect: TaintEffect.NO_SCHEDULE },
      { key: 'node.kubernetes.io/unreachable', operator: TolerationOperator.EXISTS, effect: TaintEffect.NO_EXECUTE, tolerationSeconds: 30 },
    ];
    const { tier, pod } = render(t, {
      priorityClassName: 'business-critical',
      nodeSelector: { 'example.com/pool': 'shop' },
      tolerations,
      imagePullSecrets: ['registry-credentials'],
    });
    expect(pod.priorityClassName).toBe('business-critical');
    expect(pod.nodeSelector).toEqual({ 'example.com/pool': 'shop' });
    expect(pod.tolerations).toEqual([
      { key: 'pool', value: 'shop', effect: 'NoSchedule' },
      { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 30 },
    ]);
    expect(pod.imagePullSecrets).toEqual([{ name: 'registry-credentials' }]);
    expect(tier.priorityClassName).toBe('business-critical');
    expect(tier.tolerations).toEqual(tolerations);
    expect(tier.imagePullSecrets).toEqual(['registry-credentials']);
  });

  test('rejects a bad priority class, node selector, toleration or pull secret, with the message', () => {
    const m = problems(t, {
      priorityClassName: 'Business Critical',
      nodeSelector: { 'bad key!': 'x' },
      tolerations: [
        { value: 'x' },
        { key: 'pool', operator: TolerationOperator.EXISTS, value: 'shop' },
        { key: 'pool', effect: TaintEffect.NO_SCHEDULE, tolerationSeconds: 30 },
        { key: 'pool', effect: 'Sometimes' as TaintEffect },
      ],
      imagePullSecrets: ['Registry_Credentials'],
    });
    expect(m).toMatch(/priorityClassName: got "Business Critical"; must be a PriorityClass name \(a DNS-1123 subdomain\)/);
    expect(m).toMatch(/nodeSelector key: got "bad key!"; must be a label key/);
    expect(m).toMatch(/tolerations\[0\]\.key: got \(not set\); a toleration without a key must use TolerationOperator.EXISTS/);
    expect(m).toMatch(/tolerations\[1\]\.value: got "shop"; must be left out with TolerationOperator.EXISTS/);
    expect(m).toMatch(/tolerations\[2\]\.tolerationSeconds: got 30; applies only to TaintEffect.NO_EXECUTE/);
    expect(m).toMatch(/tolerations\[3\]\.effect: got "Sometimes"; must be a TaintEffect/);
    expect(m).toMatch(/imagePullSecrets\[0\]: got "Registry_Credentials"; must be a Secret name/);
  });

  test('rejects an unknown toleration key, naming it', () => {
    expect(problems(t, { tolerations: [{ key: 'pool', efect: 'NoSchedule' } as never] })).toMatch(
      /tolerations\[0\]\.efect: got "NoSchedule"; not a prop of TolerationOptions\. Fix: did you mean effect\?/,
    );
  });
});

describe.each(TIERS)('$kind read-only volumes', (t) => {
  const main = (pod: Manifest) => pod.containers[0];

  test('defaults: no Secret or ConfigMap volume', () => {
    const { pod } = render(t);
    expect(pod.volumes.filter((v: Manifest) => v.secret || v.configMap)).toEqual([]);
  });

  test('can mount a Secret and a ConfigMap read-only in the main container', () => {
    const { pod } = render(
      t,
      {
        readOnlyVolumes: [
          { name: 'tls', mountPath: '/etc/tls', secretName: 'shop-tls' },
          { name: 'settings', mountPath: '/etc/settings', configMapName: 'shop-settings' },
        ],
      },
      (c) => new ApiObject(c, 'settings', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'shop-settings' }, data: { a: 'b' } }),
    );
    expect(pod.volumes).toEqual(
      expect.arrayContaining([
        { name: 'tls', secret: { secretName: 'shop-tls' } },
        { name: 'settings', configMap: { name: 'shop-settings' } },
      ]),
    );
    expect(main(pod).volumeMounts).toEqual(
      expect.arrayContaining([
        { name: 'tls', mountPath: '/etc/tls', readOnly: true },
        { name: 'settings', mountPath: '/etc/settings', readOnly: true },
      ]),
    );
  });

  test('rejects a bad name or path, both or neither source, and a clash (with the message)', () => {
    const m = problems(t, {
      readOnlyVolumes: [
        { name: 'TLS', mountPath: 'etc/tls', secretName: 'shop-tls' },
        { name: 'both', mountPath: '/both', secretName: 'a', configMapName: 'b' },
        { name: 'tmp', mountPath: '/etc/x', secretName: 'x' },
      ],
    });
    expect(m).toMatch(/readOnlyVolumes\[0\]\.name: got "TLS"; a volume name must be a DNS-1123 label/);
    expect(m).toMatch(/readOnlyVolumes\[0\]\.mountPath: got "etc\/tls"; must be an absolute path/);
    expect(m).toMatch(/readOnlyVolumes\[1\]: got .*; needs exactly one of secretName and configMapName/);
    expect(m).toMatch(/readOnlyVolumes\[2\]: got "tmp"; the volume name is already used by writablePaths/);
  });
});

test('a setting of the skeleton reaches both tiers alike', () => {
  const props: TierProps = {
    priorityClassName: 'batch',
    nodeSelector: { pool: 'a' },
    tolerations: [{ key: 'pool', value: 'a' }],
    imagePullSecrets: ['pull'],
    readOnlyVolumes: [{ name: 'tls', mountPath: '/etc/tls', secretName: 'tls' }],
    imageRegistry: 'mirror.example.com',
    nodeAffinity: { required: [{ matchExpressions: [{ key: 'example.com/pool', operator: NodeSelectorOperator.EXISTS }] }] },
  };
  const pods = TIERS.map((t) => render(t, props).pod);
  const pick = (pod: Manifest) => ({
    priorityClassName: pod.priorityClassName,
    nodeSelector: pod.nodeSelector,
    tolerations: pod.tolerations,
    imagePullSecrets: pod.imagePullSecrets,
    readOnly: pod.volumes.filter((v: Manifest) => v.secret),
    readOnlyMounts: pod.containers[0].volumeMounts.filter((m: Manifest) => m.readOnly),
    registry: pod.containers[0].image.split('/')[0],
    nodeAffinity: pod.affinity.nodeAffinity,
  });
  expect(pick(pods[0])).toEqual(pick(pods[1]));
  expect(pick(pods[0]).priorityClassName).toBe('batch');
  expect(pick(pods[0]).registry).toBe('mirror.example.com');
});

describe.each(TIERS)('$kind init containers', (t) => {
  const migrate = { name: 'migrate', image: 'registry.example.com/shop/migrate:1.4.2', command: ['migrate', 'up'] };

  test('defaults: no init containers', () => {
    expect(render(t).pod.initContainers).toBeUndefined();
  });

  test('can add init containers, hardened like every container, each with its own /tmp', () => {
    const { pod } = render(t, { initContainers: [migrate] });
    expect(pod.initContainers).toHaveLength(1);
    const init = pod.initContainers[0];
    expect([init.name, init.image, init.command]).toEqual(['migrate', migrate.image, ['migrate', 'up']]);
    expect(init.securityContext).toEqual(RESTRICTED_CONTAINER_SECURITY);
    expect(init.resources).toEqual({
      requests: { cpu: '50m', memory: '64Mi', 'ephemeral-storage': '32Mi' },
      limits: { memory: '128Mi', 'ephemeral-storage': '128Mi' },
    });
    expect([init.readinessProbe, init.livenessProbe]).toEqual([undefined, undefined]);
    expect(init.volumeMounts).toEqual([{ name: 'init-migrate-tmp', mountPath: '/tmp' }]);
    expect(pod.volumes).toContainEqual({ name: 'init-migrate-tmp', emptyDir: {} });
  });

  test('rejects a bad image, a name taken in the pod, and unknown keys (with the message)', () => {
    const m = problems(t, {
      initContainers: [
        { ...migrate, image: 'migrate:latest' },
        { ...migrate, name: t.kind === 'StatelessWebTier' ? 'web' : 'db' },
        { ...migrate, name: 'x', probe: 1 } as never,
        // a JavaScript caller's args that are not a list: reported, not a TypeError
        { ...migrate, name: 'y', args: 5 as never },
      ],
    });
    expect(m).toMatch(/initContainers\[3\]\.args: got 5; /);
    expect(m).toMatch(/initContainers\[0\]\.image: got "migrate:latest"/);
    expect(m).toMatch(/initContainers\[1\]\.name: got "(web|db)"; container names must be unique in the pod/);
    expect(m).toMatch(/initContainers\[2\]\.probe: got 1; not a prop of InitContainerOptions/);
  });
});

describe.each(TIERS)('$kind image registry', (t) => {
  const sidecarOf = (tier: StatelessWebTier | StatefulDatabase) => {
    if (tier instanceof StatelessWebTier)
      tier.addSidecar({ name: 'exporter', image: 'nginx/nginx-prometheus-exporter:1.3.0', port: 9113, readiness: Probe.httpGet('/metrics') });
  };

  test('defaults: every image as given', () => {
    const { tier, pod } = render(t, { initContainers: [{ name: 'migrate', image: 'busybox:1.36' }] });
    expect(tier.imageRegistry).toBeUndefined();
    expect(pod.initContainers[0].image).toBe('busybox:1.36');
    expect(pod.containers[0].image).toBe(t.kind === 'StatelessWebTier' ? 'registry.example.com/shop/web:1.4.2' : 'postgres:16.4');
  });

  test('can pull every image (main, sidecars, init containers, the engine preset) from a mirror, tags and digests kept', () => {
    const digest = `sha256:${'a'.repeat(64)}`;
    const c = chart();
    const tier = t.build(c, {
      imageRegistry: 'mirror.example.com:5000/hub',
      initContainers: [
        { name: 'migrate', image: `nginx:1.27@${digest}` },
        { name: 'wait', image: 'ghcr.io/org/wait:2.0' },
      ],
    });
    sidecarOf(tier);
    const pod = find(synth(c), t.workload, tier.name).spec.template.spec;
    expect(tier.imageRegistry).toBe('mirror.example.com:5000/hub');
    expect(pod.initContainers.map((i: Manifest) => i.image)).toEqual([
      `mirror.example.com:5000/hub/library/nginx:1.27@${digest}`,
      'mirror.example.com:5000/hub/org/wait:2.0',
    ]);
    const images = pod.containers.map((x: Manifest) => x.image);
    expect(images).toEqual(
      t.kind === 'StatelessWebTier'
        ? ['mirror.example.com:5000/hub/shop/web:1.4.2', 'mirror.example.com:5000/hub/nginx/nginx-prometheus-exporter:1.3.0']
        : ['mirror.example.com:5000/hub/library/postgres:16.4'],
    );
    // the version label still comes from the tag
    expect(find(synth(c), t.workload, tier.name).metadata.labels['app.kubernetes.io/version']).toBe(t.kind === 'StatelessWebTier' ? '1.4.2' : '16.4');
  });

  test('rejects a registry that is not host[:port][/path] (with the message)', () => {
    for (const bad of [
      'https://mirror.example.com',
      'mirror',
      'mirror.example.com/',
      'mirror.example.com/Hub',
      'mirror.example.com:port',
      'mirror.example.com:70000',
      '[::1]:5000',
    ]) {
      expect(problems(t, { imageRegistry: bad })).toContain(`imageRegistry: got ${JSON.stringify(bad)}; must be an image registry`);
    }
  });
});

describe.each(TIERS)('$kind node affinity', (t) => {
  const affinity = {
    required: [{ matchExpressions: [{ key: 'example.com/pool', operator: NodeSelectorOperator.IN, values: ['shop', 'general'] }] }],
    preferred: [
      { weight: 80, matchExpressions: [{ key: 'example.com/cpu-generation', operator: NodeSelectorOperator.GT, values: ['3'] }] },
      { weight: 20, matchExpressions: [{ key: 'example.com/spot', operator: NodeSelectorOperator.DOES_NOT_EXIST }] },
    ],
  };

  test('defaults: no node affinity', () => {
    const { tier, pod } = render(t);
    expect(tier.nodeAffinity).toBeUndefined();
    expect(pod.affinity?.nodeAffinity).toBeUndefined();
  });

  test('can require and prefer nodes, next to the anti-affinity of several pods', () => {
    const { tier, pod } = render(t, { nodeAffinity: affinity });
    expect(tier.nodeAffinity).toEqual(affinity);
    expect(pod.affinity.nodeAffinity).toEqual({
      requiredDuringSchedulingIgnoredDuringExecution: {
        nodeSelectorTerms: [{ matchExpressions: [{ key: 'example.com/pool', operator: 'In', values: ['shop', 'general'] }] }],
      },
      preferredDuringSchedulingIgnoredDuringExecution: [
        { weight: 80, preference: { matchExpressions: [{ key: 'example.com/cpu-generation', operator: 'Gt', values: ['3'] }] } },
        { weight: 20, preference: { matchExpressions: [{ key: 'example.com/spot', operator: 'DoesNotExist' }] } },
      ],
    });
    // the web tier runs 2 pods by default (anti-affinity kept), the database 1 (none)
    expect(pod.affinity.podAntiAffinity !== undefined).toBe(t.kind === 'StatelessWebTier');
  });

  test('rejects what the API server rejects (with the message)', () => {
    const r = (operator: NodeSelectorOperator, values?: string[]) => ({ key: 'example.com/pool', operator, values });
    const m = problems(t, {
      nodeAffinity: {
        required: [
          { matchExpressions: [r(NodeSelectorOperator.IN), r(NodeSelectorOperator.EXISTS, ['x']), r(NodeSelectorOperator.GT, ['3.5'])] },
          { matchExpressions: [] },
          { matchExpressions: [{ key: 'bad key!', operator: 'Near' as NodeSelectorOperator }, r(NodeSelectorOperator.LT, ['1', '2'])] },
        ],
        preferred: [
          { weight: 0, matchExpressions: [r(NodeSelectorOperator.NOT_IN, [])] },
          { weight: 101, matchExpressions: [r(NodeSelectorOperator.LT, ['7'])] },
        ],
      },
    });
    expect(m).toMatch(/nodeAffinity\.required\[0\]\.matchExpressions\[0\]\.values: got \(not set\); needs at least one value with NodeSelectorOperator\.IN/);
    expect(m).toMatch(/nodeAffinity\.required\[0\]\.matchExpressions\[1\]\.values: got \["x"\]; must be left out with NodeSelectorOperator\.EXISTS/);
    expect(m).toMatch(/nodeAffinity\.required\[0\]\.matchExpressions\[2\]\.values: got \["3\.5"\]; must be a single integer with NodeSelectorOperator\.GT/);
    expect(m).toMatch(/nodeAffinity\.required\[1\]\.matchExpressions: got \[\]; needs at least one requirement/);
    expect(m).toMatch(/nodeAffinity\.required\[2\]\.matchExpressions\[0\]\.key: got "bad key!"; must be a node label key/);
    expect(m).toMatch(/nodeAffinity\.required\[2\]\.matchExpressions\[0\]\.operator: got "Near"; must be a NodeSelectorOperator/);
    expect(m).toMatch(/nodeAffinity\.required\[2\]\.matchExpressions\[1\]\.values: got \["1","2"\]; must be a single integer with NodeSelectorOperator\.LT/);
    expect(m).toMatch(/nodeAffinity\.preferred\[0\]\.weight: got 0; must be a whole number from 1 to 100/);
    expect(m).toMatch(/nodeAffinity\.preferred\[0\]\.matchExpressions\[0\]\.values: got \[\]; needs at least one value with NodeSelectorOperator\.NOT_IN/);
    expect(m).toMatch(/nodeAffinity\.preferred\[1\]\.weight: got 101; must be a whole number from 1 to 100/);
    expect(m).not.toMatch(/preferred\[1\]\.matchExpressions/);
    expect(problems(t, { nodeAffinity: { required: [] } })).toMatch(/nodeAffinity\.required: got \[\]; must have at least one term/);
    expect(problems(t, { nodeAffinity: {} })).toMatch(/nodeAffinity: got \{\}; needs required or preferred terms/);
    expect(problems(t, { nodeAffinity: { requird: [] } as never })).toMatch(
      /nodeAffinity\.requird: got \[\]; not a prop of NodeAffinityOptions\. Fix: did you mean required\?/,
    );
  });
});

/** The resource options that give `r` (a container's rendered requests and limits). */
function resourceOptions(r: Manifest): ResourceOptions {
  return {
    cpuRequest: r.requests.cpu,
    memoryRequest: r.requests.memory,
    ephemeralStorageRequest: r.requests['ephemeral-storage'],
    ...(r.limits.cpu !== undefined ? { cpuLimit: r.limits.cpu } : {}),
    memoryLimit: r.limits.memory,
    ephemeralStorageLimit: r.limits['ephemeral-storage'],
  };
}

// the tiers check only the resources that are given (the defaults of each container's role are not checked again):
// each default, given explicitly, passes those checks and renders as it did
describe.each(TIERS)('$kind default resources', (t) => {
  const init = { name: 'migrate', image: 'registry.example.com/shop/migrate:1.0.0' };

  test('the main and init containers default to resources that pass the rules given ones are checked against', () => {
    const defaults = render(t, { initContainers: [init] }).pod;
    const main = resourceOptions(defaults.containers[0].resources);
    const helper = resourceOptions(defaults.initContainers[0].resources);
    expect(main.memoryRequest).toBeDefined();
    expect(helper.memoryRequest).toBeDefined();
    const props = { resources: main, initContainers: [{ ...init, resources: helper }] };
    expect(problems(t, props)).toBe('');
    const given = render(t, props).pod;
    expect(given.containers[0].resources).toEqual(defaults.containers[0].resources);
    expect(given.initContainers[0].resources).toEqual(defaults.initContainers[0].resources);
  });

  test("containers that keep their role's defaults share one rendering of them, which rendering or a change of a rendered copy leaves as it is", () => {
    const c = chart();
    const a = t.build(c, { initContainers: [init] });
    const b = t.build(new Chart(c.node.scope!, 'other'), { initContainers: [init] });
    const own = t.build(new Chart(c.node.scope!, 'own'), { resources: { cpuRequest: '300m' } });
    type Built = { input: { resources: unknown } };
    const main = (tier: object) => (tier as { _containers: Built[] })._containers[0].input.resources;
    const initOf = (tier: object) => (tier as { _settings: { initContainers: Built[] } })._settings.initContainers[0].input.resources;
    expect(main(a)).toBe(main(b));
    expect(initOf(a)).toBe(initOf(b));
    expect(main(own)).not.toBe(main(a));
    const workload = (tier: StatelessWebTier | StatefulDatabase) => ApiObject.of(tier);
    const before = workload(b).toJson().spec.template.spec.containers[0].resources;
    workload(a).toJson().spec.template.spec.containers[0].resources.requests.cpu = '1';
    expect(workload(b).toJson().spec.template.spec.containers[0].resources).toEqual(before);
    expect(workload(own).toJson().spec.template.spec.containers[0].resources.requests.cpu).toBe('300m');
    expect(workload(a).toJson().spec.template.spec.containers[0].resources).toEqual(before);
  });
});

test('the backup container defaults to resources that pass the rules given ones are checked against', () => {
  const backupOf = (resources?: ResourceOptions) => {
    const c = chart();
    const db = database(c, { backup: DatabaseBackup.schedule(resources ? { resources } : {}) });
    return { c, job: find(synth(c), 'CronJob', `${db.name}-backup`) };
  };
  const defaults = backupOf().job.spec.jobTemplate.spec.template.spec.containers[0].resources;
  const given = backupOf(resourceOptions(defaults));
  expect(appProblems(given.c)).toEqual([]);
  expect(given.job.spec.jobTemplate.spec.template.spec.containers[0].resources).toEqual(defaults);
});
