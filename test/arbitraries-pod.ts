/**
 * Arbitraries of the pod settings both tiers take from the skeleton:
 * priorityClassName, nodeSelector, tolerations, imagePullSecrets, imageRegistry,
 * nodeAffinity, readOnlyVolumes and initContainers; mostly valid, rarely one
 * invalid value (recorded as a fault).
 */
import { Chart } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import * as fc from 'fast-check';
import { isDns1123Label } from '../src/_rules';
import {
  InitContainerOptions,
  NodeAffinityOptions,
  NodeSelectorOperator,
  NodeSelectorRequirementOptions,
  ReadOnlyVolumeOptions,
  TaintEffect,
  TolerationOperator,
  TolerationOptions,
  TierDefaultsOptions,
  TierProps,
} from '../src';
import {
  annotationValue,
  badDnsNames,
  badLabelValues,
  badImages,
  badLabelKeys,
  clean,
  faultsOf,
  faulty,
  Gen,
  image,
  labelKey,
  labelValue,
  mapOf,
  prefixed,
  prop,
  resources,
  security,
  strip,
  subdomain,
  VALID_WEIGHT,
  words,
} from './arbitraries';

/** The pod settings of one tier. */
export type PodSettings = Pick<
  TierProps,
  'priorityClassName' | 'nodeSelector' | 'tolerations' | 'imagePullSecrets' | 'imageRegistry' | 'nodeAffinity' | 'readOnlyVolumes' | 'initContainers'
>;

/** A list of 0 to `max` items, or (rarely) not a list at all. */
function listOf<T>(propName: string, item: (i: number) => fc.Arbitrary<Gen<T>>, max: number): fc.Arbitrary<Gen<T[] | undefined>> {
  const items = fc.nat({ max }).chain((n) =>
    n === 0
      ? fc.constant(clean<T[] | undefined>(undefined))
      : fc.tuple(...Array.from({ length: n }, (_, i) => item(i))).map((gens) => ({
          value: gens.map((g) => g.value),
          faults: gens.flatMap((g, i) => prefixed(g.faults, `${propName}[${i}]`).map((f) => ({ ...f, props: f.props.map((q) => q.replace(/\]\.$/, ']')) }))),
        })),
  );
  const notList = fc.constantFrom<unknown>('x', 5, {}).map((v) => faulty(v as T[], propName, true, 'not a list'));
  return fc.oneof({ weight: VALID_WEIGHT, arbitrary: items }, { weight: 1, arbitrary: notList });
}

/** One item: mostly `valid`, rarely one of `invalid` (each with the prop it breaks, "" for the item itself). */
function item<T>(valid: fc.Arbitrary<T>, invalid: fc.Arbitrary<readonly [unknown, string]>): fc.Arbitrary<Gen<T>> {
  return fc.oneof(
    { weight: VALID_WEIGHT, arbitrary: valid.map((v) => clean(v)) },
    { weight: 1, arbitrary: invalid.map(([v, at]) => faulty(v as T, at === '' ? '.' : `.${at}`)) },
  );
}

const toleration: fc.Arbitrary<TolerationOptions> = fc.oneof(
  fc
    .record({
      key: labelKey,
      value: fc.option(labelValue, { nil: undefined }),
      effect: fc.constantFrom(TaintEffect.NO_SCHEDULE, TaintEffect.PREFER_NO_SCHEDULE),
    })
    .map(strip),
  fc.record({
    key: labelKey,
    operator: fc.constant(TolerationOperator.EXISTS),
    effect: fc.constant(TaintEffect.NO_EXECUTE),
    tolerationSeconds: fc.nat({ max: 3600 }),
  }),
  fc.constant({ operator: TolerationOperator.EXISTS }),
);
const badToleration = fc.constantFrom<readonly [unknown, string]>(
  [{ value: 'x' }, 'key'],
  [{ key: 'pool', operator: TolerationOperator.EXISTS, value: 'x' }, 'value'],
  [{ key: 'pool', effect: TaintEffect.NO_SCHEDULE, tolerationSeconds: 30 }, 'tolerationSeconds'],
  [{ key: 'pool', effect: 'Sometimes' }, 'effect'],
  [{ key: 'pool', operator: 'Like' }, 'operator'],
  [{ key: 'bad key', value: 'x' }, 'key'],
  [{ key: 'pool', efect: 'NoSchedule' }, 'efect'],
  [null, ''],
);

