import { Chart, Testing } from 'cdk8s';
import { StatelessWebTier, TiersProblems } from '../src';
import { assertNoProblems, formatProblem, parseProblem, TiersError } from '../src/_errors';

const image = 'nginx:1.27.2';
const chart = () => new Chart(Testing.app(), 'test');

function caught(f: () => void): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  throw new Error('expected an error');
}

describe('the error users get', () => {
  test('a caught error gives its problems structured: path, prop, value, rule, fix', () => {
    const c = chart();
    new StatelessWebTier(c, 'web', { image, replicas: -1 });
    const e = caught(() => assertNoProblems(c.node.root));
    expect(TiersProblems.isTiersError(e)).toBe(true);
    expect(TiersProblems.fromError(e)).toEqual([
      {
        path: 'test/web',
        prop: 'replicas',
        value: '-1',
        rule: 'must be a whole number >= 0',
        fix: 'set replicas to a whole number >= 0, or leave it out for the default',
        message: '[test/web] replicas: got -1; must be a whole number >= 0. Fix: set replicas to a whole number >= 0, or leave it out for the default',
      },
    ]);
    expect((e as Error).message).toBe(
      'cdk8s-tiers found 1 problem:\n  [test/web] replicas: got -1; must be a whole number >= 0. Fix: set replicas to a whole number >= 0, or leave it out for the default',
    );
  });

  test('collect reports the same problems without throwing or writing', () => {
    const c = chart();
    new StatelessWebTier(c, 'web', { image, replicas: 1.5, port: 0 });
    expect(TiersProblems.collect(c).map((p) => `${p.prop}=${p.value}`)).toEqual(['port=0', 'replicas=1.5']);
    expect(TiersProblems.collect(undefined as unknown as Chart)).toEqual([
      expect.objectContaining({ path: 'TiersProblems.collect', prop: 'scope', value: '(not set)' }),
    ]);
  });

  test('any other error has no problems', () => {
    expect(TiersProblems.isTiersError(new TypeError('x'))).toBe(false);
    expect(TiersProblems.fromError(new Error('x'))).toEqual([]);
    expect(TiersProblems.fromError(null)).toEqual([]);
  });

  test('an error built from problem lines (as the synth builds it) parses them back', () => {
    const value = { a: 'b; c', n: [1, 2] };
    const line = `[app/web] ${formatProblem({ prop: 'env["X; Y"]', value, rule: 'must be a string; or a map', fix: 'quote it. Or not' })}`;
    const e = new TiersError([
      line,
      '[app/web/deployment] policy/run-as-non-root: Deployment shop/web: runs as root. Fix: set runAsNonRoot',
      '[app] something else',
    ]);
    expect(e.details).toEqual([
      { path: 'app/web', prop: 'env["X; Y"]', value: JSON.stringify(value), rule: 'must be a string; or a map', fix: 'quote it. Or not', message: line },
      expect.objectContaining({
        path: 'app/web/deployment',
        prop: 'policy/run-as-non-root',
        value: 'Deployment shop/web',
        rule: 'runs as root',
        fix: 'set runAsNonRoot',
      }),
      expect.objectContaining({ path: 'app', prop: '', value: '', rule: 'something else', fix: '' }),
    ]);
    expect(e.problems).toEqual(e.details.map((d) => d.message));
  });

  test('values are shown without undefined, NaN or a raw function', () => {
    for (const [value, shown] of [
      [undefined, '(not set)'],
      [NaN, 'NaN'],
      ['x', '"x"'],
      [() => 1, 'a function'],
      [5, '5'],
    ] as const) {
      expect(parseProblem('p', formatProblem({ prop: 'a', value, rule: 'r', fix: 'f' })).value).toBe(shown);
    }
  });
});
