/**
 * The one label-selector evaluator: a selector is parsed and validated as the
 * API server does (`metav1.LabelSelectorAsSelector` for a LabelSelector,
 * `labels.ValidatedSelectorFromSet` for the plain maps of Services), then
 * matched against a label map with the Kubernetes semantics:
 *
 * - `In`: the label is present and its value is listed; `NotIn`: the label is
 *   absent or its value is not listed; `Exists`: present; `DoesNotExist`: absent.
 *   Each `matchLabels` entry is an `In` with its one value. All must hold.
 * - A LabelSelector that is absent (Go nil: a missing field or JSON `null`)
 *   selects nothing; an empty one (`{}`) selects everything.
 * - A map selector that is absent or empty selects nothing (a Service without
 *   a selector gets its endpoints from elsewhere).
 * - A selector the API server would reject (an unknown operator, `In` or
 *   `NotIn` without values, `Exists` or `DoesNotExist` with values, a key or a
 *   value that is not a label key or value) selects nothing, and says why.
 *
 * Which rule a field follows is its caller's to say, where it reads the field
 * (for example a NetworkPolicy's `spec.podSelector` is a value, not a pointer:
 * absent is `{}`, every pod of the namespace).
 * @see https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors
 */
import { has, isObject } from './_json';
import { isLabelKey, isLabelValue } from './_rules';

/** No keys or expressions. */
const NO_KEYS: readonly string[] = [];

/** The operators of a set-based requirement. */
export const OPERATORS: readonly string[] = ['In', 'NotIn', 'Exists', 'DoesNotExist'];

/** One requirement of a selector, as `matchExpressions` writes it. */
export interface Requirement {
  readonly key: string;
  /** `In`, `NotIn`, `Exists` or `DoesNotExist`. */
  readonly operator: string;
  /** The values of `In` and `NotIn`. */
  readonly values?: readonly unknown[];
}

/** Whether `values` fit `operator` as the API server requires: `In` and `NotIn` need at least one, `Exists` and `DoesNotExist` none. */
export function valuesFit(operator: string, values: unknown): boolean {
  const n = Array.isArray(values) ? values.length : values === undefined || values === null ? 0 : -1;
  if (operator === 'In' || operator === 'NotIn') return n > 0;
  return n === 0;
}

/** Whether a label map satisfies one requirement (anything that is not a map is no labels; only text values are labels). */
export function requirementMatches(r: Requirement, labels: unknown): boolean {
  const value = isObject(labels) && Object.prototype.hasOwnProperty.call(labels, r.key) ? labels[r.key] : undefined;
  const present = typeof value === 'string';
  const listed = present && Array.isArray(r.values) && r.values.includes(value);
  switch (r.operator) {
    case 'In':
      return listed;
    case 'NotIn':
      return !listed;
    case 'Exists':
      return present;
    default:
      return !present;
  }
}

/** Why a requirement would be rejected by the API server, or undefined when it is valid. */
function requirementProblem(at: string, key: unknown, operator: unknown, values: unknown): string | undefined {
  if (!isLabelKey(key)) return `${at} key ${JSON.stringify(key) ?? 'undefined'} is not a label key`;
  if (typeof operator !== 'string' || !OPERATORS.includes(operator))
    return `${at} operator ${JSON.stringify(operator) ?? '(not set)'} is not In, NotIn, Exists or DoesNotExist`;
  if (!valuesFit(operator, values)) return `${at} ${operator} ${operator === 'In' || operator === 'NotIn' ? 'needs at least one value' : 'takes no values'}`;
  if (Array.isArray(values) && !values.every(isLabelValue)) return `${at} values must be label values`;
  return undefined;
}

/** A parsed selector: what it requires, or that it selects nothing (and why, when it is invalid). */
export class Selector {
  /** Selects nothing (an absent LabelSelector, an absent or empty map selector). */
  public static readonly NOTHING = new Selector(undefined);
  /** Selects everything (an empty LabelSelector `{}`). */
  public static readonly EVERYTHING = new Selector([]);

