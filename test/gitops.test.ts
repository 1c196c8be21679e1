/**
 * The GitOps tree: layout, file names, kustomization, serialisation, and the
 * real `kubectl kustomize` building each folder into the same objects.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { ApiObject, App, Chart, JsonPatch } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { load, loadAll } from 'js-yaml';
import { Environment, GitOpsApp } from '../src/gitops';
import { fileNames } from '../src/gitops/_file-names';
import { APPLY_ORDER, sortObjects } from '../src/gitops/_render';
import { canonical, METADATA_KEYS, TOP_KEYS } from '../src/gitops/_serialize';
import * as fc from 'fast-check';
import { RUNS, SEED } from './arbitraries';
import { Manifest } from './util';
import { shopApp, snapshotTree, tempDir } from './gitops-fixture';

const ARGO = { repoURL: 'https://github.com/acme/shop-gitops.git', targetRevision: 'main', path: 'dist' };
const dirs: string[] = [];
function outdir(): string {
  const d = tempDir();
  dirs.push(d);
  return path.join(d, 'dist');
}
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

const readYaml = (file: string): Manifest => load(fs.readFileSync(file, 'utf8')) as Manifest;
const key = (o: Manifest): string => `${o.apiVersion}|${o.kind}|${o.metadata?.namespace ?? ''}|${o.metadata?.name}`;
const objectFiles = (dir: string): string[] =>
  fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml')
    .sort();

/** The objects the constructs of `env` produce, as cdk8s renders them (without the writer). */
function constructObjects(env: Environment): Manifest[] {
  return env.node
    .findAll()
    .filter(ApiObject.isApiObject)
    .map((o) => o.toJson() as Manifest)
    .map((o) => (o.kind === 'Namespace' ? { ...o, metadata: { ...o.metadata, namespace: undefined } } : o))
    .map((o) => JSON.parse(JSON.stringify(o)));
}

