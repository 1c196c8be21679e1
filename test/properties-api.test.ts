/**
 * Property: every exported constructor, static factory and method, called the
 * way a JavaScript caller may call it (wrong types, null, undefined, numbers
 * for strings, plain objects for choice classes and constructs), ends in a
 * result or in the library's one error; never a raw TypeError. Prints the
 * cases per function.
 */
import * as fc from 'fast-check';
import { API, outcome } from './arbitraries-api';
import { SEED } from './arbitraries';

jest.setTimeout(10 * 60 * 1000);

/** Cases per function; `PROPERTY_API_RUNS` overrides. */
const RUNS = Number(process.env.PROPERTY_API_RUNS ?? process.env.PROPERTY_RUNS ?? 300);
const tally = new Map<string, { returned: number; reported: number }>();

const muted = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
afterAll(() => {
  muted.mockRestore();
  const rows = [...tally].map(([name, t]) => `| ${name} | ${t.returned + t.reported} | ${t.returned} | ${t.reported} |`);
  console.log(
    `cases per exported function (seed ${SEED}):\n| function | cases | returned | reported |\n| --- | --- | --- | --- |\n${rows.join('\n')}\n| all ${tally.size} functions | ${[...tally.values()].reduce((n, t) => n + t.returned + t.reported, 0)} | | |`,
  );
});

describe.each(API.map((c) => [c.name, c] as const))('%s', (name, c) => {
  test(`${RUNS} calls with wrong types end in a result or the library's error`, () => {
    const t = { returned: 0, reported: 0 };
    tally.set(name, t);
    const runs = c.args.length === 0 ? 1 : RUNS;
    fc.assert(
      fc.property(fc.tuple(...c.args), (args) => {
        t[outcome(c.run(...args))]++;
      }),
      { numRuns: runs, seed: SEED },
    );
    expect(t.returned + t.reported).toBe(runs);
  });
});
