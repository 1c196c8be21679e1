/**
 * The API server's rules for where pods run and what they pull with: a
 * priority class, tolerations, node affinity and pull secrets. Each check
 * takes the prop it reports under, so that a tier (`tolerations[0].key`) and
 * a platform default (`TierDefaults.tolerations[0].key`) share it.
 */
import { k8s } from './_k8s';
import { Problems } from './_errors';
import { NODE_AFFINITY_OPTIONS, NODE_SELECTOR_REQUIREMENT_OPTIONS, NODE_SELECTOR_TERM_OPTIONS, PREFERRED_NODE_TERM_OPTIONS, TOLERATION_OPTIONS } from './_keys';
import { checkProps, PropsType } from './_props';
import { checkInteger, checkStringList, isDns1123Subdomain, isLabelKey, isLabelValue, listOf } from './_rules';
import { NodeAffinityOptions, NodeSelectorOperator, NodeSelectorRequirementOptions, TaintEffect, TolerationOperator, TolerationOptions } from './scheduling';

/** Checks a PriorityClass name; returns whether it is one. */
export function checkPriorityClassName(p: Problems, prop: string, name: unknown): boolean {
  return (
    isDns1123Subdomain(name) ||
    p.fail({
      prop,
      value: name,
      rule: 'must be a PriorityClass name (a DNS-1123 subdomain)',
      fix: 'name a PriorityClass of your cluster, e.g. "business-critical"',
    })
  );
}

/** Checks the pull Secret names; returns the valid ones. */
export function checkImagePullSecrets(p: Problems, prop: string, given: unknown): string[] {
  if (given === undefined || !checkStringList(p, prop, given)) return [];
  return given.filter(
    (name, i) =>
      isDns1123Subdomain(name) ||
      p.fail({
        prop: `${prop}[${i}]`,
        value: name,
        rule: 'must be a Secret name (a DNS-1123 subdomain)',
        fix: 'name a kubernetes.io/dockerconfigjson Secret in the namespace, e.g. "registry-credentials"',
      }),
  );
}

/** Checks the tolerations; returns those that can be rendered. */
export function checkTolerations(p: Problems, prop: string, given: readonly TolerationOptions[] | undefined): TolerationOptions[] {
  return listOf(p, prop, given).filter((t, i) => checkToleration(p, `${prop}[${i}]`, t));
}

/** Checks one toleration against the API server's rules; returns whether it can be rendered. */
function checkToleration(p: Problems, prop: string, t: TolerationOptions): boolean {
  if (!checkItem(p, prop, t, TOLERATION_OPTIONS, 'give at least { key, value }')) return false;
  const operator = t.operator ?? TolerationOperator.EQUAL;
  const checks = [
    Object.values(TolerationOperator).includes(operator) ||
      p.fail({
        prop: `${prop}.operator`,
        value: t.operator,
        rule: 'must be TolerationOperator.EQUAL or .EXISTS',
        fix: 'pick one of the two',
      }),
    (t.key === undefined ? operator === TolerationOperator.EXISTS : isLabelKey(t.key)) ||
      p.fail({
        prop: `${prop}.key`,
        value: t.key,
        rule:
          t.key === undefined
            ? 'a toleration without a key must use TolerationOperator.EXISTS (it tolerates every taint)'
            : 'must be a taint key (a label key)',
        fix: 'give the taint key, e.g. "dedicated"',
      }),
    t.value === undefined ||
      (operator === TolerationOperator.EQUAL && isLabelValue(t.value)) ||
      p.fail({
        prop: `${prop}.value`,
        value: t.value,
        rule: operator === TolerationOperator.EXISTS ? 'must be left out with TolerationOperator.EXISTS' : 'must be a taint value (a label value)',
        fix: 'give the value of the taint, or leave it out',
      }),
    t.effect === undefined ||
      Object.values(TaintEffect).includes(t.effect) ||
      p.fail({
        prop: `${prop}.effect`,
        value: t.effect,
        rule: 'must be a TaintEffect',
        fix: 'use TaintEffect.NO_SCHEDULE, PREFER_NO_SCHEDULE or NO_EXECUTE, or leave it out for every effect',
      }),
  ];
  if (t.tolerationSeconds !== undefined) {
    checks.push(
      (t.effect === TaintEffect.NO_EXECUTE ||
        p.fail({
          prop: `${prop}.tolerationSeconds`,
          value: t.tolerationSeconds,
          rule: 'applies only to TaintEffect.NO_EXECUTE (the API server rejects it with another effect)',
          fix: 'set effect: TaintEffect.NO_EXECUTE, or remove tolerationSeconds',
        })) &&
        checkInteger(p, `${prop}.tolerationSeconds`, t.tolerationSeconds, 0, Number.MAX_SAFE_INTEGER),
    );
  }
  return checks.every(Boolean);
}

/** One item of a list of options: set, and an object of the type's keys. */
function checkItem(p: Problems, prop: string, item: unknown, type: PropsType, fix: string): item is object {
  if (!((item !== null && item !== undefined) || p.fail({ prop, value: item, rule: `must be ${type.name}`, fix }))) return false;
  return checkProps(p, prop, item, type) !== undefined;
}