  /**
   * A LabelSelector (`matchLabels` and `matchExpressions`), as `metav1.LabelSelectorAsSelector`
   * reads it: absent (undefined or null) selects nothing, `{}` everything.
   */
  public static of(selector: unknown): Selector {
    if (selector === undefined || selector === null) return Selector.NOTHING;
    if (!isObject(selector)) return Selector.invalid('is not a label selector');
    const { matchLabels, matchExpressions } = selector;
    if (matchLabels !== undefined && matchLabels !== null && !isObject(matchLabels)) return Selector.invalid('matchLabels is not a map');
    if (matchExpressions !== undefined && matchExpressions !== null && !Array.isArray(matchExpressions))
      return Selector.invalid('matchExpressions is not a list');
    return Selector.parsed(isObject(matchLabels) ? matchLabels : undefined, Array.isArray(matchExpressions) ? matchExpressions : NO_KEYS);
  }

  /** A map selector (a Service's `spec.selector`): every entry must match; absent or empty selects nothing. */
  public static ofMap(selector: unknown): Selector {
    if (selector === undefined || selector === null) return Selector.NOTHING;
    if (!isObject(selector)) return Selector.invalid('is not a map of labels');
    for (const k in selector) if (has(selector, k)) return Selector.parsed(selector, NO_KEYS);
    return Selector.NOTHING;
  }

  /** The selector of a `matchLabels` map (its entries as `In` requirements with their one value) and `matchExpressions`. */
  private static parsed(matchLabels: Record<string, unknown> | undefined, expressions: readonly unknown[]): Selector {
    // in the order of Object.entries (own enumerable keys)
    const keys = matchLabels === undefined ? NO_KEYS : Object.keys(matchLabels);
    if (keys.length === 0 && expressions.length === 0) return Selector.EVERYTHING;
    const requirements = new Array<Requirement>(keys.length + expressions.length);
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i];
      const value = matchLabels![key];
      if (!isLabelKey(key) || !isLabelValue(value)) return Selector.invalid(requirementProblem('matchLabels', key, 'In', [value])!);
      requirements[i] = { key, operator: 'In', values: [value] };
    }
    for (let i = 0; i < expressions.length; i++) {
      const e = expressions[i];
      const at = `matchExpressions[${i}]`;
      if (!isObject(e)) return Selector.invalid(`${at} is not a requirement`);
      const problem = requirementProblem(at, e.key, e.operator, e.values);
      if (problem) return Selector.invalid(problem);
      requirements[keys.length + i] = { key: e.key as string, operator: e.operator as string, values: Array.isArray(e.values) ? [...e.values] : [] };
    }
    return new Selector(requirements);
  }

  private static invalid(problem: string): Selector {
    return new Selector(undefined, problem);
  }

  private constructor(
    /** What it requires; undefined when it selects nothing. */
    private readonly requirements: readonly Requirement[] | undefined,
    /** Why the API server would reject it. */
    public readonly problem?: string,
  ) {}

  /** Whether it selects nothing at all (absent, or invalid). */
  public get selectsNothing(): boolean {
    return this.requirements === undefined;
  }

  /** Whether it selects every label map (an empty LabelSelector). */
  public get selectsEverything(): boolean {
    return this.requirements !== undefined && this.requirements.length === 0;
  }

  /** One `key`/`value` every label map it selects has (the first `matchLabels` entry), to look candidates up in an index. */
  public get anyEquality(): readonly [string, string] | undefined {
    const r = this.requirements?.find((x) => x.operator === 'In' && x.values?.length === 1);
    return r ? [r.key, r.values![0] as string] : undefined;
  }

  /** Whether it selects a label map. */
  public matches(labels: unknown): boolean {
    const requirements = this.requirements;
    if (requirements === undefined) return false;
    for (let i = 0; i < requirements.length; i++) if (!requirementMatches(requirements[i], labels)) return false;
    return true;
  }
}