const requirement: fc.Arbitrary<NodeSelectorRequirementOptions> = fc.oneof(
  fc
    .tuple(labelKey, fc.constantFrom(NodeSelectorOperator.IN, NodeSelectorOperator.NOT_IN), fc.uniqueArray(labelValue, { minLength: 1, maxLength: 3 }))
    .map(([key, operator, values]) => ({ key, operator, values })),
  fc.tuple(labelKey, fc.constantFrom(NodeSelectorOperator.EXISTS, NodeSelectorOperator.DOES_NOT_EXIST)).map(([key, operator]) => ({ key, operator })),
  fc
    .tuple(labelKey, fc.constantFrom(NodeSelectorOperator.GT, NodeSelectorOperator.LT), fc.integer({ min: -1000, max: 1000 }))
    .map(([key, operator, n]) => ({ key, operator, values: [String(n)] })),
);
const matchExpressions = fc.array(requirement, { minLength: 1, maxLength: 3 });
const validAffinity: fc.Arbitrary<NodeAffinityOptions> = fc
  .record({
    required: fc.option(
      fc.array(
        matchExpressions.map((m) => ({ matchExpressions: m })),
        { minLength: 1, maxLength: 2 },
      ),
      { nil: undefined },
    ),
    preferred: fc.option(fc.array(fc.record({ weight: fc.integer({ min: 1, max: 100 }), matchExpressions }), { minLength: 1, maxLength: 2 }), {
      nil: undefined,
    }),
  })
  .map((a) =>
    a.required === undefined && a.preferred === undefined
      ? { preferred: [{ weight: 1, matchExpressions: [{ key: 'x', operator: NodeSelectorOperator.EXISTS }] }] }
      : strip(a),
  );
const r0 = (operator: string, values?: unknown) => ({ matchExpressions: [strip({ key: 'example.com/pool', operator, values })] });
const badAffinity = fc.constantFrom<readonly [unknown, string]>(
  [{ required: [r0('In')] }, 'nodeAffinity.required[0].matchExpressions[0].values'],
  [{ required: [r0('NotIn', [])] }, 'nodeAffinity.required[0].matchExpressions[0].values'],
  [{ required: [r0('Exists', ['a'])] }, 'nodeAffinity.required[0].matchExpressions[0].values'],
  [{ required: [r0('Gt', ['1', '2'])] }, 'nodeAffinity.required[0].matchExpressions[0].values'],
  [{ required: [r0('Lt', ['1.5'])] }, 'nodeAffinity.required[0].matchExpressions[0].values'],
  [{ required: [r0('Near', ['a'])] }, 'nodeAffinity.required[0].matchExpressions[0].operator'],
  [{ required: [{ matchExpressions: [] }] }, 'nodeAffinity.required[0].matchExpressions'],
  [{ required: [] }, 'nodeAffinity.required'],
  [{}, 'nodeAffinity'],
  [{ preferred: [{ weight: 0, ...r0('Exists') }] }, 'nodeAffinity.preferred[0].weight'],
  [{ preferred: [{ weight: 101, ...r0('Exists') }] }, 'nodeAffinity.preferred[0].weight'],
  [{ preferred: [{ weight: 1.5, ...r0('Exists') }] }, 'nodeAffinity.preferred[0].weight'],
  [{ preferred: [{ ...r0('Exists') }] }, 'nodeAffinity.preferred[0].weight'],
  [{ required: [{ matchExpressions: [{ key: 'bad key', operator: 'Exists' }] }] }, 'nodeAffinity.required[0].matchExpressions[0].key'],
  [{ requird: [r0('Exists')] }, 'nodeAffinity.requird'],
  ['zone-a', 'nodeAffinity'],
);

/** Read-only volumes: names and paths of their own (clear of every other volume of the tiers' arbitraries). */
const READ_ONLY = [
  { name: 'ro-tls', mountPath: '/etc/ro/tls' },
  { name: 'ro-settings', mountPath: '/etc/ro/settings' },
];
function readOnlyVolume(i: number): fc.Arbitrary<Gen<ReadOnlyVolumeOptions>> {
  const { name, mountPath } = READ_ONLY[i];
  const valid = fc
    .tuple(fc.boolean(), subdomain)
    .map(([secret, source]) => (secret ? { name, mountPath, secretName: source } : { name, mountPath, configMapName: source }));
  const invalid = fc.constantFrom<readonly [unknown, string]>(
    [{ name: 'RO', mountPath, secretName: 's' }, 'name'],
    [{ name, mountPath: 'etc/ro', secretName: 's' }, 'mountPath'],
    [{ name, mountPath: '/tmp', secretName: 's' }, ''],
    [{ name, mountPath, secretName: 's', configMapName: 'c' }, ''],
    [{ name, mountPath }, ''],
    [{ name, mountPath, secretName: 'Bad Name' }, 'secretName'],
    [{ name: 'tmp', mountPath, secretName: 's' }, ''],
    [{ name, mountPath, secret: 's' }, 'secret'],
  );
  return item(valid, invalid);
}