/** Checks node affinity as the API server does; returns whether it can be rendered. */
export function checkNodeAffinity(p: Problems, prop: string, given: NodeAffinityOptions | undefined): boolean {
  if (given === undefined) return true;
  if (!checkItem(p, prop, given, NODE_AFFINITY_OPTIONS, 'give { required: [...] } or { preferred: [...] }')) return false;
  const required = given.required === undefined ? [] : listOf(p, `${prop}.required`, given.required);
  const ok = [
    given.required !== undefined ||
      given.preferred !== undefined ||
      p.fail({
        prop,
        value: given,
        rule: 'needs required or preferred terms',
        fix: 'give required and/or preferred terms, or leave nodeAffinity out',
      }),
    given.required === undefined ||
      required.length > 0 ||
      p.fail({
        prop: `${prop}.required`,
        value: given.required,
        rule: 'must have at least one term (the API server refuses an empty list)',
        fix: 'give a term, or leave required out',
      }),
    ...required.map((t, i) => {
      const at = `${prop}.required[${i}]`;
      return (
        checkItem(p, at, t, NODE_SELECTOR_TERM_OPTIONS, 'give { matchExpressions: [...] }') &&
        checkRequirements(p, `${at}.matchExpressions`, t.matchExpressions)
      );
    }),
    ...(given.preferred === undefined ? [] : listOf(p, `${prop}.preferred`, given.preferred)).map((t, i) => {
      const at = `${prop}.preferred[${i}]`;
      if (!checkItem(p, at, t, PREFERRED_NODE_TERM_OPTIONS, 'give { weight, matchExpressions: [...] }')) return false;
      const weight = checkInteger(p, `${at}.weight`, t.weight, 1, 100, `set ${at}.weight to a whole number from 1 to 100`);
      return checkRequirements(p, `${at}.matchExpressions`, t.matchExpressions) && weight;
    }),
  ];
  return ok.every(Boolean);
}

/** The requirements of one term: at least one (an empty term matches no node), each as the API server checks it. */
function checkRequirements(p: Problems, prop: string, given: readonly NodeSelectorRequirementOptions[] | undefined): boolean {
  const list = listOf(p, prop, given);
  const ok =
    list.length > 0 ||
    p.fail({
      prop,
      value: given,
      rule: 'needs at least one requirement (a term without any matches no node)',
      fix: 'give requirements like { key: "example.com/pool", operator: NodeSelectorOperator.IN, values: ["web"] }',
    });
  return list.map((r, i) => checkRequirement(p, `${prop}[${i}]`, r)).every(Boolean) && ok;
}

const INT64 = /^[-+]?[0-9]+$/;

function checkRequirement(p: Problems, prop: string, r: NodeSelectorRequirementOptions): boolean {
  if (!checkItem(p, prop, r, NODE_SELECTOR_REQUIREMENT_OPTIONS, 'give { key, operator, values }')) return false;
  const key =
    isLabelKey(r.key) ||
    p.fail({
      prop: `${prop}.key`,
      value: r.key,
      rule: 'must be a node label key: an optional DNS subdomain prefix and "/", then at most 63 letters, digits, "-", "_", "."',
      fix: 'use a key like "topology.kubernetes.io/zone" or "example.com/pool"',
    });
  const operator =
    Object.values(NodeSelectorOperator).includes(r.operator) ||
    p.fail({
      prop: `${prop}.operator`,
      value: r.operator,
      rule: 'must be a NodeSelectorOperator',
      fix: 'use NodeSelectorOperator.IN, NOT_IN, EXISTS, DOES_NOT_EXIST, GT or LT',
    });
  if (!operator || (r.values !== undefined && !checkStringList(p, `${prop}.values`, r.values))) return false;
  const values = r.values ?? [];
  const needs = {
    [NodeSelectorOperator.IN]: [values.length > 0, 'needs at least one value with NodeSelectorOperator.IN', 'give the values to match'],
    [NodeSelectorOperator.NOT_IN]: [values.length > 0, 'needs at least one value with NodeSelectorOperator.NOT_IN', 'give the values to exclude'],
    [NodeSelectorOperator.EXISTS]: [values.length === 0, 'must be left out with NodeSelectorOperator.EXISTS', 'remove values'],
    [NodeSelectorOperator.DOES_NOT_EXIST]: [values.length === 0, 'must be left out with NodeSelectorOperator.DOES_NOT_EXIST', 'remove values'],
    [NodeSelectorOperator.GT]: [isSingleInteger(values), 'must be a single integer with NodeSelectorOperator.GT', 'give one value like ["4"]'],
    [NodeSelectorOperator.LT]: [isSingleInteger(values), 'must be a single integer with NodeSelectorOperator.LT', 'give one value like ["4"]'],
  } as const;
  const [fits, rule, fix] = needs[r.operator];
  return (fits || p.fail({ prop: `${prop}.values`, value: r.values, rule, fix })) && key;
}

/** One value that the API server parses as an int64. */
function isSingleInteger(values: readonly string[]): boolean {
  if (values.length !== 1 || !INT64.test(values[0])) return false;
  const n = BigInt(values[0]);
  return n >= -(2n ** 63n) && n < 2n ** 63n;
}

/** The nodeAffinity of a pod spec. */
export function renderNodeAffinity(a: NodeAffinityOptions): k8s.NodeAffinity {
  const terms = (expressions: readonly NodeSelectorRequirementOptions[]) => ({
    matchExpressions: expressions.map((r) => ({ key: r.key, operator: r.operator, ...(r.values?.length ? { values: [...r.values] } : {}) })),
  });
  return {
    ...(a.required ? { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: a.required.map((t) => terms(t.matchExpressions)) } } : {}),
    ...(a.preferred
      ? { preferredDuringSchedulingIgnoredDuringExecution: a.preferred.map((t) => ({ weight: t.weight, preference: terms(t.matchExpressions) })) }
      : {}),
  };
}
