import { Chart, Testing } from 'cdk8s';
import { StatefulDatabase, StatelessWebTier, TaintEffect, TierDefaults } from '../src';
import { database } from './database-fixture';
import { appProblems, find, Manifest, synth } from './util';

const IMAGE = 'registry.example.com/shop/web:1.4.2';
const podOf = (objects: Manifest[], kind: string, name: string) => find(objects, kind, name).spec.template.spec;

describe('TierDefaults', () => {
  test('defaults: a scope without TierDefaults adds nothing', () => {
    const c = new Chart(Testing.app(), 'test');
    const web = new StatelessWebTier(c, 'web', { image: IMAGE });
    expect(podOf(synth(c), 'Deployment', 'web').priorityClassName).toBeUndefined();
    expect(web.priorityClassName).toBeUndefined();
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

  test('rejects an unknown key where it is set, and a wrong value in the tiers that use it (with the message)', () => {
    const app = Testing.app();
    const c = new Chart(app, 'shop');
    TierDefaults.of(c).set({ priorityClass: 'x' } as never);
    TierDefaults.of(app).set({ priorityClassName: 'Not A Name' });
    new StatelessWebTier(c, 'web', { image: IMAGE });
    const m = appProblems(c).join('\n');
    expect(m).toMatch(/\[shop\] TierDefaults\.priorityClass: got "x"; not a prop of TierDefaultsOptions\. Fix: did you mean priorityClassName\?/);
    expect(m).toMatch(/\[shop\/web\] priorityClassName: got "Not A Name"; must be a PriorityClass name/);
  });
});

test('TierDefaults.of rejects a scope that is not a construct (with the message)', () => {
  expect(() => TierDefaults.of(undefined as never)).toThrow(/TierDefaults\.of.*scope: got \(not set\); must be a construct/s);
});
