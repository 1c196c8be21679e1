import * as fs from 'node:fs';
import * as path from 'node:path';
import * as yaml from 'js-yaml';
import { DEFINITIONS_FILE, PRECOMPILED_FILE, SchemaValidator, SHAPES_FILE, shipped } from '../src/guardrails/schema';

// The strict schema check that test/util.ts synth() applies to every object the tests render.
const v = () => SchemaValidator.get();
const deployment = (spec: Record<string, unknown>) => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'x' }, spec });
const validSpec = {
  selector: { matchLabels: { a: 'b' } },
  template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'i:1' }] } },
};

test('accepts a valid object', () => {
  expect(v().validate(deployment(validSpec))).toEqual([]);
});

test('rejects unknown fields, as the objects are closed', () => {
  const findings = v().validate(deployment({ ...validSpec, replica: 2 }));
  expect(findings.map((f) => f.message)).toContain("must NOT have additional properties 'replica'");
});

test('rejects wrong types and missing required fields', () => {
  expect(
    v()
      .validate(deployment({ ...validSpec, replicas: '2' }))
      .map((f) => `${f.path} ${f.message}`),
  ).toContain('/spec/replicas must be integer');
  expect(
    v()
      .validate(deployment({ template: validSpec.template }))
      .map((f) => f.message),
  ).toContain("must have required property 'selector'");
  expect(
    v().validate({ apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { ports: [{ port: 80, targetPort: null }] } }).length,
  ).toBeGreaterThan(0);
});

test('rejects kinds that do not exist in 1.28 and skips custom resources', () => {
  expect(v().validate({ apiVersion: 'autoscaling/v2beta2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'h' } })[0].message).toMatch(
    /no such kind in Kubernetes 1.28/,
  );
  expect(v().validate({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name: 'a' }, spec: { anything: 1 } })).toEqual([]);
});

describe('validators compiled ahead of time', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { generateTable, generateValidators } = require('../scripts/gen-validators');

  test('the committed schema/k8s-validators.js and schema/k8s-shapes.json are what scripts/gen-validators.ts generates', () => {
    expect(fs.readFileSync(PRECOMPILED_FILE, 'utf8') === generateValidators()).toBe(true);
    expect(fs.readFileSync(SHAPES_FILE, 'utf8') === generateTable()).toBe(true);
  });

  test('give the same findings as validators compiled at run time', () => {
    const definitions = JSON.parse(fs.readFileSync(DEFINITIONS_FILE, 'utf8')).definitions;
    const atRunTime = new SchemaValidator(definitions);
    const bad = deployment({ ...validSpec, replicas: '2', surprise: true, template: { spec: { containers: [{ name: 1 }] } } });
    const expected = atRunTime.validate(bad);
    expect(expected.length).toBeGreaterThan(2);
    expect(v().validate(bad)).toEqual(expected);
    expect(v().validate(deployment(validSpec))).toEqual([]);
    const compiled = (v() as unknown as { compiled: Map<string, unknown> }).compiled;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    expect(compiled.get('io.k8s.api.apps.v1.Deployment')).toBe(require(PRECOMPILED_FILE).byDefinition['io.k8s.api.apps.v1.Deployment']);
  });

  /** A validator as SchemaValidator.get() makes it (over the shipped files), and what it has loaded so far. */
  const fresh = () => {
    const validator = new SchemaValidator(undefined, shipped());
    const loaded = () => validator as unknown as { definitions?: unknown; compiler?: unknown; compiled: Map<string, unknown> };
    return { validator, loaded };
  };

  test('cover every kind of the example (dist/): its objects are checked without reading the definitions or loading ajv (start-up time)', () => {
    const dist = path.join(__dirname, '..', 'dist');
    const objects = fs
      .readdirSync(dist, { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.yaml') && path.basename(f) !== 'kustomization.yaml')
      .map((f) => yaml.load(fs.readFileSync(path.join(dist, f), 'utf8')) as Record<string, unknown>);
    expect(new Set(objects.map((o) => o.kind))).toEqual(
      new Set([
        'ConfigMap',
        'CronJob',
        'Deployment',
        'HorizontalPodAutoscaler',
        'Namespace',
        'NetworkPolicy',
        'PersistentVolumeClaim',
        'PodDisruptionBudget',
        'Service',
        'ServiceMonitor',
        'StatefulSet',
      ]),
    );
    const { validator, loaded } = fresh();
    for (const o of objects) expect(validator.validate(o)).toEqual([]);
    // valid objects are judged by the schema table alone: the validators are read for the first object it rejects
    expect(loaded().compiled.size).toBe(0);
    expect(validator.validate(deployment({ ...validSpec, replica: 2 })).map((f) => f.message)).toEqual(["must NOT have additional properties 'replica'"]);
    expect(loaded().compiled.size).toBe(11);
    expect(loaded().definitions).toBeUndefined();
    expect(loaded().compiler).toBeUndefined();
  });

  test('a kind not compiled ahead of time is compiled on first use, from the shipped definitions', () => {
    const { validator, loaded } = fresh();
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'i:1', surprise: 1 }] } };
    expect(validator.validate(pod).map((f) => `${f.path} ${f.message}`)).toEqual(["/spec/containers/0 must NOT have additional properties 'surprise'"]);
    expect(loaded().compiler).toBeDefined();
    expect(validator.kindProblem({ apiVersion: 'v1', kind: 'Pods' })).toBe('no such kind in Kubernetes 1.28: v1 Pods');
  });
});

describe('the generated tables', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const table = require(SHAPES_FILE);

  test('every kind of the definitions is listed with the schema table', () => {
    const all = new SchemaValidator(JSON.parse(fs.readFileSync(DEFINITIONS_FILE, 'utf8')).definitions) as unknown as { byKind: Map<string, string> };
    expect(Object.entries(table.byKind)).toEqual([...all.byKind].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  });
});