/** Init containers named `init-<i>` (renamed by `podProps` should the tier have that name). */
function initContainer(i: number): fc.Arbitrary<Gen<InitContainerOptions>> {
  return fc
    .record({
      image: prop('image', image, { invalid: badImages }),
      command: words('command'),
      args: words('args'),
      bad: fc.oneof(
        { weight: VALID_WEIGHT, arbitrary: fc.constant(undefined) },
        { weight: 1, arbitrary: fc.constantFrom('name', 'unknown', 'null', 'writable') },
      ),
    })
    .map((r): Gen<InitContainerOptions> => {
      const value = strip({ name: `init-${i}`, image: r.image.value as string, command: r.command.value, args: r.args.value });
      const faults = prefixed(faultsOf(r.image, r.command, r.args), '.');
      switch (r.bad) {
        case 'name':
          return { value: { ...value, name: 'Init_0' }, faults: [...faults, ...faulty('Init_0', '.name').faults] };
        case 'unknown':
          return { value: { ...value, probe: 1 } as InitContainerOptions, faults: [...faults, ...faulty(1, '.probe').faults] };
        case 'writable':
          return { value: { ...value, writablePaths: ['relative'] }, faults: [...faults, ...faulty('relative', '.writablePaths').faults] };
        case 'null':
          return faulty(null as unknown as InitContainerOptions, '.', true, 'null init container');
      }
      return { value, faults };
    });
}

/** The pod settings: each mostly left out, else mostly valid. */
export const podSettings: fc.Arbitrary<Gen<PodSettings>> = fc
  .record({
    // (a subdomain has no limit per label: 64 "a"s are a PriorityClass name, 254 are not)
    priorityClassName: prop('priorityClassName', subdomain, {
      optional: true,
      invalid: badDnsNames.map((v) => (v === 'a'.repeat(64) ? 'a'.repeat(254) : v)),
      lenient: fc.constant(null),
    }),
    nodeSelector: fc.oneof(
      { weight: 3, arbitrary: fc.constant(clean<{ [k: string]: string } | undefined>(undefined)) },
      { weight: 1, arbitrary: mapOf('nodeSelector', labelKey, labelValue, { badKeys: badLabelKeys, badValues: fc.constantFrom<unknown>('a b', 5) }) },
    ),
    tolerations: listOf('tolerations', () => item(toleration, badToleration), 2),
    imagePullSecrets: prop('imagePullSecrets', fc.uniqueArray(subdomain, { minLength: 1, maxLength: 2 }), {
      optional: true,
      invalid: fc.constantFrom<unknown>(['Bad_Secret'], 'pull', [5]),
      lenient: fc.constant(null),
    }),
    imageRegistry: prop('imageRegistry', fc.constantFrom('mirror.example.com', 'localhost:5000', 'harbor.example.com/dockerhub', '10.0.0.1:5000/a_b/c'), {
      optional: true,
      invalid: fc.constantFrom<unknown>('mirror', 'https://mirror.example.com', 'mirror.example.com/', 'Mirror.example.com/Hub', '', 5),
    }),
    nodeAffinity: fc.oneof(
      { weight: VALID_WEIGHT, arbitrary: fc.constant(clean<NodeAffinityOptions | undefined>(undefined)) },
      { weight: VALID_WEIGHT / 2, arbitrary: validAffinity.map((a) => clean<NodeAffinityOptions | undefined>(a)) },
      { weight: 1, arbitrary: badAffinity.map(([v, at]) => faulty(v as NodeAffinityOptions, at)) },
    ),
    readOnlyVolumes: listOf('readOnlyVolumes', readOnlyVolume, READ_ONLY.length),
    initContainers: listOf('initContainers', initContainer, 2),
  })
  .map((r) => ({
    value: strip({
      priorityClassName: r.priorityClassName.value,
      nodeSelector: r.nodeSelector.value,
      tolerations: r.tolerations.value,
      imagePullSecrets: r.imagePullSecrets.value,
      imageRegistry: r.imageRegistry.value,
      nodeAffinity: r.nodeAffinity.value,
      readOnlyVolumes: r.readOnlyVolumes.value,
      initContainers: r.initContainers.value,
    }),
    faults: faultsOf(
      r.priorityClassName,
      r.nodeSelector,
      r.tolerations,
      r.imagePullSecrets,
      r.imageRegistry,
      r.nodeAffinity,
      r.readOnlyVolumes,
      r.initContainers,
    ),
  }));