describe('layout', () => {
  const dir = outdir();
  const app = shopApp({ outdir: dir, argoCd: ARGO });
  app.synth();

  test('one folder per environment, one file per object, a kustomization.yaml and a README.md', () => {
    const tree = [...snapshotTree(dir).keys()].sort();
    expect(tree).toMatchSnapshot();
    expect(fs.readdirSync(dir).sort()).toEqual(['.cdk8s-tiers', 'argocd', 'dev', 'prod', 'staging']);
    for (const env of ['dev', 'staging', 'prod']) {
      expect(fs.readdirSync(path.join(dir, env))).toEqual(expect.arrayContaining(['kustomization.yaml', 'README.md', `namespace-shop-${env}.yaml`]));
    }
  });

  test('each file holds exactly one object, named <kind>-<namespace>-<name>.yaml', () => {
    for (const env of ['dev', 'staging', 'prod']) {
      for (const f of objectFiles(path.join(dir, env))) {
        const docs = loadAll(fs.readFileSync(path.join(dir, env, f), 'utf8')) as Manifest[];
        expect(docs).toHaveLength(1);
        const o = docs[0];
        const expected = [o.kind.toLowerCase(), ...(o.metadata.namespace ? [o.metadata.namespace] : []), o.metadata.name].join('-');
        expect(f).toBe(`${expected}.yaml`);
      }
    }
  });

  test('kustomization.yaml lists every object file once, in apply order', () => {
    for (const env of ['dev', 'staging', 'prod', 'argocd']) {
      const k = readYaml(path.join(dir, env, 'kustomization.yaml'));
      expect(k.apiVersion).toBe('kustomize.config.k8s.io/v1beta1');
      expect(k.kind).toBe('Kustomization');
      expect([...k.resources].sort()).toEqual(objectFiles(path.join(dir, env)));
      const ranks = (k.resources as string[]).map((f) => APPLY_ORDER.indexOf(readYaml(path.join(dir, env, f)).kind));
      expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
    }
    expect(readYaml(path.join(dir, 'prod', 'kustomization.yaml')).resources).toMatchSnapshot();
  });

  test('apply order: rank of the kind (unlisted kinds last), then kind, namespace, name and apiVersion; ties keep their order', () => {
    const chart = new Chart(new App(), 'c');
    const manifests: Manifest[] = [
      { apiVersion: 'v1', kind: 'Zeta', metadata: { name: 'a' } },
      { apiVersion: 'v2', kind: 'Service', metadata: { name: 's', namespace: 'b' } },
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 's', namespace: 'b' } },
      { apiVersion: 'v1', kind: 'Alpha', metadata: { name: 'z' } },
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 't', namespace: 'a' } },
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 'u' } },
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'b' } },
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 's', namespace: 'b' }, spec: { second: true } },
    ];
    const objects = manifests.map((m, i) => new ApiObject(chart, `o${i}`, { apiVersion: String(m.apiVersion), kind: String(m.kind) }));
    const problems: string[] = [];
    const sorted = sortObjects(objects, problems, (o) => manifests[objects.indexOf(o)]);
    expect(problems).toEqual([]);
    expect(sorted.map((o) => o.path)).toEqual(['c/o6', 'c/o5', 'c/o4', 'c/o2', 'c/o7', 'c/o1', 'c/o3', 'c/o0']);
    expect(Object.keys(sorted[0])).toEqual(['path', 'object']);
  });

  test('kubectl kustomize builds every folder into exactly the objects of its files', () => {
    for (const env of ['dev', 'staging', 'prod', 'argocd']) {
      const folder = path.join(dir, env);
      const built = loadAll(execFileSync('kubectl', ['kustomize', folder], { encoding: 'utf8' })) as Manifest[];
      const files = objectFiles(folder).map((f) => readYaml(path.join(folder, f)));
      expect(built.length).toBe(files.length);
      const byKey = new Map(built.map((o) => [key(o), o]));
      for (const o of files) expect(byKey.get(key(o))).toStrictEqual(o);
    }
  });

  test('the files parse back to the objects the constructs render', () => {
    for (const env of app.environments) {
      const folder = path.join(dir, env.name);
      const files = new Map(
        objectFiles(folder)
          .map((f) => readYaml(path.join(folder, f)))
          .map((o) => [key(o), o]),
      );
      const expected = constructObjects(env);
      expect(files.size).toBe(expected.length);
      for (const o of expected) expect(isDeepStrictEqual(files.get(key(o)), o)).toBe(true);
    }
  });

  test('the Namespace is cluster-scoped and enforces the restricted Pod Security Standard', () => {
    const ns = readYaml(path.join(dir, 'dev', 'namespace-shop-dev.yaml'));
    expect(ns.metadata.namespace).toBeUndefined();
    expect(ns.metadata.labels).toMatchObject({
      'pod-security.kubernetes.io/enforce': 'restricted',
      'pod-security.kubernetes.io/enforce-version': 'v1.28',
      'pod-security.kubernetes.io/audit': 'restricted',
      'pod-security.kubernetes.io/warn': 'restricted',
    });
  });

  test('per-environment overrides reach the objects', () => {
    const dev = readYaml(path.join(dir, 'dev', 'deployment-shop-dev-api.yaml'));
    const prod = readYaml(path.join(dir, 'prod', 'deployment-shop-prod-api.yaml'));
    expect(dev.spec.template.spec.containers[0].image).toBe('ghcr.io/stefanprodan/podinfo:6.8.0');
    expect(prod.spec.template.spec.containers[0].image).toBe('ghcr.io/stefanprodan/podinfo:6.7.1');
    expect(prod.spec.template.spec.containers[0].resources.limits.memory).toBe('512Mi');
    const ports = ['dev', 'staging', 'prod'].map((e) => readYaml(path.join(dir, e, `service-shop-${e}-front.yaml`)).spec.ports[0].nodePort);
    expect(ports).toEqual([30080, 30081, 30082]);
    expect(readYaml(path.join(dir, 'dev', 'horizontalpodautoscaler-shop-dev-api.yaml')).spec.maxReplicas).toBe(3);
    expect(fs.existsSync(path.join(dir, 'staging', 'horizontalpodautoscaler-shop-staging-front.yaml'))).toBe(false);
    expect(readYaml(path.join(dir, 'staging', 'deployment-shop-staging-front.yaml')).spec.replicas).toBe(3);
  });

  test('Argo CD Applications go into argocd/, one per environment, pointing at its folder', () => {
    expect(objectFiles(path.join(dir, 'argocd'))).toEqual([
      'application-argocd-shop-dev.yaml',
      'application-argocd-shop-prod.yaml',
      'application-argocd-shop-staging.yaml',
    ]);
    const a = readYaml(path.join(dir, 'argocd', 'application-argocd-shop-prod.yaml'));
    expect(a).toMatchSnapshot();
    expect(a.spec.source.path).toBe('dist/prod');
    expect(a.spec.destination.namespace).toBe('shop-prod');
    for (const env of ['dev', 'staging', 'prod']) {
      expect(objectFiles(path.join(dir, env)).some((f) => f.startsWith('application-'))).toBe(false);
    }
  });
});

