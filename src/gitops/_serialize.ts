/**
 * Stable serialisation of manifest objects: one canonical key order and one
 * YAML style, so the same objects give the same bytes on every machine.
 *
 * Key order: `apiVersion`, `kind`, `metadata`, `spec`, `type`, `data`,
 * `stringData`, `binaryData`, then every other top-level key sorted; inside
 * `metadata`: `name`, `namespace`, `labels`, `annotations`, then the rest
 * sorted (also in pod templates and claim templates: every mapping under a
 * `metadata` key); every other mapping sorted by key (UTF-16 code units, the
 * order of `Array.prototype.sort`, independent of locale and of
 * `CDK8S_DISABLE_SORT`).
 * Lists keep their order: it carries meaning (containers, env, rules).
 */
import { has, isObject } from '../_json';
import { entriesBefore } from './_plain';

// the YAML text of one object (a single document, no `---`): js-yaml's dump, written faster in _yaml.ts
export { toYaml } from './_yaml';

/** A manifest object as plain JSON. */
export type Manifest = { [key: string]: unknown };

/** The keys that come first at the top of an object, in this order. */
export const TOP_KEYS: readonly string[] = ['apiVersion', 'kind', 'metadata', 'spec', 'type', 'data', 'stringData', 'binaryData'];
/** The keys that come first in every mapping under a `metadata` key, in this order. */
export const METADATA_KEYS: readonly string[] = ['name', 'namespace', 'labels', 'annotations'];
const NONE: readonly string[] = [];
const SUSPICIOUS_STRINGS = new Set(['undefined', 'NaN', '[object Object]']);

/**
 * `object` in canonical form: keys in the documented order. Values that must
 * never reach the output (null, undefined, NaN, Infinity, the strings
 * "undefined", "NaN" and "[object Object]") are reported in `bad` as
 * `path: value` and left out. Parts that are already canonical are shared
 * with `object`, not copied (nothing here ever changes an object).
 */
export function canonical(object: Manifest, bad: string[]): Manifest {
  return mapping(object, TOP_KEYS, [], bad);
}

/**
 * The distinct `keys` of a mapping in canonical order (a new array): the present `first` keys, then the rest
 * sorted. What scripts/gen-k8s-json.ts emits the typed converters' fields in, so that their JSON is canonical already.
 */
export function canonicalOrder(keys: readonly string[], first: readonly string[]): string[] {
  return [...first.filter((f) => keys.includes(f)), ...sortKeys(keys.filter((k) => !first.includes(k)))];
}

/** `keys` (of `o`, an array of this module's own) in canonical order: the present `first` keys, then the rest sorted. */
function orderedKeys(o: Manifest, keys: string[], first: readonly string[]): string[] {
  if (first.length === 0) return sortKeys(keys);
  const order: string[] = [];
  for (const f of first) if (has(o, f)) order.push(f);
  if (order.length === 0) return sortKeys(keys);
  const rest = sortKeys(keys.filter((k) => !first.includes(k)));
  for (const k of rest) order.push(k);
  return order;
}

/**
 * `keys.sort()` (in place): the order of `Array.prototype.sort` for strings, by UTF-16 code units. A mapping
 * has a few keys: sorted by insertion there, without a call per comparison (keys are distinct, so no tie).
 */
function sortKeys(keys: string[]): string[] {
  if (keys.length > 16) return keys.sort();
  for (let i = 1; i < keys.length; i++) {
    const k = keys[i];
    let j = i - 1;
    for (; j >= 0 && keys[j] > k; j--) keys[j + 1] = keys[j];
    keys[j + 1] = k;
  }
  return keys;
}

/**
 * Whether the keys of `o` (its own enumerable string keys, in the order of `Object.keys`: for...in gives them in
 * that order, then any inherited ones, which are skipped) already are in canonical order: the present `first`
 * keys, then the rest sorted.
 */
