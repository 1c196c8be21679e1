/**
 * The Kubernetes format rules that props are checked against, one helper each.
 * Every construct validates through these, so a rule lives in one place.
 */
import { Chart } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { Problems, show, throwProblem } from './_errors';
import { isObject, obj } from './_json';

const DNS_1035 = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const DNS_1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const LABEL_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const IANA_SVC_NAME = /^(?=.*[a-z])[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;
const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;
/** A name of upper-case letters and "_" only ("DB_HOST"). */
const UPPER_WORDS = /^[A-Z_]*$/;
/** Parts of a name that hold a credential wherever they occur ("dbPassword", "GITHUB_TOKEN"). */
const SECRET_PART = /passw|secret|token|api_?key|credential|private_?key|passphrase/;
/** Words of a name that hold a credential as whole words ("DB_PASS", "pwd", "REDIS_AUTH"). */
const SECRET_WORDS = new Set(['pass', 'pw', 'pwd', 'auth', 'creds', 'apikey']);
/**
 * What the lower-case form of a name holds when a part or a word of it is SECRET_PART or one of SECRET_WORDS, made
 * from the two: each word, and each alternative of SECRET_PART up to its first "_" (the words of a name are joined
 * by "_", so a part's text before one lies in one word, a piece of the lower-case name).
 */
const MAY_BE_SECRET = new RegExp([...SECRET_WORDS, ...SECRET_PART.source.split('|').map((part) => part.split('_')[0])].join('|'));
/** A last word that says the value is about a credential, not one ("PASSWORD_FILE", "AUTH_URL", "SECRET_NAME"). */
const DESCRIPTOR_WORDS = new Set([
  'url',
  'uri',
  'host',
  'hostname',
  'port',
  'path',
  'file',
  'dir',
  'endpoint',
  'name',
  'ref',
  'enabled',
  'enable',
  'disabled',
  'type',
  'mode',
  'method',
  'provider',
  'header',
  'length',
  'ttl',
  'timeout',
  'expiry',
  'issuer',
  'realm',
  'scope',
  'user',
  'username',
  'encryption',
  'algorithm',
  'policy',
  'format',
  'hash',
  'version',
]);
// registry[:port]/path[:tag][@digest], after the distribution reference grammar (lower-case paths;
// a first component is a registry only with a "." or ":" in it, or as "localhost")
const IMAGE_REF =
  /^(?:(?=localhost[:/]|[^/]*[.:][^/]*\/)(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::[0-9]+)?\/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::([\w][\w.-]{0,127}))?(?:@(sha256:[a-f0-9]{64}))?$/;

export const isString = (v: unknown): v is string => typeof v === 'string';

/** The prop of the entry `key` of the map prop `prop` (`env["TZ"]`), or `prop` itself when `key` is not given. */
export function entryProp(prop: string, key: string | undefined): string {
  return key === undefined ? prop : `${prop}["${key}"]`;
}
/** A construct (of any copy of the constructs library, which marks constructs with a symbol). */
export function isConstruct(c: unknown): c is IConstruct {
  return c !== null && typeof c === 'object' && Construct.isConstruct(c);
}

/** A plain object (a props or options literal), not null, not a list: the one test of src/_json.ts, here beside the other prop rules. */
export { isObject };

/**
 * Checks the scope and id of a construct of the library before it is created
 * (a construct that cannot be created has nowhere to record a problem):
 * throws the library's error naming `what` when the scope is not a construct
 * inside a Chart, or the id is not a string.
 */
export function checkScope(what: string, scope: unknown, id: unknown, inChart = true): void {
  if (inChart ? !isInChart(scope) : !isConstruct(scope)) {
    throwProblem(what, {
      prop: 'scope',
      value: isConstruct(scope) ? scope.node.path : scope,
      rule: inChart ? 'must be a Chart or a construct inside one' : 'must be a construct (the GitOpsApp)',
      fix: inChart ? `create it in a chart: new ${what}(chart, 'id', {...})` : `create it in the app: new ${what}(app, 'dev', {...})`,
    });
  }
  if (typeof id !== 'string' || id === '')
    throwProblem(what, { prop: 'id', value: id, rule: 'must be a non-empty string', fix: `give a construct id like 'web': new ${what}(chart, 'web', {...})` });
}

/** A construct that is a Chart or inside one (Chart.isChart recognises charts of any copy of cdk8s). */
export function isInChart(scope: unknown): scope is IConstruct {
  return isConstruct(scope) && scope.node.scopes.some((s) => Chart.isChart(s));
}

export const isInteger = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);

/** A DNS-1035 label: Service names (lower case, starts with a letter, at most 63). */
export function isDns1035Label(v: unknown, max = 63): v is string {
  return isString(v) && v.length <= max && DNS_1035.test(v);
}