describe('serialisation', () => {
  test('keys in conventional order: apiVersion, kind, metadata (name, namespace, labels, annotations), spec; deeper keys sorted', () => {
    const dir = outdir();
    shopApp({ outdir: dir }).synth();
    const text = fs.readFileSync(path.join(dir, 'dev', 'deployment-shop-dev-front.yaml'), 'utf8');
    expect(text).toMatchSnapshot();
    const top = text
      .split('\n')
      .filter((l) => /^\S/.test(l))
      .map((l) => l.split(':')[0]);
    expect(top).toEqual(['apiVersion', 'kind', 'metadata', 'spec']);
    const meta = text
      .split('\n')
      .filter((l) => /^ {2}\S/.test(l))
      .slice(0, 3)
      .map((l) => l.trim().split(':')[0]);
    expect(meta).toEqual(['name', 'namespace', 'labels']);
    const template = text.slice(text.indexOf('  template:\n'));
    expect(template.indexOf('      labels:')).toBeLessThan(template.indexOf('      annotations:'));
    const spec = text
      .split('\n')
      .filter((l) => /^ {2}\S/.test(l))
      .map((l) => l.trim().split(':')[0])
      .slice(4);
    expect(spec).toEqual([...spec].sort());
  });

  test('canonical form: reorders what is out of order (also deep), shares what is already canonical', () => {
    const spec = { a: 1, b: { c: [1, { d: 'x', e: true }] } };
    const template = { metadata: { annotations: { z: '1' }, labels: { a: 'b' } }, spec: { y: 1, x: 2 } };
    const o: Manifest = {
      metadata: { labels: { x: 'y' }, name: 'n', finalizers: ['f'] },
      kind: 'K',
      apiVersion: 'v1',
      spec,
      status: {},
      data: { k: 'v' },
      template,
    };
    const c = canonical(o, []);
    expect(Object.keys(c)).toEqual(['apiVersion', 'kind', 'metadata', 'spec', 'data', 'status', 'template']);
    expect(Object.keys(c.metadata as Manifest)).toEqual(['name', 'labels', 'finalizers']);
    expect(c.spec).toBe(spec);
    const t = c.template as Manifest;
    expect(Object.keys(t.metadata)).toEqual(['labels', 'annotations']);
    expect(Object.keys(t.spec)).toEqual(['x', 'y']);
    expect(o.template).toBe(template);
    expect(Object.keys(template.spec)).toEqual(['y', 'x']);
    const clean: Manifest = { apiVersion: 'v1', kind: 'K', metadata: { name: 'n' }, spec };
    expect(canonical(clean, [])).toBe(clean);
  });

  test('canonical form: keys sorted by UTF-16 code units (as Array.prototype.sort), for few keys and for many', () => {
    const few = ['b', 'B', '10', '9', 'é', 'a-b', 'a_b', 'a.b', '\u{1F600}', '\uFFFD', ''];
    const many = Array.from({ length: 40 }, (_, i) => `k${(i * 7) % 40}`).concat(few.map((k) => `x${k}`));
    for (const keys of [few, many]) {
      const c = canonical({ spec: Object.fromEntries(keys.map((k) => [k, 1])) }, []);
      // integer-like keys ('9', '10') come first in any object, in numeric order
      expect(Object.keys(c.spec as Manifest)).toEqual(Object.keys(Object.fromEntries([...keys].sort().map((k) => [k, 1]))));
    }
    const meta = canonical({ metadata: { z: 1, labels: {}, y: 2, name: 'n', b: 3, annotations: {}, a: 4 } }, []);
    expect(Object.keys(meta.metadata as Manifest)).toEqual(['name', 'labels', 'annotations', 'a', 'b', 'y', 'z']);
  });

  test('canonical form: the documented order at every depth, from any insertion order; what is canonical is shared (also with keys inherited from Object.prototype)', () => {
    /** The canonical form as the file comment of _serialize.ts states it, built from scratch. */
    const reference = (value: unknown, first: readonly string[]): unknown => {
      if (Array.isArray(value)) return value.map((v) => reference(v, []));
      if (value === null || typeof value !== 'object') return value;
      const keys = Object.keys(value);
      const order = [...first.filter((k) => keys.includes(k)), ...keys.filter((k) => !first.includes(k)).sort()];
      return Object.fromEntries(order.map((k) => [k, reference((value as Manifest)[k], k === 'metadata' ? METADATA_KEYS : [])]));
    };
    // no integer-like keys: an object lists them first whatever the order (see the test above)
    const key = fc.oneof(
      fc.constantFrom(...TOP_KEYS, ...METADATA_KEYS, 'metadata', 'a', 'b', 'z', 'B', 'é', 'a.b', 'a-b', '1a', '-1'),
      fc.string({ maxLength: 4 }).filter((k) => !/^(?:0|[1-9][0-9]*)$/.test(k)),
    );
    const scalar = fc.oneof(fc.constantFrom('x', 'N', 'u', ''), fc.integer(), fc.boolean());
    const { tree } = fc.letrec((tie) => ({
      tree: fc.oneof({ depthSize: 'small' }, scalar, tie('list'), tie('map')),
      list: fc.array(tie('tree'), { maxLength: 3 }),
      map: fc.oneof(fc.dictionary(key, tie('tree'), { maxKeys: 6 }), fc.record({ metadata: fc.dictionary(key, tie('tree'), { maxKeys: 6 }) })),
    }));
    const manifest = fc.dictionary(key, tree, { maxKeys: 8 });
    const check = (m: Manifest) => {
      const bad: string[] = [];
      const c = canonical(m, bad);
      expect(bad).toEqual([]);
      expect(JSON.stringify(c)).toBe(JSON.stringify(reference(m, TOP_KEYS)));
      expect(canonical(c, [])).toBe(c);
      if (JSON.stringify(m) === JSON.stringify(c)) expect(c).toBe(m);
    };
    fc.assert(fc.property(manifest, check), { numRuns: RUNS / 10, seed: SEED });
    Object.defineProperty(Object.prototype, 'inherited', { value: 'x', enumerable: true, configurable: true, writable: true });
    try {
      fc.assert(fc.property(manifest, check), { numRuns: RUNS / 100, seed: SEED });
    } finally {
      delete (Object.prototype as { inherited?: unknown }).inherited;
    }
  });

  test('canonical form: reports each value that must not be written by its path, in mappings and lists, and leaves it out', () => {
    const o: Manifest = {
      apiVersion: 'v1',
      kind: 'K',
      metadata: { name: 'NaN', labels: { u: 'undefined', n: 'Nan', b: '[object Object]', x: 'unset' } },
      spec: { list: ['NaN', 'N', 'u', '[x]', Number.NaN, true, Infinity, null], flag: false, count: -Infinity, none: undefined },
    };
    const bad: string[] = [];
    const c = canonical(o, bad);
    expect(bad).toEqual([
      'metadata.name: got "NaN"',
      'metadata.labels.b: got "[object Object]"',
      'metadata.labels.u: got "undefined"',
      'spec.count: got -Infinity',
      'spec.list[0]: got "NaN"',
      'spec.list[4]: got NaN',
      'spec.list[6]: got Infinity',
      'spec.list[7]: got null',
      'spec.none: got undefined',
    ]);
    expect(c.spec).toEqual({ flag: false, list: ['NaN', 'N', 'u', '[x]', true] });
    expect(Object.keys(c.spec as Manifest)).toEqual(['flag', 'list']);
    expect(Object.keys((c.metadata as Manifest).labels as Manifest)).toEqual(['b', 'n', 'u', 'x']);
  });

  test('data keys follow type in Secrets and ConfigMaps', () => {
    const dir = outdir();
    const app = new GitOpsApp({ outdir: dir, cliOutdir: '' });
    const env = new Environment(app, 'dev');
    new k8s.KubeSecret(env, 's', { metadata: { name: 's' }, type: 'Opaque', immutable: true });
    app.synth();
    const text = fs.readFileSync(path.join(dir, 'dev', 'secret-dev-s.yaml'), 'utf8');
    expect(
      text
        .split('\n')
        .filter((l) => /^\S/.test(l))
        .map((l) => l.split(':')[0]),
    ).toEqual(['apiVersion', 'kind', 'metadata', 'type', 'immutable']);
  });

  test('two synths write byte-identical trees, also in another process with other settings', () => {
    const a = outdir();
    const b = outdir();
    shopApp({ outdir: a, argoCd: ARGO }).synth();
    shopApp({ outdir: b, argoCd: ARGO }).synth();
    expect(snapshotTree(b)).toEqual(snapshotTree(a));
    const c = outdir();
    const script = path.join(path.dirname(c), 'synth.ts');
    fs.writeFileSync(
      script,
      [
        `import { shopApp } from ${JSON.stringify(path.resolve(__dirname, 'gitops-fixture'))};`,
        `shopApp({ outdir: ${JSON.stringify(c)}, argoCd: ${JSON.stringify(ARGO)} }).synth();`,
      ].join('\n'),
    );
    execFileSync(process.execPath, [require.resolve('ts-node/dist/bin'), '--swc', script], {
      env: { ...process.env, CDK8S_DISABLE_SORT: '1', LANG: 'tr_TR.UTF-8', LC_ALL: 'tr_TR.UTF-8', TZ: 'Pacific/Chatham' },
      stdio: 'pipe',
    });
    expect(snapshotTree(c)).toEqual(snapshotTree(a));
  });

  test('strings that YAML could read as something else survive kubectl kustomize unchanged', () => {
    const tricky: { [k: string]: string } = {
      yes: 'yes',
      no: 'no',
      on: 'on',
      off: 'off',
      y: 'y',
      n: 'n',
      true: 'True',
      null: 'null',
      tilde: '~',
      octal: '0755',
      exp: '1e3',
      underscore: '1_000',
      hex: '0x1F',
      inf: '.inf',
      date: '2024-01-01',
      time: '12:30:45',
      colon: 'a: b',
      hash: '# not a comment',
      dash: '- item',
      star: '*anchor',
      amp: '&anchor',
      bang: '!tag',
      quote: '"quoted"',
      empty: '',
      spaces: '  padded  ',
      multi: 'line one\nline two\n',
      trailing: 'ends with space \nnext',
      unicode: 'grüße – ✓',
      tab: 'a\tb',
      number: '8080',
      float: '1.50',
      version: '1.27',
      merge: '<<',
      Y: 'Y',
      NO: 'NO',
      On: 'On',
      bin: '0b101',
      oct: '0o17',
      sexagesimal: '1:30',
      signed: '+12',
      dot: '.5',
      hexhash: '4a5b6c',
      equals: '=',
      semver: '1.27.3-alpine',
    };
    const dir = outdir();
    const app = new GitOpsApp({ outdir: dir, cliOutdir: '' });
    const env = new Environment(app, 'odd', { namespace: 'odd' });
    new k8s.KubeConfigMap(env, 'cm', { metadata: { name: 'tricky', annotations: { 'example.com/yes': 'no' } }, data: tricky });
    app.synth();
    const folder = path.join(dir, 'odd');
    const file = readYaml(path.join(folder, 'configmap-odd-tricky.yaml'));
    expect(file.data).toStrictEqual(tricky);
    const built = (loadAll(execFileSync('kubectl', ['kustomize', folder], { encoding: 'utf8' })) as Manifest[]).find((o) => o.kind === 'ConfigMap')!;
    expect(built.data).toStrictEqual(tricky);
    expect(built.metadata.annotations).toStrictEqual({ 'example.com/yes': 'no' });
  });

  test('rejects null, NaN and Infinity in the output, naming the object and the field', () => {
    const dir = outdir();
    const app = new GitOpsApp({ outdir: dir, cliOutdir: '' });
    const env = new Environment(app, 'dev');
    const cm = new k8s.KubeConfigMap(env, 'cm', { metadata: { name: 'c' }, data: { a: 'b' } });
    cm.addJsonPatch(JsonPatch.add('/data/list', ['1', null]));
    new ApiObject(env, 'odd', { apiVersion: 'example.com/v1', kind: 'Thing', metadata: { name: 't' }, spec: { ratio: NaN, size: Infinity } });
    expect(() => app.render()).toThrow(
      /\[dev\/cm\] data\.list\[1\]: got null[\s\S]*\[dev\/odd\] spec\.ratio: got NaN[\s\S]*\[dev\/odd\] spec\.size: got Infinity/,
    );
  });
});