/** The pod settings of a tier named `tierName` (no init container takes the main container's name). */
export function podProps(gen: Gen<PodSettings>, tierName: unknown): PodSettings {
  const init = gen.value.initContainers;
  if (!Array.isArray(init)) return gen.value;
  return { ...gen.value, initContainers: init.map((c) => (c && c.name === tierName ? { ...c, name: `${c.name}x` } : c)) };
}

/** The ConfigMaps the tiers' read-only volumes name, added to `chart` once each (in the tier's namespace), as a user has them. */
export function addReferencedConfigMaps(chart: Chart, ...tiers: Array<TierProps | undefined>): void {
  const wanted = new Map<string, { name: string; namespace?: string }>();
  for (const props of tiers) {
    const volumes = props?.readOnlyVolumes;
    // (a namespace that is wrong is the tier's problem; the ConfigMaps would only echo it)
    if (!Array.isArray(volumes) || (props?.namespace !== undefined && !isDns1123Label(props.namespace))) continue;
    for (const v of volumes) {
      if (!v || typeof v.configMapName !== 'string') continue;
      const namespace = typeof props?.namespace === 'string' ? props.namespace : undefined;
      wanted.set(`${namespace}/${v.configMapName}`, strip({ name: v.configMapName, namespace }));
    }
  }
  [...wanted.values()].forEach((metadata, i) => new k8s.KubeConfigMap(chart, `config-map-${i}`, { metadata }));
}

/** Resource defaults both tiers' defaults admit: the higher request and the lower limit of the web tier and the database. */
const BOTH_TIERS_RESOURCES = {
  cpuRequest: '250m',
  memoryRequest: '512Mi',
  memoryLimit: '256Mi',
  ephemeralStorageRequest: '128Mi',
  ephemeralStorageLimit: '256Mi',
};

/** Options for `TierDefaults.set`, each key mostly left out, else mostly valid; faults named `TierDefaults.<key>...`. */
export const tierDefaults: fc.Arbitrary<Gen<TierDefaultsOptions>> = fc
  .record({
    pod: podSettings,
    labels: fc.oneof(
      { weight: 2, arbitrary: fc.constant(clean<{ [k: string]: string } | undefined>(undefined)) },
      {
        weight: 1,
        arbitrary: mapOf('labels', labelKey, labelValue, {
          badKeys: fc.constantFrom('bad key', 'app.kubernetes.io/part-of', 'app.kubernetes.io/managed-by'),
          badValues: badLabelValues,
          keyProp: 'labels',
        }),
      },
    ),
    annotations: fc.oneof(
      { weight: 2, arbitrary: fc.constant(clean<{ [k: string]: string } | undefined>(undefined)) },
      {
        weight: 1,
        arbitrary: mapOf('annotations', fc.constantFrom('example.com/owner', 'team', 'a.b/c'), annotationValue, {
          badKeys: fc.constantFrom('bad key', 'kubectl.kubernetes.io/default-container', 'checksum/config'),
          badValues: fc.constantFrom<unknown>(5, {}, true),
          keyProp: 'annotations',
        }),
      },
    ),
    security: security(),
    resources: resources(BOTH_TIERS_RESOURCES),
    storageClassName: prop('storageClassName', fc.oneof(fc.constant(''), subdomain), { optional: true, invalid: fc.constantFrom<unknown>('Fast SSD', 5) }),
    unknown: fc.oneof({ weight: VALID_WEIGHT, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
  })
  .map((r) => {
    const { priorityClassName, nodeSelector, tolerations, imagePullSecrets, imageRegistry, nodeAffinity } = r.pod.value;
    // the pod settings' faults of keys that are defaults (not readOnlyVolumes, initContainers)
    const podFaults = r.pod.faults.filter((f) => !f.props.some((q) => q.startsWith('readOnlyVolumes') || q.startsWith('initContainers')));
    const value: TierDefaultsOptions = strip({
      ...{ priorityClassName, nodeSelector, tolerations, imagePullSecrets, imageRegistry, nodeAffinity },
      labels: r.labels.value,
      annotations: r.annotations.value,
      security: r.security.value,
      resources: r.resources.value,
      storageClassName: r.storageClassName.value,
      ...(r.unknown ? { priorityClass: 'x' } : {}),
    });
    const faults = [
      ...podFaults,
      ...faultsOf(r.labels, r.annotations, r.security, r.resources, r.storageClassName),
      ...(r.unknown ? faulty('x', 'priorityClass').faults : []),
    ];
    return { value, faults: prefixed(faults, 'TierDefaults.') };
  });