/** A DNS-1123 label: namespaces, volume and container names (at most 63). */
export function isDns1123Label(v: unknown, max = 63): v is string {
  return isString(v) && v.length <= max && DNS_1123_LABEL.test(v);
}

/** A DNS-1123 subdomain: most object names, Secret and ConfigMap names (at most 253). */
export function isDns1123Subdomain(v: unknown): v is string {
  return isString(v) && v.length <= 253 && DNS_1123_SUBDOMAIN.test(v);
}

/** A label value: at most 63 characters of `[A-Za-z0-9_.-]`, alphanumeric at both ends. */
export function isLabelValue(v: unknown): v is string {
  return isString(v) && v.length <= 63 && LABEL_VALUE.test(v);
}

/** A label key: optional DNS-subdomain prefix and a name of at most 63 characters. */
export function isLabelKey(v: unknown): v is string {
  if (!isString(v)) return false;
  const slash = v.indexOf('/');
  const prefix = slash >= 0 ? v.slice(0, slash) : undefined;
  const name = slash >= 0 ? v.slice(slash + 1) : v;
  if (prefix !== undefined && !isDns1123Subdomain(prefix)) return false;
  return name.length <= 63 && LABEL_NAME.test(name);
}

/** An IANA service name: container port names (at most 15, a letter, no `--`). */
export function isPortName(v: unknown): v is string {
  return isString(v) && v.length <= 15 && IANA_SVC_NAME.test(v) && !v.includes('--');
}

/** A TCP/UDP port number. */
export function isPort(v: unknown): v is number {
  return isInteger(v) && v >= 1 && v <= 65535;
}

/** The default NodePort range of the API server. */
export const NODE_PORT_MIN = 30000;
export const NODE_PORT_MAX = 32767;
export function isNodePort(v: unknown): v is number {
  return isInteger(v) && v >= NODE_PORT_MIN && v <= NODE_PORT_MAX;
}

/** A C-identifier-like environment variable name as the API server accepts it. */
export function isEnvName(v: unknown): v is string {
  return isString(v) && ENV_NAME.test(v);
}

/** The words of a name: split at "_", "-", ".", "/", spaces and camelCase, lower case. */
function wordsOf(name: string): string[] {
  // (most names are upper case words and "_": no camelCase to split)
  if (UPPER_WORDS.test(name))
    return name
      .toLowerCase()
      .split('_')
      .filter((w) => w !== '');
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w !== '');
}

/**
 * Names that look like they hold a credential (env names, ConfigMap keys,
 * annotation keys, settings in a config file): their values must come from a
 * Secret. A name whose last word describes the credential (`_FILE`, `_URL`,
 * `_NAME` ...) does not hold one.
 */
export function looksSecret(name: string): boolean {
  // every part and word above is in the lower-case name itself (words are pieces of it): most names have none
  return MAY_BE_SECRET.test(name.toLowerCase()) && secretByWords(name);
}

/** {@link looksSecret} by the words of the name alone (without the quick test). @internal exported for its test */
export function secretByWords(name: string): boolean {
  const words = wordsOf(name);
  if (!words.length || DESCRIPTOR_WORDS.has(words[words.length - 1])) return false;
  return SECRET_PART.test(words.join('_')) || words.some((w) => SECRET_WORDS.has(w));
}

/** An absolute, normalised path (no `..`, no trailing slash, not `/`). */
export function isAbsolutePath(v: unknown): v is string {
  return isString(v) && /^\/[^\0]*$/.test(v) && v !== '/' && !v.endsWith('/') && !v.split('/').includes('..') && !v.includes('//');
}

/** The tag and digest of an image reference, or undefined when it is not a valid reference. */
export function parseImage(v: unknown): { tag?: string; digest?: string } | undefined {
  if (!isString(v)) return undefined;
  const m = IMAGE_REF.exec(v);
  if (!m) return undefined;
  return { tag: m[1], digest: m[2] };
}

/**
 * Checks an image reference: valid, and pinned to a tag other than `latest` or
 * to a digest. Returns the tag (for the version label) when the check passes.
 */
export function checkImage(problems: Problems, prop: string, image: unknown): string | undefined {
  const ref = parseImage(image);
  if (!ref) {
    problems.add({
      prop,
      value: image,
      rule: 'must be an image reference like "registry.example.com/team/app:1.4.2"',
      fix: 'give the full image name with a tag or a digest',
    });
    return undefined;
  }
  if (!ref.digest && (!ref.tag || ref.tag === 'latest')) {
    problems.add({
      prop,
      value: image,
      rule: 'must be pinned to a version tag (not "latest") or a sha256 digest, so that every node runs the same code',
      fix: 'add a version tag (e.g. ":1.27.2") or a digest ("@sha256:...")',
    });
    return undefined;
  }
  return ref.tag;
}

