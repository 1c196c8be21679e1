/**
 * Property: a web tier connected to a database (both generated, some props
 * invalid on purpose, plus bad wiring) synthesizes cleanly or fails with the
 * library's error naming a bad prop; the same pair gives the same JSON twice.
 */
import { Chart } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import * as fc from 'fast-check';
import { StatefulDatabase, StatelessWebTier } from '../src';
import { addReferencedConfigMaps } from './arbitraries-pod';
import { app, deepFreeze, dns1123, Fault, judge, RUNS, SEED, strip, Tally } from './arbitraries';
import { PairCase, pairCase } from './arbitraries-pair';

jest.setTimeout(10 * 60 * 1000);

// ClaimRetention.DELETE prints its waiver at every synth
beforeAll(() => jest.spyOn(console, 'warn').mockImplementation(() => undefined));
afterAll(() => jest.restoreAllMocks());

const PAIR_RUNS = Math.ceil(RUNS / 4);
const chartNamespace = fc.option(dns1123(20), { nil: undefined });

/**
 * The faults of the pair in a chart of `namespace`: its own, and, when the chart has
 * none and only one of the tiers has a namespace prop, the connection (a rule in a
 * known namespace cannot name the pods of a tier whose namespace is not known).
 */
function faultsIn(c: PairCase, namespace: string | undefined): readonly Fault[] {
  const placed = (props: { namespace?: unknown } | undefined) => props?.namespace !== undefined;
  if (namespace !== undefined || placed(c.web.props) === placed(c.db.props)) return c.faults;
  return [...c.faults, { props: ['network peer test/db', 'network peer test/web'], strict: true, what: 'one tier with a namespace, one without' }];
}

function build(c: PairCase, namespace: string | undefined): Chart {
  const chart = new Chart(app(), 'test', { namespace });
  const web = new StatelessWebTier(chart, 'web', deepFreeze(c.web.props));
  const db = new StatefulDatabase(chart, 'db', deepFreeze(c.db.props));
  web.connectTo(db, strip({ envPrefix: c.envPrefix }));
  // one ServiceAccount object per name and namespace
  const accounts = new Map([c.web.serviceAccount, c.db.serviceAccount].filter((a) => a !== undefined).map((a) => [`${a.namespace}/${a.name}`, a]));
  [...accounts.values()].forEach((a, i) => new k8s.KubeServiceAccount(chart, `sa${i}`, { metadata: strip({ ...a }) }));
  addReferencedConfigMaps(chart, c.web.props, c.db.props);
  return chart;
}

test(`web.connectTo(db): ${PAIR_RUNS} pairs synthesize cleanly or are reported by prop`, () => {
  const tally = new Tally();
  fc.assert(
    fc.property(pairCase, chartNamespace, (c, ns) => {
      tally.add(judge(() => build(c, ns), faultsIn(c, ns)).outcome);
    }),
    { numRuns: PAIR_RUNS, seed: SEED + 2 },
  );
  expect(tally.synthesized).toBeGreaterThan(tally.total * 0.1);
  expect(tally.rejected).toBeGreaterThan(tally.total * 0.1);
});

test(`web.connectTo(db): the same pair synthesizes to the same JSON (${Math.ceil(PAIR_RUNS / 5)} pairs)`, () => {
  fc.assert(
    fc.property(pairCase, chartNamespace, (c, ns) => {
      const first = judge(() => build(c, ns), faultsIn(c, ns));
      if (first.json === undefined) return;
      expect(judge(() => build(c, ns), faultsIn(c, ns)).json).toBe(first.json);
    }),
    { numRuns: Math.ceil(PAIR_RUNS / 5), seed: SEED + 3 },
  );
});
