import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { ApiObject, App, Chart, JsonPatch, Lazy, Testing } from 'cdk8s';
import { k8s } from '../src/_k8s';
import { compact } from '../src/_l1';
import { ObjectJson } from '../src/gitops/_object-json';
import { DatabaseEngine, StatefulDatabase, StatelessWebTier } from '../src';
import { chart, find, proxySidecar, synth } from './util';

const IMAGE = 'registry.example.com/shop/web:1.4.2';
const propsOf = (o: ApiObject) => (o as unknown as { props: Record<string, unknown> }).props;

const labelsOf = (o: ApiObject) => (o.metadata as unknown as { labels: unknown }).labels;
const optionsOf = (o: ApiObject) => (o.metadata as unknown as { _additionalAttributes: { labels?: unknown } })._additionalAttributes;

describe('compact', () => {
  test("keeps one copy of the labels: the metadata's own, which both renderers put over the options' copy", () => {
    const c = new Chart(new App(), 'c', { labels: { env: 'prod' } });
    const o = new k8s.KubeConfigMap(c, 'a', { metadata: { name: 'a', labels: { app: 'a' } }, data: { k: 'v' } });
    const json = o.toJson();
    expect(optionsOf(o).labels).not.toBe(labelsOf(o));
    compact(o);
    expect(optionsOf(o).labels).toBe(labelsOf(o));
    expect(o.toJson()).toEqual(json);
    o.metadata.addLabel('team', 'shop');
    expect(o.toJson().metadata.labels).toEqual({ env: 'prod', app: 'a', team: 'shop' });
  });

  test("leaves the options' labels alone when they are not the same as the metadata's", () => {
    const o = new k8s.KubeConfigMap(chart(), 'a', { metadata: { name: 'a', labels: { app: 'a' } } });
    o.metadata.addLabel('team', 'shop');
    const before = optionsOf(o).labels;
    compact(o);
    expect(optionsOf(o).labels).toBe(before);
    expect(o.toJson().metadata.labels).toEqual({ app: 'a', team: 'shop' });
  });

  test('keeps the keys in their order and the values themselves (not copies)', () => {
    const c = chart();
    const spec = { type: 'ClusterIP', ports: Lazy.any({ produce: () => [{ port: 80 }] }) };
    const o = new k8s.KubeService(c, 'a', { metadata: { name: 'a' }, spec });
    const before = propsOf(o);
    const json = o.toJson();
    expect(compact(o)).toBe(o);
    const after = propsOf(o);
    expect(after).not.toBe(before);
    expect(Object.keys(after)).toEqual(['apiVersion', 'kind', 'metadata', 'spec']);
    expect(after.spec).toBe(spec);
    expect(o.toJson()).toEqual(json);
  });

  test('keeps no copy of the metadata it was built from (the key stays, in its place): both renderers put the metadata over it', () => {
    const c = chart();
    const meta = { name: 'a', labels: { app: 'a' }, annotations: { note: 'x' } };
    const o = new k8s.KubeConfigMap(c, 'a', { metadata: meta, data: { k: 'v' } });
    const json = o.toJson();
    compact(o);
    expect(propsOf(o).metadata).toBeUndefined();
    expect(Object.keys(propsOf(o))).toEqual(['apiVersion', 'kind', 'metadata', 'data']);
    expect(o.toJson()).toEqual(json);
    expect(Object.keys(o.toJson())).toEqual(Object.keys(json));
    o.metadata.addAnnotation('later', 'y');
    expect(o.toJson().metadata.annotations).toEqual({ note: 'x', later: 'y' });
    expect(find(Testing.synth(c), 'ConfigMap', 'a').metadata).toEqual({ name: 'a', labels: { app: 'a' }, annotations: { note: 'x', later: 'y' } });
    // the library's one-pass renderer too
    expect(new ObjectJson().of(o)).toEqual(o.toJson());
  });

  test('an object without patches holds an empty list; a patch added later is applied', () => {
    const c = chart();
    const o = compact(new k8s.KubeConfigMap(c, 'a', { metadata: { name: 'a' }, data: { k: 'v' } }));
    const patches = (o as unknown as { patches: unknown[] }).patches;
    expect(patches).toEqual([]);
    o.addJsonPatch(JsonPatch.add('/data/extra', 'e'));
    expect((o as unknown as { patches: unknown[] }).patches).toHaveLength(1);
    expect(o.toJson().data).toEqual({ k: 'v', extra: 'e' });
    const before = new k8s.KubeConfigMap(c, 'b', { metadata: { name: 'b' } });
    before.addJsonPatch(JsonPatch.add('/data', { x: '1' }));
    compact(before);
    expect(before.toJson().data).toEqual({ x: '1' });
  });

  test('leaves props that are not a plain own field as they are', () => {
    const c = chart();
    const o = new k8s.KubeConfigMap(c, 'a', { metadata: { name: 'a' } });
    const getter = { get: () => ({ apiVersion: 'v1', kind: 'ConfigMap' }), configurable: true };
    Object.defineProperty(o, 'props', getter);
    expect(() => compact(o)).not.toThrow();
    expect(Object.getOwnPropertyDescriptor(o, 'props')?.get).toBe(getter.get);
  });

  test('a JSON patch and a label added after construction reach the output', () => {
    const c = chart();
    const web = new StatelessWebTier(c, 'web', { image: IMAGE });
    web.deployment.addJsonPatch(JsonPatch.add('/spec/paused', true));
    ApiObject.of(web).metadata.addLabel('team', 'shop');
    const deployment = find(synth(c), 'Deployment', 'web');
    expect(deployment.spec.paused).toBe(true);
    expect(deployment.metadata.labels.team).toBe('shop');
  });

  test('a connection made after both tiers are built reaches the containers and the policies', () => {
    const c = chart();
    const web = new StatelessWebTier(c, 'web', { image: IMAGE });
    const db = new StatefulDatabase(c, 'db', { engine: DatabaseEngine.postgres({ version: '16.4' }), secretName: 'db-credentials' });
    web.connectTo(db, { envPrefix: 'DB' });
    web.addSidecar(proxySidecar());
    const objects = synth(c);
    const containers = find(objects, 'Deployment', 'web').spec.template.spec.containers;
    expect(containers.map((x: { name: string }) => x.name)).toEqual(['web', 'proxy']);
    expect(containers[0].env.map((e: { name: string }) => e.name)).toEqual(expect.arrayContaining(['DB_HOST', 'DB_PORT']));
    const ingress = find(objects, 'NetworkPolicy', 'db').spec.ingress;
    expect(ingress).toEqual([expect.objectContaining({ from: [{ podSelector: { matchLabels: web.podSelectorLabels } }] })]);
  });

  test("every object a tier builds holds its props in its kind's one hidden class", () => {
    // (V8's own answer: a process with --allow-natives-syntax builds two apps and compares the props' maps)
    const script = `
      const { Chart, Testing, ApiObject } = require('cdk8s');
      const { StatelessWebTier, StatefulDatabase, DatabaseEngine } = require('./src');
      const same = new Function('a', 'b', 'return %HaveSameMap(a, b)');
      const byKind = new Map();
      for (let i = 0; i < 30; i++) {
        const c = new Chart(Testing.app(), 'c' + i);
        const web = new StatelessWebTier(c, 'web', { image: '${IMAGE}', nodePort: 30000 + i });
        const db = new StatefulDatabase(c, 'db', { engine: DatabaseEngine.postgres({ version: '16.4' }), secretName: 'db-credentials' });
        web.connectTo(db);
        for (const o of c.node.findAll().filter((x) => ApiObject.isApiObject(x))) {
          const key = o.kind + ' ' + o.node.id;
          if (!byKind.has(key)) byKind.set(key, []);
          byKind.get(key).push(o.props);
        }
      }
      const distinct = [...byKind].filter(([, l]) => l.some((p) => !same(p, l[0]))).map(([k]) => k);
      process.stdout.write(JSON.stringify({ kinds: byKind.size, distinct }));
    `;
    const run = spawnSync(process.execPath, ['--allow-natives-syntax', '-r', 'ts-node/register', '-e', script], {
      cwd: path.join(__dirname, '..'),
      encoding: 'utf8',
    });
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toEqual({ kinds: 6, distinct: [] });
  });
});

test('Testing.synth of a chart renders as before (the objects themselves)', () => {
  const c = chart();
  new StatelessWebTier(c, 'web', { image: IMAGE });
  expect(Testing.synth(c).map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
    'Deployment/web',
    'Service/web',
    'NetworkPolicy/web',
    'PodDisruptionBudget/web',
  ]);
});
