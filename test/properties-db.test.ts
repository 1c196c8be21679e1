/**
 * Property: whatever props a StatefulDatabase gets (every engine; mostly
 * valid, some invalid on purpose), synth ends either in clean output (no
 * guardrail finding, no undefined/NaN/null) or in the library's error naming
 * the bad props; never in a raw JS failure. And the same props give the same
 * output twice.
 */
import { Chart } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import * as fc from 'fast-check';
import { StatefulDatabase } from '../src';
import { addReferencedConfigMaps } from './arbitraries-pod';
import { app, deepFreeze, dns1123, judge, RUNS, SEED, strip, Tally } from './arbitraries';
import { DbCase, dbCase } from './arbitraries-db';

jest.setTimeout(10 * 60 * 1000);

// ClaimRetention.DELETE prints its waiver at every synth
beforeAll(() => jest.spyOn(console, 'warn').mockImplementation(() => undefined));
afterAll(() => jest.restoreAllMocks());

const chartNamespace = fc.option(dns1123(20), { nil: undefined });

function build(c: DbCase, namespace: string | undefined): Chart {
  const chart = new Chart(app(), 'test', { namespace });
  new StatefulDatabase(chart, 'db', deepFreeze(c.props));
  if (c.serviceAccount) new k8s.KubeServiceAccount(chart, 'sa', { metadata: strip({ ...c.serviceAccount }) });
  addReferencedConfigMaps(chart, c.props);
  return chart;
}

test(`StatefulDatabase: ${RUNS} prop sets synthesize cleanly or are reported by prop`, () => {
  const tally = new Tally();
  const engines = new Map<string, number>();
  fc.assert(
    fc.property(dbCase, chartNamespace, (c, ns) => {
      tally.add(judge(() => build(c, ns), c.faults).outcome);
      engines.set(c.engine, (engines.get(c.engine) ?? 0) + 1);
    }),
    { numRuns: RUNS, seed: SEED },
  );
  expect(tally.synthesized).toBeGreaterThan(tally.total * 0.25);
  expect(tally.rejected).toBeGreaterThan(tally.total * 0.25);
  // every engine is exercised
  for (const e of ['postgres', 'mysql', 'redis', 'custom']) expect(engines.get(e)).toBeGreaterThan(tally.total / 10);
});

test(`StatefulDatabase: the same props synthesize to the same JSON (${Math.ceil(RUNS / 5)} prop sets)`, () => {
  fc.assert(
    fc.property(dbCase, chartNamespace, (c, ns) => {
      const first = judge(() => build(c, ns), c.faults);
      if (first.json === undefined) return;
      expect(judge(() => build(c, ns), c.faults).json).toBe(first.json);
    }),
    { numRuns: Math.ceil(RUNS / 5), seed: SEED + 1 },
  );
});
