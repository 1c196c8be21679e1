/**
 * The one-pass JSON of ApiObjects (src/gitops/_object-json.ts) is exactly what
 * `toJson()` gives, on every object it renders, and hands everything it is not
 * certain of to `toJson()`.
 */
import { isDeepStrictEqual } from 'node:util';
import { ApiObject, App, Chart, IResolver, JsonPatch, Lazy, ResolutionContext } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import * as fc from 'fast-check';
import { StatefulDatabase, StatelessWebTier } from '../src';
import { ObjectJson } from '../src/gitops/_object-json';
import { plain } from '../src/gitops/_plain';
import { buildLibrary } from '../bench/estate';
import { addReferencedConfigMaps } from './arbitraries-pod';
import { app, RUNS, SEED, strip } from './arbitraries';
import { pairCase } from './arbitraries-pair';
import { shopApp } from './gitops-fixture';

jest.setTimeout(10 * 60 * 1000);
beforeAll(() => jest.spyOn(console, 'warn').mockImplementation(() => undefined));
afterAll(() => jest.restoreAllMocks());

/** What rendering gives: the JSON, or the message it threw. */
function outcome(render: () => unknown): unknown {
  try {
    return { json: render() };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

/**
 * Objects of `root` whose one-pass JSON differs from toJson() (path and both
 * results), and classes the self-check had to hand to toJson() (which would
 * hide a difference). Expects the one pass to have rendered `classes`.
 */
function mismatches(root: Construct, classes: string[], seen = new Set<string>()): Array<{ path: string; fast: unknown; slow: unknown }> {
  const json = new ObjectJson();
  const out: Array<{ path: string; fast: unknown; slow: unknown }> = [];
  for (const c of root.node.findAll()) {
    if (!ApiObject.isApiObject(c)) continue;
    const fast = outcome(() => json.of(c));
    const slow = outcome(() => c.toJson());
    if (!isDeepStrictEqual(fast, slow)) out.push({ path: c.node.path, fast, slow });
  }
  for (const [name, same] of Object.entries(json.selfChecks)) if (!same) out.push({ path: `the first ${name}`, fast: 'differed', slow: 'toJson()' });
  Object.keys(json.selfChecks).forEach((name) => seen.add(name));
  expect([...seen]).toEqual(expect.arrayContaining(classes));
  return out;
}

function count(root: Construct): number {
  return root.node.findAll().filter((c) => ApiObject.isApiObject(c)).length;
}

test('the example shop (three environments, Argo CD) renders to the same JSON as toJson()', () => {
  const shop = shopApp({ outdir: '/dev/null/never-written', argoCd: { repoURL: 'https://git.example.com/shop.git' } });
  expect(count(shop)).toBeGreaterThan(30);
  expect(
    mismatches(shop, [
      'ApiObject',
      'KubeDeployment',
      'KubeService',
      'KubeNetworkPolicy',
      'KubePodDisruptionBudget',
      'KubeHorizontalPodAutoscalerV2',
      'KubeConfigMap',
    ]),
  ).toEqual([]);
});

test('the benchmark estate renders to the same JSON as toJson()', () => {
  const estate = buildLibrary(20, '/dev/null/never-written');
  expect(count(estate)).toBe(161);
  expect(mismatches(estate, ['KubeDeployment', 'KubeService', 'KubeNetworkPolicy', 'KubePodDisruptionBudget', 'TierStatefulSet'])).toEqual([]);
});

test(`generated web tiers connected to generated databases render to the same JSON as toJson() (${Math.ceil(RUNS / 20)} pairs)`, () => {
  let rendered = 0;
  const seen = new Set<string>();
  fc.assert(
    fc.property(pairCase, (c) => {
      const chart = new Chart(app(), 'test');
      try {
        const web = new StatelessWebTier(chart, 'web', c.web.props);
        const db = new StatefulDatabase(chart, 'db', c.db.props);
        web.connectTo(db, strip({ envPrefix: c.envPrefix }));
        addReferencedConfigMaps(chart, c.web.props, c.db.props);
      } catch {
        return; // a case with a bad prop builds nothing to render
      }
      rendered += count(chart);
      expect(mismatches(chart, [], seen)).toEqual([]);
    }),
    { numRuns: Math.ceil(RUNS / 20), seed: SEED + 14 },
  );
  expect(rendered).toBeGreaterThan(0);
  expect([...seen]).toEqual(
    expect.arrayContaining(['KubeDeployment', 'KubeService', 'KubeNetworkPolicy', 'KubePodDisruptionBudget', 'TierStatefulSet', 'KubeConfigMap']),
  );
});

describe('what the one pass leaves to toJson()', () => {
  function chart(): Chart {
    return new Chart(new App({ outdir: '/dev/null/never-written' }), 'c');
  }

  test('a JSON patch is applied (through the typed converter, as toJson() does)', () => {
    const c = chart();
    const cm = new k8s.KubeConfigMap(c, 'cm', { data: { a: '1' } });
    cm.addJsonPatch(JsonPatch.add('/data/b', '2'));
    expect(new ObjectJson().of(cm)).toEqual(cm.toJson());
    expect((new ObjectJson().of(cm) as { data: unknown }).data).toEqual({ a: '1', b: '2' });
  });

  test('Lazy values, IntOrString and Quantity, nulls and undefined in mappings and lists', () => {
    const c = chart();
    const d = new k8s.KubeDeployment(c, 'd', {
      spec: {
        selector: { matchLabels: { app: 'a' } },
        strategy: {
          rollingUpdate: { maxSurge: k8s.IntOrString.fromString('25%'), maxUnavailable: Lazy.any({ produce: () => k8s.IntOrString.fromNumber(0) }) },
        },
        template: {
          metadata: { labels: { app: 'a' }, annotations: Lazy.any({ produce: () => ({ b: 'x', a: undefined }) }) },
          spec: {
            containers: [
              {
                name: 'a',
                image: 'nginx:1.27',
                args: Lazy.any({ produce: () => ['x', Lazy.any({ produce: () => 'y' })] }),
                resources: { limits: { memory: k8s.Quantity.fromString('64Mi') } },
              },
            ],
          },
        },
      },
    });
    const renderer = new ObjectJson();
    const json = renderer.of(d);
    expect(renderer.selfChecks).toEqual({ KubeDeployment: true });
    expect(isDeepStrictEqual(json, d.toJson())).toBe(true);
    expect(json).toMatchObject({
      spec: {
        strategy: { rollingUpdate: { maxSurge: '25%', maxUnavailable: 0 } },
        template: { metadata: { annotations: { b: 'x' } }, spec: { containers: [{ args: ['x', 'y'], resources: { limits: { memory: '64Mi' } } }] } },
      },
    });
  });

  test('metadata: empty lists and mappings left out at every depth, added attributes, owner references, a Lazy label', () => {
    const c = chart();
    const cm = new k8s.KubeConfigMap(c, 'cm', {
      metadata: { annotations: {}, finalizers: [], labels: { a: Lazy.any({ produce: () => 'b' }) as unknown as string } },
    });
    cm.metadata.add('generateName', 'x-');
    cm.metadata.add('managedFields', [{ fieldsV1: {}, manager: 'm' }, {}]);
    cm.metadata.add('empty', { inner: { list: [] } });
    cm.metadata.addOwnerReference({ apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: 'u' });
    const bare = new k8s.KubeSecret(c, 'bare', {});
    const renderer = new ObjectJson();
    const json = renderer.of(cm);
    expect(isDeepStrictEqual(json, cm.toJson())).toBe(true);
    expect(isDeepStrictEqual(renderer.of(bare), bare.toJson())).toBe(true);
    expect(renderer.selfChecks).toEqual({ KubeConfigMap: true, KubeSecret: true });
    expect((json as { metadata: unknown }).metadata).toEqual({
      name: cm.name,
      generateName: 'x-',
      labels: { a: 'b' },
      managedFields: [{ manager: 'm' }, undefined],
      ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: 'u' }],
    });
  });

  test('metadata and props in the order toJson() resolves them: attributes named like its fields, a `__proto__` key, props without metadata', () => {
    const c = chart();
    const order: string[] = [];
    const lazy = (name: string, value: unknown) => Lazy.any({ produce: () => (order.push(name), value) }) as unknown as string;
    const cm = new k8s.KubeConfigMap(c, 'cm', {
      data: { a: lazy('data', 'x') },
      metadata: { labels: { l: lazy('label', 'v') }, namespace: lazy('namespace', 'ns') },
    });
    cm.metadata.add('generateName', lazy('generateName', 'g-'));
    cm.metadata.add('name', 'not-the-name');
    const expected = cm.toJson();
    const toJsonOrder = order.splice(0);
    const renderer = new ObjectJson();
    renderer.of(new k8s.KubeConfigMap(c, 'first', {})); // its self-check, which calls toJson() too
    const json = renderer.of(cm);
    expect(order).toEqual(toJsonOrder);
    expect(isDeepStrictEqual(json, expected)).toBe(true);
    expect((json as { metadata: unknown }).metadata).toEqual({ name: cm.name, namespace: 'ns', labels: { l: 'v' }, generateName: 'g-' });
    const noMetadata = new ApiObject(c, 'plain', { apiVersion: 'v1', kind: 'ConfigMap', data: { a: '1' } });
    expect(isDeepStrictEqual(new ObjectJson().of(noMetadata), noMetadata.toJson())).toBe(true);
    const protoInMetadata = new k8s.KubeConfigMap(c, 'p', { metadata: JSON.parse('{"__proto__": {"a": "b"}}') });
    const protoInProps = new k8s.KubeConfigMap(c, 'q', JSON.parse('{"data": {"a": "1"}, "__proto__": {"b": "2"}}'));
    const protoInSpec = new k8s.KubeDeployment(c, 'r', {
      spec: JSON.parse('{"selector": {}, "template": {}, "replicas": null, "__proto__": {"replicas": 3}}'),
    });
    renderer.of(new k8s.KubeDeployment(c, 'first-deployment', { spec: { selector: {}, template: {} } }));
    expect(renderer.selfChecks).toEqual({ KubeConfigMap: true, KubeDeployment: true });
    for (const o of [protoInMetadata, protoInProps, protoInSpec]) expect(outcome(() => renderer.of(o))).toEqual(outcome(() => o.toJson()));
  });

  test('a mapping with a prototype of its own (inherited fields toJson() does not see) is left to toJson()', () => {
    const c = chart();
    const spec = Object.assign(Object.create({ replicas: 3, selector: { matchLabels: { inherited: 'yes' } } }) as object, { minReadySeconds: 5 });
    const d = new k8s.KubeDeployment(c, 'd', { spec: spec as k8s.DeploymentSpec });
    const renderer = new ObjectJson();
    renderer.of(new k8s.KubeDeployment(c, 'first', { spec: { selector: {}, template: {} } })); // its self-check, which calls toJson() too
    const json = renderer.of(d);
    expect(renderer.selfChecks).toEqual({ KubeDeployment: true });
    expect(isDeepStrictEqual(json, d.toJson())).toBe(true);
    expect((json as { spec: unknown }).spec).toEqual({ minReadySeconds: 5 });
  });

  test('a list with holes, and props or added attributes with their own `constructor` or `resolve`, give what toJson() gives', () => {
    const c = chart();
    const renderer = new ObjectJson();
    renderer.of(new k8s.KubeNamespace(c, 'first', {}));
    renderer.of(new k8s.KubeConfigMap(c, 'first-cm', {}));
    // eslint-disable-next-line no-sparse-arrays
    const holes = new k8s.KubeNamespace(c, 'holes', { spec: { finalizers: ['a', , 'b'] as string[] } });
    const ownConstructor = new k8s.KubeNamespace(c, 'ctor', { constructor: 1 } as k8s.KubeNamespaceProps);
    const ownResolve = new k8s.KubeConfigMap(c, 'resolve', { data: { a: '1' }, resolve: 'not a function' } as k8s.KubeConfigMapProps);
    const attribute = new k8s.KubeConfigMap(c, 'attribute', {});
    attribute.metadata.add('constructor', 'x');
    for (const o of [holes, ownConstructor, ownResolve, attribute])
      expect([o.node.id, outcome(() => renderer.of(o))]).toEqual([o.node.id, outcome(() => o.toJson())]);
    expect(renderer.selfChecks).toEqual({ KubeNamespace: true, KubeConfigMap: true });
    expect(1 in ((renderer.of(holes) as { spec: { finalizers: unknown[] } }).spec.finalizers as unknown[])).toBe(false);
  });

  test('keys inherited from Object.prototype are not own fields: rendered as toJson() renders them, before and after a value the pass leaves out', () => {
    const c = chart();
    const unset = undefined as unknown as string; // what JavaScript can pass
    const objects = [
      new k8s.KubeConfigMap(c, 'cm', { metadata: { labels: { a: 'x', b: unset, c: 'z' }, annotations: {} }, data: { k: 'v', none: unset, l: 'w' } }),
      new k8s.KubeDeployment(c, 'd', {
        spec: { selector: { matchLabels: { app: 'a' } }, template: { metadata: { labels: { app: 'a' } }, spec: { containers: [] } } },
      }),
    ];
    const expected = objects.map((o) => outcome(() => new ObjectJson().of(o)));
    expect(expected).toEqual(objects.map((o) => outcome(() => o.toJson())));
    expect(expected[0]).toEqual({
      json: expect.objectContaining({ data: { k: 'v', l: 'w' }, metadata: expect.objectContaining({ labels: { a: 'x', c: 'z' } }) }),
    });
    // the one pass itself (the typed converters copy known fields only, which would hide an inherited key)
    const values = (): unknown[] => [
      plain({ a: 1, b: undefined, c: { d: null, e: 2 } }, false),
      plain({ none: undefined, empty: {} }, true),
      plain({ a: 1 }, true),
    ];
    const own = values();
    expect(own).toEqual([{ a: 1, c: { e: 2 } }, undefined, { a: 1 }]);
    let polluted: unknown[];
    Object.defineProperty(Object.prototype, 'inherited', { value: 'x', enumerable: true, configurable: true, writable: true });
    try {
      polluted = [...objects.map((o) => outcome(() => new ObjectJson().of(o))), ...values()];
    } finally {
      delete (Object.prototype as { inherited?: unknown }).inherited;
    }
    expect(polluted).toEqual([...expected, ...own]); // compared without the inherited key, which the comparison would see on both sides
  });

  test('a Lazy that throws gives the error toJson() gives', () => {
    const c = chart();
    const cm = new k8s.KubeConfigMap(c, 'cm', {
      data: Lazy.any({
        produce: () => {
          throw new Error('no data yet');
        },
      }),
    });
    expect(() => new ObjectJson().of(cm)).toThrow(/^Failed serializing construct at path 'c\/cm' with name 'c-cm-[0-9a-f]+': Error: no data yet$/);
  });

  test('an implicit token (an object with resolve()) is resolved as toJson() resolves it', () => {
    const c = chart();
    const cm = new k8s.KubeConfigMap(c, 'cm', { data: { a: { resolve: () => 'resolved' } as unknown as string } });
    expect(new ObjectJson().of(cm)).toEqual({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: cm.name }, data: { a: 'resolved' } });
  });

  test("an app's own resolver is applied", () => {
    const c = chart();
    const upper: IResolver = {
      resolve: (ctx: ResolutionContext) => {
        // cdk8s resolves a replaced value again: replace only what changes
        if (typeof ctx.value === 'string' && ctx.key.join('.') === 'data.a' && ctx.value !== ctx.value.toUpperCase()) ctx.replaceValue(ctx.value.toUpperCase());
      },
    };
    App.of(c).resolvers.push(upper);
    const cm = new k8s.KubeConfigMap(c, 'cm', { data: { a: 'x' } });
    expect((new ObjectJson().of(cm) as { data: unknown }).data).toEqual({ a: 'X' });
  });

  test('a subclass with a toJson() of its own, and a class instance in the props', () => {
    class Stamped extends k8s.KubeConfigMap {
      public toJson() {
        return { ...super.toJson(), data: { stamped: 'yes' } };
      }
    }
    const c = chart();
    const s = new Stamped(c, 's', { data: { a: '1' } });
    expect((new ObjectJson().of(s) as { data: unknown }).data).toEqual({ stamped: 'yes' });
    const bad = new k8s.KubeConfigMap(c, 'bad', { data: { a: new Date(0) as unknown as string } });
    expect(() => new ObjectJson().of(bad)).toThrow(/can't render non-simple object of type 'Date'/);
  });

  test('a class whose toJson() the one pass does not match is rendered by toJson() from its first object on', () => {
    const c = chart();
    const first = new k8s.KubeConfigMap(c, 'first', { data: { a: '1' } });
    const second = new k8s.KubeConfigMap(c, 'second', { data: { a: '2' } });
    const other = new k8s.KubeSecret(c, 'secret', { stringData: { a: '3' } });
    const original = k8s.KubeConfigMap.prototype.toJson;
    const spy = jest.spyOn(k8s.KubeConfigMap.prototype, 'toJson').mockImplementation(function (this: k8s.KubeConfigMap) {
      return { ...original.call(this), extra: 'from a newer cdk8s' };
    });
    try {
      const json = new ObjectJson();
      expect(json.of(first)).toMatchObject({ extra: 'from a newer cdk8s', data: { a: '1' } });
      expect(json.of(second)).toMatchObject({ extra: 'from a newer cdk8s', data: { a: '2' } });
      expect(json.of(other)).toEqual(other.toJson());
    } finally {
      spy.mockRestore();
    }
  });
});
