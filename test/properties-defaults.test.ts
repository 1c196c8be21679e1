/**
 * Property: platform defaults set on the app and on a chart (mostly valid,
 * some invalid on purpose), with a web tier and a database of any props below
 * them: synth ends either in clean output or in the library's error naming
 * the bad props (a wrong default under `TierDefaults.<key>`, at its scope),
 * never in a raw JS failure; and the same input gives the same output twice.
 */
import { Chart } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import * as fc from 'fast-check';
import { StatefulDatabase, StatelessWebTier, TierDefaults, TierDefaultsOptions } from '../src';
import { app, deepFreeze, Fault, Gen, judge, RUNS, SEED, strip, Tally } from './arbitraries';
import { DbCase, dbCase } from './arbitraries-db';
import { addReferencedConfigMaps, tierDefaults } from './arbitraries-pod';
import { WebCase, webCase } from './arbitraries-web';

jest.setTimeout(10 * 60 * 1000);

// ClaimRetention.DELETE prints its waiver at every synth
beforeAll(() => jest.spyOn(console, 'warn').mockImplementation(() => undefined));
afterAll(() => jest.restoreAllMocks());

// at least 200 cases: the distribution checks below need that many to mean something (npm run test:quick runs 200 per construct)
const DEFAULTS_RUNS = Math.max(Math.ceil(RUNS / 10), 200);

const input = fc.record({ appDefaults: tierDefaults, chartDefaults: tierDefaults, web: webCase, db: dbCase });

interface Input {
  readonly appDefaults: Gen<TierDefaultsOptions>;
  readonly chartDefaults: Gen<TierDefaultsOptions>;
  readonly web: WebCase;
  readonly db: DbCase;
}

function build(i: Input): Chart {
  const a = app();
  TierDefaults.of(a).set(deepFreeze(i.appDefaults.value));
  const chart = new Chart(a, 'test');
  TierDefaults.of(chart).set(deepFreeze(i.chartDefaults.value));
  new StatelessWebTier(chart, 'web', deepFreeze(i.web.props));
  new StatefulDatabase(chart, 'db', deepFreeze(i.db.props));
  const accounts = new Map([i.web.serviceAccount, i.db.serviceAccount].filter((x) => x !== undefined).map((x) => [`${x.namespace}/${x.name}`, x]));
  [...accounts.values()].forEach((x, n) => new k8s.KubeServiceAccount(chart, `sa${n}`, { metadata: strip({ ...x }) }));
  addReferencedConfigMaps(chart, i.web.props, i.db.props);
  return chart;
}

const faultsIn = (i: Input): Fault[] => [...i.appDefaults.faults, ...i.chartDefaults.faults, ...i.web.faults, ...i.db.faults];

test(`TierDefaults: ${DEFAULTS_RUNS} defaults on the app and a chart, with a web tier and a database, synthesize cleanly or are reported by prop`, () => {
  const tally = new Tally();
  fc.assert(
    fc.property(input, (i) => {
      tally.add(judge(() => build(i), faultsIn(i)).outcome);
    }),
    { numRuns: DEFAULTS_RUNS, seed: SEED + 3 },
  );
  expect(tally.synthesized).toBeGreaterThan(tally.total * 0.1);
  expect(tally.rejected).toBeGreaterThan(tally.total * 0.1);
});

test(`TierDefaults: the same defaults and props synthesize to the same JSON (${Math.ceil(DEFAULTS_RUNS / 5)} runs)`, () => {
  fc.assert(
    fc.property(input, (i) => {
      const first = judge(() => build(i), faultsIn(i));
      if (first.json === undefined) return;
      expect(judge(() => build(i), faultsIn(i)).json).toBe(first.json);
    }),
    { numRuns: Math.ceil(DEFAULTS_RUNS / 5), seed: SEED + 4 },
  );
});
