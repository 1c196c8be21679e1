/**
 * The one label-selector evaluator (src/_selector.ts), read as the API server reads
 * a selector (metav1.LabelSelectorAsSelector, labels.ValidatedSelectorFromSet).
 */
import { LabelExpression } from '../src';
import { requirementMatches, Selector } from '../src/_selector';

const labels = { app: 'web', tier: 'front' };
const expr = (key: unknown, operator: unknown, values?: unknown) => ({ matchExpressions: [{ key, operator, ...(values === undefined ? {} : { values }) }] });

describe('a LabelSelector', () => {
  test('matchLabels and every operator of matchExpressions', () => {
    expect(Selector.of({ matchLabels: { app: 'web' } }).matches(labels)).toBe(true);
    expect(Selector.of({ matchLabels: { app: 'db' } }).matches(labels)).toBe(false);
    expect(Selector.of({ matchLabels: { app: 'web', zone: 'a' } }).matches(labels)).toBe(false);
    expect(Selector.of(expr('tier', 'In', ['front', 'back'])).matches(labels)).toBe(true);
    expect(Selector.of(expr('tier', 'In', ['back'])).matches(labels)).toBe(false);
    expect(Selector.of(expr('zone', 'In', ['a'])).matches(labels)).toBe(false);
    expect(Selector.of(expr('tier', 'NotIn', ['front'])).matches(labels)).toBe(false);
    expect(Selector.of(expr('tier', 'NotIn', ['back'])).matches(labels)).toBe(true);
    expect(Selector.of(expr('zone', 'NotIn', ['a'])).matches(labels)).toBe(true);
    expect(Selector.of(expr('zone', 'Exists')).matches(labels)).toBe(false);
    expect(Selector.of(expr('app', 'Exists')).matches(labels)).toBe(true);
    expect(Selector.of(expr('zone', 'DoesNotExist')).matches(labels)).toBe(true);
    expect(Selector.of(expr('app', 'DoesNotExist')).matches(labels)).toBe(false);
  });

  test('matchLabels and matchExpressions must all hold', () => {
    const both = { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['front'] }] };
    expect(Selector.of(both).matches(labels)).toBe(false);
    expect(Selector.of(both).matches({ app: 'web', tier: 'back' })).toBe(true);
  });

  test('absent (undefined or null) selects nothing, empty selects everything', () => {
    for (const absent of [undefined, null]) {
      expect(Selector.of(absent).selectsNothing).toBe(true);
      expect(Selector.of(absent).matches(labels)).toBe(false);
      expect(Selector.of(absent).problem).toBeUndefined();
    }
    for (const empty of [{}, { matchLabels: {} }, { matchExpressions: [] }, { matchLabels: null, matchExpressions: null }]) {
      expect(Selector.of(empty).selectsEverything).toBe(true);
      expect(Selector.of(empty).matches({})).toBe(true);
      expect(Selector.of(empty).matches(labels)).toBe(true);
    }
  });

  test.each([
    ['x', 'is not a label selector'],
    [{ matchLabels: 'x' }, 'matchLabels is not a map'],
    [{ matchExpressions: {} }, 'matchExpressions is not a list'],
    [{ matchExpressions: [3] }, 'matchExpressions[0] is not a requirement'],
    [{ matchLabels: { 'not ok!': 'x' } }, 'matchLabels key "not ok!" is not a label key'],
    [{ matchLabels: { app: 'not ok!' } }, 'matchLabels values must be label values'],
    [{ matchLabels: { app: 1 } }, 'matchLabels values must be label values'],
    [expr('tier', 'Equals', ['front']), 'matchExpressions[0] operator "Equals" is not In, NotIn, Exists or DoesNotExist'],
    [expr('tier', 'In', []), 'matchExpressions[0] In needs at least one value'],
    [expr('tier', 'NotIn'), 'matchExpressions[0] NotIn needs at least one value'],
    [expr('tier', 'Exists', ['front']), 'matchExpressions[0] Exists takes no values'],
    [expr('tier', 'DoesNotExist', 'front'), 'matchExpressions[0] DoesNotExist takes no values'],
    [expr(undefined, 'Exists'), 'matchExpressions[0] key undefined is not a label key'],
    [expr('tier', 'In', ['x y']), 'matchExpressions[0] values must be label values'],
  ])('the API server rejects %j, so it selects nothing: %s', (selector, problem) => {
    const s = Selector.of(selector);
    expect(s.problem).toBe(problem);
    expect(s.selectsNothing).toBe(true);
    expect(s.matches({ app: 'web', tier: 'front', 'not ok!': 'x' })).toBe(false);
  });

  test('labels that are not a map are no labels; values that are not text are not labels', () => {
    expect(Selector.of(expr('zone', 'DoesNotExist')).matches(undefined)).toBe(true);
    expect(Selector.of(expr('zone', 'Exists')).matches('zone')).toBe(false);
    expect(Selector.of(expr('zone', 'Exists')).matches({ zone: 1 })).toBe(false);
    expect(Selector.of({}).matches(null)).toBe(true);
  });

  test('an equality every selected map has, for an index', () => {
    expect(Selector.of({ matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'Exists' }] }).anyEquality).toEqual(['app', 'web']);
    expect(Selector.of(expr('tier', 'In', ['front'])).anyEquality).toEqual(['tier', 'front']);
    expect(Selector.of(expr('tier', 'In', ['front', 'back'])).anyEquality).toBeUndefined();
    expect(Selector.of({}).anyEquality).toBeUndefined();
  });
});

describe('a map selector (a Service)', () => {
  test('every entry must match', () => {
    expect(Selector.ofMap({ app: 'web' }).matches(labels)).toBe(true);
    expect(Selector.ofMap({ app: 'web', tier: 'back' }).matches(labels)).toBe(false);
  });

  test('absent or empty selects nothing (the endpoints are managed elsewhere)', () => {
    for (const none of [undefined, null, {}]) {
      expect(Selector.ofMap(none).selectsNothing).toBe(true);
      expect(Selector.ofMap(none).problem).toBeUndefined();
      expect(Selector.ofMap(none).matches(labels)).toBe(false);
    }
  });

  test('one the API server rejects selects nothing and says why', () => {
    expect(Selector.ofMap('app=web').problem).toBe('is not a map of labels');
    expect(Selector.ofMap({ app: 'web', 'bad key': 'x' }).problem).toBe('matchLabels key "bad key" is not a label key');
    expect(Selector.ofMap({ app: 'web', 'bad key': 'x' }).matches({ app: 'web', 'bad key': 'x' })).toBe(false);
  });
});

test('LabelExpression matches through the same requirement rule', () => {
  const cases: Array<[LabelExpression, boolean]> = [
    [LabelExpression.in('tier', ['front']), true],
    [LabelExpression.notIn('tier', ['front']), false],
    [LabelExpression.exists('zone'), false],
    [LabelExpression.doesNotExist('zone'), true],
  ];
  for (const [e, expected] of cases) {
    expect(e.matches(labels)).toBe(expected);
    expect(requirementMatches(e, labels)).toBe(expected);
    expect(Selector.of({ matchExpressions: [e._render()] }).matches(labels)).toBe(expected);
  }
});
