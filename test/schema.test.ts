import * as fs from 'node:fs';
import { DEFINITIONS_FILE, PRECOMPILED_FILE, SchemaValidator } from '../src/guardrails/schema';

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
  const { generateValidators } = require('../scripts/gen-validators');

  test('the committed schema/k8s-validators.js is what scripts/gen-validators.ts generates', () => {
    const committed = fs.readFileSync(PRECOMPILED_FILE, 'utf8');
    expect(committed === generateValidators()).toBe(true);
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
});

describe('the definitions are read only for a kind that was not compiled ahead of time', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const precompiled = require(PRECOMPILED_FILE);
  const counted = () => {
    let reads = 0;
    const validator = new SchemaValidator(
      () => {
        reads++;
        return JSON.parse(fs.readFileSync(DEFINITIONS_FILE, 'utf8')).definitions;
      },
      precompiled.byDefinition,
      false,
      precompiled.kinds,
    );
    return { validator, reads: () => reads };
  };

  test('kinds and precompiled validators need no definitions', () => {
    const { validator, reads } = counted();
    expect(validator.validate(deployment(validSpec))).toEqual([]);
    expect(validator.validate(deployment({ ...validSpec, replica: 2 })).map((f) => f.message)).toEqual(["must NOT have additional properties 'replica'"]);
    expect(validator.kindProblem({ apiVersion: 'autoscaling/v2beta2', kind: 'HorizontalPodAutoscaler' })).toBe(
      'no such kind in Kubernetes 1.28: autoscaling/v2beta2 HorizontalPodAutoscaler',
    );
    expect(validator.kindProblem({ apiVersion: 'batch/v1', kind: 'Job' })).toBeUndefined();
    expect(reads()).toBe(0);
  });

  test('another kind reads them once, and is checked as strictly', () => {
    const { validator, reads } = counted();
    const job = {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'j' },
      spec: { template: { spec: { containers: [{ name: 'c', image: 'i:1', surprise: 1 }] } } },
    };
    const expected = new SchemaValidator(JSON.parse(fs.readFileSync(DEFINITIONS_FILE, 'utf8')).definitions).validate(job);
    expect(expected.map((f) => `${f.path} ${f.message}`)).toEqual(["/spec/template/spec/containers/0 must NOT have additional properties 'surprise'"]);
    expect(validator.validate(job)).toEqual(expected);
    expect(validator.validate(job)).toEqual(expected);
    expect(reads()).toBe(1);
  });

  test('every kind of the definitions is listed with the validators', () => {
    const all = new SchemaValidator(JSON.parse(fs.readFileSync(DEFINITIONS_FILE, 'utf8')).definitions) as unknown as { byKind: Map<string, string> };
    expect(Object.entries(precompiled.kinds)).toEqual([...all.byKind]);
  });
});
