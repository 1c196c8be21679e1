/**
 * Settings of the tier skeleton: each is tested on both tiers (one table), so
 * that a setting added to the skeleton and not reaching one tier fails here.
 */
import { Chart } from 'cdk8s';
import { StatefulDatabase, StatelessWebTier, TaintEffect, TierProps, TolerationOperator } from '../src';
import { database } from './database-fixture';
import { appProblems, chart, find, Manifest, synth } from './util';

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
  { kind: 'StatefulDatabase', build: (c, props) => database(c, props), workload: 'StatefulSet' },
];

function render(t: Case, props: TierProps = {}): { tier: StatelessWebTier | StatefulDatabase; pod: Manifest } {
  const c = chart();
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

test('a setting of the skeleton reaches both tiers alike', () => {
  const props: TierProps = { priorityClassName: 'batch', nodeSelector: { pool: 'a' }, tolerations: [{ key: 'pool', value: 'a' }], imagePullSecrets: ['pull'] };
  const pods = TIERS.map((t) => render(t, props).pod);
  const pick = (pod: Manifest) => ({
    priorityClassName: pod.priorityClassName,
    nodeSelector: pod.nodeSelector,
    tolerations: pod.tolerations,
    imagePullSecrets: pod.imagePullSecrets,
  });
  expect(pick(pods[0])).toEqual(pick(pods[1]));
  expect(pick(pods[0]).priorityClassName).toBe('batch');
});
