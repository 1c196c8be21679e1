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
import { DEFAULT_SCHEMA, dump, Type } from 'js-yaml';

/** A manifest object as plain JSON. */
export type Manifest = { [key: string]: unknown };

const TOP_KEYS = ['apiVersion', 'kind', 'metadata', 'spec', 'type', 'data', 'stringData', 'binaryData'];
const METADATA_KEYS = ['name', 'namespace', 'labels', 'annotations'];
const NONE: readonly string[] = [];
const SUSPICIOUS_STRINGS = new Set(['undefined', 'NaN', '[object Object]']);

/**
 * A canonical copy of `object`: keys in the documented order. Values that
 * must never reach the output (null, undefined, NaN, Infinity, the strings
 * "undefined", "NaN" and "[object Object]") are reported in `bad` as
 * `path: value` and left out.
 */
export function canonical(object: Manifest, bad: string[]): Manifest {
  const out: Manifest = {};
  for (const key of orderedKeys(object, TOP_KEYS)) {
    const v = copy(object[key], key, bad, key === 'metadata');
    if (v !== undefined) out[key] = v;
  }
  return out;
}

/**
 * Plain scalars that Go YAML parsers (kubectl, kustomize, Argo CD, Flux) read
 * as numbers although js-yaml's YAML 1.2 schema reads them as strings: digits
 * with `_` (`1_000`), `0b`/`0o` prefixes, YAML 1.1 sexagesimal (`1:30`). The
 * dumper quotes every string an implicit type resolves, so this type makes
 * js-yaml quote them (it never represents a value itself).
 */
const GO_NUMBER = /^[-+]?(?:0[bB][01_]+|0[oO]?[0-7_]+|0[xX][0-9a-fA-F_]+|[0-9][0-9_]*(?::[0-5]?[0-9])*(?:\.[0-9_]*)?(?:[eE][-+]?[0-9_]+)?|\.[0-9_]+(?:[eE][-+]?[0-9_]+)?)$/;
const GO_NUMBER_LIKE = new Type('tag:cdk8s-tiers,2024:go-number-like', {
  kind: 'scalar',
  resolve: (data: unknown) => typeof data === 'string' && GO_NUMBER.test(data),
});
const SCHEMA = DEFAULT_SCHEMA.extend({ implicit: [GO_NUMBER_LIKE] });

/** The YAML text of one object (a single document, no `---`). */
export function toYaml(object: Manifest): string {
  return dump(object, { schema: SCHEMA, noRefs: true, lineWidth: -1, sortKeys: false });
}

function orderedKeys(o: Manifest, first: readonly string[]): string[] {
  const keys = Object.keys(o);
  const head = first.filter((k) => Object.prototype.hasOwnProperty.call(o, k));
  if (head.length === 0) return keys.sort();
  const set = new Set(head);
  return [...head, ...keys.filter((k) => !set.has(k)).sort()];
}

function copyMapping(o: Manifest, path: string, bad: string[], first: readonly string[]): Manifest {
  const out: Manifest = {};
  for (const key of orderedKeys(o, first)) {
    const v = copy(o[key], `${path}.${key}`, bad, key === 'metadata');
    if (v !== undefined) out[key] = v;
  }
  return out;
}

function copy(value: unknown, path: string, bad: string[], isMetadata = false): unknown {
  switch (typeof value) {
    case 'string':
      if (SUSPICIOUS_STRINGS.has(value)) bad.push(`${path}: got ${JSON.stringify(value)}`);
      return value;
    case 'boolean':
      return value;
    case 'number':
      if (!Number.isFinite(value)) {
        bad.push(`${path}: got ${value}`);
        return undefined;
      }
      return value;
    case 'object':
      if (value === null) break;
      if (Array.isArray(value)) {
        const items: unknown[] = [];
        value.forEach((item, i) => {
          const v = copy(item, `${path}[${i}]`, bad);
          if (v !== undefined) items.push(v);
        });
        return items;
      }
      if (isMapping(value)) return copyMapping(value, path, bad, isMetadata ? METADATA_KEYS : NONE);
      bad.push(`${path}: got an object of type ${(value as object).constructor?.name}`);
      return undefined;
    default:
      break;
  }
  bad.push(`${path}: got ${value === null ? 'null' : typeof value}`);
  return undefined;
}

function isMapping(v: unknown): v is Manifest {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}