/** Checks a StorageClass name ("" binds only to volumes without a class); returns whether it is one. */
export function checkStorageClassName(problems: Problems, prop: string, value: unknown): boolean {
  return (
    value === '' ||
    isDns1123Subdomain(value) ||
    problems.fail({
      prop,
      value,
      rule: 'must be a StorageClass name (a DNS-1123 subdomain), or "" for volumes without a class',
      fix: 'name an existing StorageClass, e.g. "standard"',
    })
  );
}

/** The largest value of an int32 field (most counts and durations of the Kubernetes API). */
export const INT32_MAX = 2 ** 31 - 1;

/** Checks a whole number within [min, max] (by default an int32 >= min); returns whether it passed. */
export function checkInteger(problems: Problems, prop: string, value: unknown, min: number, maxGiven?: number, fix?: string): value is number {
  const max = maxGiven ?? INT32_MAX;
  // (the message is made only when it is reported: this runs for most numbers of every tier)
  if (isInteger(value) && value >= min && value <= max) return true;
  // without a given max, the int32 bound is named only to a value above it
  const unbounded = maxGiven === Number.MAX_SAFE_INTEGER || (maxGiven === undefined && !(isInteger(value) && value > max));
  const range = unbounded ? `>= ${min}` : `from ${min} to ${max}`;
  problems.add({
    prop,
    value,
    rule: `must be a whole number ${range}`,
    fix: fix ?? `set ${prop} to a whole number ${range}, or leave it out for the default`,
  });
  return false;
}

/** Checks a container or Service port number. */
export function checkPort(problems: Problems, prop: string, value: unknown): value is number {
  return isPort(value) || problems.fail({ prop, value, rule: 'must be a port number from 1 to 65535', fix: `set ${prop} to a whole number from 1 to 65535` });
}

/** Checks a container port name. */
export function checkPortName(problems: Problems, prop: string, value: unknown): value is string {
  if (isPortName(value)) return true;
  return problems.fail({
    prop,
    value,
    rule: 'must be an IANA service name: at most 15 lower-case letters, digits and single dashes, with at least one letter',
    fix: `use a name like "http" or "metrics" for ${prop}`,
  });
}

/** Checks a NodePort. */
export function checkNodePort(problems: Problems, prop: string, value: unknown): value is number {
  if (isNodePort(value)) return true;
  return problems.fail({
    prop,
    value,
    rule: `must be a node port from ${NODE_PORT_MIN} to ${NODE_PORT_MAX} (the API server's default range)`,
    fix: `pick a free port from ${NODE_PORT_MIN} to ${NODE_PORT_MAX}, or leave ${prop} out to let the cluster choose`,
  });
}

/** Checks labels (or annotations' keys when `valuesToo` is false). */
/** Map keys that are legal in Kubernetes but that cdk8s cannot render as written: its serializer reads `constructor` as the object's class and drops `__proto__`. */
const UNRENDERABLE_KEYS = new Set(['constructor', '__proto__']);

/** Checks that a key of a map prop renders as written (`prop` names the map, e.g. `labels`); returns whether it does. */
export function checkRenderableKey(problems: Problems, prop: string, key: string): boolean {
  return (
    !UNRENDERABLE_KEYS.has(key) ||
    problems.fail({
      prop: `${prop} key`,
      value: key,
      rule: 'is a key that cdk8s cannot render as written (it reads "constructor" as the class of the map and drops "__proto__")',
      fix:
        key === 'constructor'
          ? 'rename the key, or add it to the rendered object with a JSON patch (ApiObject.of(x).addJsonPatch(JsonPatch.add("/path/to/map/constructor", value)))'
          : 'rename the key: cdk8s cannot write it at all',
    })
  );
}

export function checkLabels(problems: Problems, prop: string, labels: Record<string, unknown> | undefined, valuesToo = true): void {
  if (!checkMap(problems, prop, labels, '{ "team": "checkout" }')) return;
  for (const [k, v] of Object.entries(labels!)) {
    if (!checkRenderableKey(problems, prop, k)) continue;
    if (!isLabelKey(k))
      problems.add({
        prop: `${prop} key`,
        value: k,
        rule: 'must be a label key: an optional DNS subdomain prefix and "/", then at most 63 characters of letters, digits, "-", "_", "."',
        fix: 'use a key like "team" or "example.com/team"',
      });
    if (valuesToo) {
      if (!isLabelValue(v))
        problems.add({
          prop: entryProp(prop, k),
          value: v,
          rule: 'must be a label value: at most 63 letters, digits, "-", "_", ".", starting and ending alphanumeric',
          fix: 'shorten the value or replace other characters with "-"',
        });
    } else {
      if (!isString(v)) problems.add({ prop: entryProp(prop, k), value: v, rule: 'must be a string', fix: 'quote the value' });
    }
  }
}