function isOrdered(o: Manifest, first: readonly string[]): boolean {
  let f = 0; // the `first` keys before it are present and passed, or absent
  let prev: string | undefined; // the last key after the `first` keys
  for (const key in o) {
    if (!has(o, key)) continue;
    if (prev === undefined) {
      while (f < first.length && first[f] !== key) if (has(o, first[f++])) return false;
      if (f < first.length) {
        f++;
        continue;
      }
    } else if (!(prev < key)) return false;
    prev = key;
  }
  return true;
}

/**
 * The canonical form of the mapping `o` at `at`. Scalars are checked here
 * without a step of `at` each (it is only needed for a report); a mapping out
 * of order is built in order, one in order is shared unless a value in it
 * changes (then copied from the key whose value changes on).
 */
function mapping(o: Manifest, first: readonly string[], at: Array<string | number>, bad: string[]): Manifest {
  if (!isOrdered(o, first)) {
    const out: Manifest = {};
    for (const key of orderedKeys(o, Object.keys(o), first)) {
      const v = entry(key, o[key], at, bad);
      if (v !== undefined) out[key] = v;
    }
    return out;
  }
  let out: Manifest | undefined;
  for (const key in o) {
    if (!has(o, key)) continue;
    const value = o[key];
    const v = entry(key, value, at, bad);
    if (out === undefined && v !== value) out = entriesBefore(o, key);
    if (out !== undefined && v !== undefined) out[key] = v;
  }
  return out ?? o;
}

/** The canonical form of the value of `key`, checked at `at` and `key`. */
function entry(key: string, value: unknown, at: Array<string | number>, bad: string[]): unknown {
  if (typeof value === 'string' ? !suspicious(value) : typeof value === 'boolean') return value;
  at.push(key);
  const v = canonicalValue(value, at, bad, key === 'metadata');
  at.pop();
  return v;
}

function sequence(a: unknown[], at: Array<string | number>, bad: string[]): unknown[] {
  let out: unknown[] | undefined;
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    let v: unknown;
    if (typeof x === 'string' && !suspicious(x)) v = x;
    else {
      at.push(i);
      v = canonicalValue(x, at, bad, false);
      at.pop();
    }
    if (out === undefined && v !== x) out = a.slice(0, i);
    if (out !== undefined && v !== undefined) out.push(v);
  }
  return out ?? a;
}

/** Whether `s` is one of SUSPICIOUS_STRINGS (most strings are told apart by their first character). */
function suspicious(s: string): boolean {
  const c = s.charCodeAt(0);
  return (c === 0x75 || c === 0x4e || c === 0x5b) && SUSPICIOUS_STRINGS.has(s); // u, N, [
}

function pathOf(at: Array<string | number>): string {
  return at.map((s, i) => (typeof s === 'number' ? `[${s}]` : i === 0 ? s : `.${s}`)).join('');
}

/** The canonical form of a value, or undefined (reported in `bad`) when it must not be written. */
function canonicalValue(value: unknown, at: Array<string | number>, bad: string[], isMetadata: boolean): unknown {
  switch (typeof value) {
    case 'string':
      if (suspicious(value)) bad.push(`${pathOf(at)}: got ${JSON.stringify(value)}`);
      return value;
    case 'boolean':
      return value;
    case 'number':
      if (Number.isFinite(value)) return value;
      bad.push(`${pathOf(at)}: got ${value}`);
      return undefined;
    case 'object':
      if (value === null) break;
      if (Array.isArray(value)) return sequence(value, at, bad);
      if (isMapping(value)) return mapping(value, isMetadata ? METADATA_KEYS : NONE, at, bad);
      bad.push(`${pathOf(at)}: got an object of type ${(value as object).constructor?.name}`);
      return undefined;
    default:
      break;
  }
  bad.push(`${pathOf(at)}: got ${value === null ? 'null' : typeof value}`);
  return undefined;
}

function isMapping(v: unknown): v is Manifest {
  if (!isObject(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}