describe('file names', () => {
  const id = (kind: string, namespace: string | undefined, name: string, apiVersion = 'v1') => ({ apiVersion, kind, namespace, name });

  test('defaults to <kind>-<namespace>-<name>.yaml, or <kind>-<name>.yaml without a namespace', () => {
    expect(fileNames([id('Deployment', 'shop', 'api', 'apps/v1'), id('Namespace', undefined, 'shop')])).toEqual([
      'deployment-shop-api.yaml',
      'namespace-shop.yaml',
    ]);
  });

  test('odd characters and upper case get a stable hash suffix, so two objects never share a file', () => {
    const names = fileNames([id('ClusterRole', undefined, 'system:aggregate'), id('ConfigMap', 'a', 'Foo'), id('ConfigMap', 'a', 'foo')]);
    expect(names[0]).toMatch(/^clusterrole-system-aggregate_[0-9a-f]{10}\.yaml$/);
    expect(names[1]).toMatch(/^configmap-a-foo_[0-9a-f]{10}\.yaml$/);
    expect(names[2]).toBe('configmap-a-foo.yaml');
    expect(new Set(names.map((n) => n.toLowerCase())).size).toBe(3);
  });

  test('names that would collide (namespace/name split, same kind in two groups) both get a suffix', () => {
    const names = fileNames([
      id('ConfigMap', 'a-b', 'c'),
      id('ConfigMap', 'a', 'b-c'),
      id('Application', 'x', 'y', 'argoproj.io/v1alpha1'),
      id('Application', 'x', 'y', 'app.k8s.io/v1beta1'),
    ]);
    expect(new Set(names).size).toBe(4);
    for (const n of names) expect(n).toMatch(/_[0-9a-f]{10}\.yaml$/);
  });

  test('do not depend on the order of the objects', () => {
    const ids = [id('ConfigMap', 'a-b', 'c'), id('ConfigMap', 'a', 'b-c'), id('Service', 's', 'web')];
    expect(fileNames([...ids].reverse())).toEqual(fileNames(ids).reverse());
  });

  test('long names are cut and suffixed', () => {
    const [name] = fileNames([id('ConfigMap', 'n', 'x'.repeat(253))]);
    expect(name.length).toBeLessThanOrEqual(255);
    expect(name).toMatch(/_[0-9a-f]{10}\.yaml$/);
  });
});