/** A map prop (`env`, `configFiles`, ...): the object, or undefined when it is not set (undefined or null) or is not a map (then reported). */
export function checkMap<T>(
  problems: Problems,
  prop: string,
  value: { [key: string]: T } | undefined | null,
  example: string,
): { [key: string]: T } | undefined {
  if (value === undefined || value === null) return undefined;
  return isObject(value) || problems.fail({ prop, value, rule: 'must be a map of keys to values', fix: `write ${prop} like ${example}, or leave it out` })
    ? value
    : undefined;
}

/** A list prop: the array, or [] when it is not set (undefined or null) or is not an array (then reported). */
/** The empty list {@link listOf} gives for none (one, read only: tiers keep what it gives). */
const NONE: readonly never[] = Object.freeze([]);

export function listOf<T>(problems: Problems, prop: string, value: readonly T[] | undefined | null): readonly T[] {
  if (value === undefined || value === null) return NONE;
  return Array.isArray(value) || problems.fail({ prop, value, rule: 'must be a list', fix: `write ${prop} as a list [...], or leave it out` }) ? value : NONE;
}

/** Checks a command or argument list: an array of strings. */
export function checkStringList(problems: Problems, prop: string, value: unknown): value is string[] {
  return (
    (Array.isArray(value) && value.every(isString)) ||
    problems.fail({
      prop,
      value,
      rule: 'must be a list of strings',
      fix: `write ${prop} as a list, one string per word, e.g. ["node", "server.js"]`,
    })
  );
}

/** Reports every value that appears more than once in `values`. */
export function checkUnique(problems: Problems, prop: string, values: readonly unknown[], what: string): void {
  const seen = new Set<unknown>();
  const reported = new Set<unknown>();
  for (const v of values) {
    if (seen.has(v) && !reported.has(v)) {
      problems.add({ prop, value: v, rule: `${what} must be unique within the pod`, fix: `rename or remove one of the two entries named ${show(v)}` });
      reported.add(v);
    }
    seen.add(v);
  }
}

/** Checks a tier name (it names the Service too, so a DNS-1035 label) of at most `max` characters. */
export function checkTierName(problems: Problems, name: unknown, max: number, why: string, example: string): void {
  if (!isDns1035Label(name, max))
    problems.add({
      prop: 'name',
      value: name,
      rule: `must be a DNS-1035 label of at most ${max} characters (${why}): lower-case letters, digits and "-", starting with a letter`,
      fix: `use a name like "${example}"`,
    });
}

/**
 * Checks an optional namespace (else the namespace of the chart `scope` is in,
 * which the tier's objects get) and a ServiceAccount name.
 */
export function checkNamespaceAndAccount(problems: Problems, namespace: unknown, serviceAccountName: unknown, scope: IConstruct): void {
  if (namespace !== undefined) {
    if (!isDns1123Label(namespace)) problems.add({ prop: 'namespace', value: namespace, rule: 'must be a DNS-1123 label', fix: 'use a namespace like "shop"' });
  } else {
    const chart = Chart.of(scope);
    // (the message names the chart's path, built by walking the tree: only for a namespace that is wrong)
    if (chart.namespace !== undefined && !isDns1123Label(chart.namespace))
      problems.add({
        prop: 'namespace',
        value: chart.namespace,
        rule: `the namespace of chart ${chart.node.path}, which every object of the tier gets, must be a DNS-1123 label`,
        fix: `correct the namespace of chart ${chart.node.path} (e.g. "shop"), or set namespace on the tier`,
      });
  }
  if (serviceAccountName !== undefined) {
    if (!isDns1123Subdomain(serviceAccountName))
      problems.add({
        prop: 'serviceAccountName',
        value: serviceAccountName,
        rule: 'must be a DNS-1123 subdomain',
        fix: 'name an existing ServiceAccount',
      });
  }
}

/**
 * The handler of a rendered probe without its timings (`httpGet {"path":"/","port":"http"}`),
 * if it has one: readiness and liveness of one container must never share one.
 */
export function probeHandler(probe: unknown): string | undefined {
  const p = obj(probe);
  const kind = ['exec', 'httpGet', 'tcpSocket', 'grpc'].find((h) => p[h] !== undefined);
  return kind === undefined ? undefined : `${kind} ${show(p[kind])}`;
}

/** Checks that `value` of `prop` is an instance of the choice class `type` (made by its static factories); records the problem otherwise. */
export function checkChoice<T>(
  problems: Problems,
  prop: string,
  value: unknown,
  type: { readonly prototype: T; readonly name: string },
  fix: string,
): value is T {
  // (a choice class keeps its constructor private, so it is named by its prototype)
  return Object.prototype.isPrototypeOf.call(type.prototype, value as object) || problems.fail({ prop, value, rule: `must be a ${type.name}`, fix });
}
