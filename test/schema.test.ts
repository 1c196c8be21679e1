import { SchemaValidator } from '../src/guardrails/schema';

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
  expect(v().validate(deployment({ ...validSpec, replicas: '2' })).map((f) => `${f.path} ${f.message}`)).toContain('/spec/replicas must be integer');
  expect(v().validate(deployment({ template: validSpec.template })).map((f) => f.message)).toContain("must have required property 'selector'");
  expect(v().validate({ apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { ports: [{ port: 80, targetPort: null }] } }).length).toBeGreaterThan(0);
});

test('rejects kinds that do not exist in 1.28 and skips custom resources', () => {
  expect(v().validate({ apiVersion: 'autoscaling/v2beta2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'h' } })[0].message).toMatch(/no such kind in Kubernetes 1.28/);
  expect(v().validate({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name: 'a' }, spec: { anything: 1 } })).toEqual([]);
});
