/**
 * Property: whatever props a StatelessWebTier gets (mostly valid, some invalid
 * on purpose), synth ends either in clean output (no guardrail finding, no
 * undefined/NaN/null) or in the library's error naming the bad props; never
 * in a raw JS failure. And the same props give the same output twice.
 */
import { Chart } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import * as fc from 'fast-check';
import { StatelessWebTier } from '../src';
import { addReferencedConfigMaps } from './arbitraries-pod';
import { app, deepFreeze, dns1123, judge, strip, RUNS, SEED, Tally } from './arbitraries';
import { WebCase, webCase } from './arbitraries-web';

jest.setTimeout(10 * 60 * 1000);

const chartNamespace = fc.option(dns1123(20), { nil: undefined });

function build(c: WebCase, namespace: string | undefined): Chart {
  const chart = new Chart(app(), 'test', { namespace });
  new StatelessWebTier(chart, 'web', deepFreeze(c.props));
  if (c.serviceAccount) new k8s.KubeServiceAccount(chart, 'sa', { metadata: strip({ ...c.serviceAccount }) });
  addReferencedConfigMaps(chart, c.props);
  return chart;
}

test(`StatelessWebTier: ${RUNS} prop sets synthesize cleanly or are reported by prop`, () => {
  const tally = new Tally();
  fc.assert(
    fc.property(webCase, chartNamespace, (c, ns) => {
      tally.add(judge(() => build(c, ns), c.faults).outcome);
    }),
    { numRuns: RUNS, seed: SEED },
  );
  // both kinds of run happen in numbers, so the property tests both paths
  expect(tally.synthesized).toBeGreaterThan(tally.total * 0.25);
  expect(tally.rejected).toBeGreaterThan(tally.total * 0.25);
});

test(`StatelessWebTier: the same props synthesize to the same JSON (${Math.ceil(RUNS / 5)} prop sets)`, () => {
  fc.assert(
    fc.property(webCase, chartNamespace, (c, ns) => {
      const first = judge(() => build(c, ns), c.faults);
      if (first.json === undefined) return;
      expect(judge(() => build(c, ns), c.faults).json).toBe(first.json);
    }),
    { numRuns: Math.ceil(RUNS / 5), seed: SEED + 1 },
  );
});
