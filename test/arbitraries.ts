/**
 * fast-check arbitraries and the oracle of the property tests: props that are
 * mostly valid, with a controlled chance of an invalid value in each prop, and
 * a record of which props were made invalid.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Chart, Testing } from 'cdk8s';
import * as fc from 'fast-check';
import { EnvValue, Guardrails, Probe, ResourceOptions } from '../src';
import { TiersError } from '../src/_errors';
import { quantityValue } from '../src/_quantity';

/** One prop made invalid on purpose. */
export interface Fault {
  /** Prop names (as the library writes them) any of which an error line may name. */
  readonly props: readonly string[];
  /** True: the library must reject it. False: it may also accept it (a JS `null` it treats as "not set"). */
  readonly strict: boolean;
  /** What was injected, for failure messages. */
  readonly what: string;
}

/** A generated value and the faults injected into it. */
export interface Gen<T> {
  readonly value: T;
  readonly faults: readonly Fault[];
}

/** Weight of a valid value against one invalid value, per prop: about 1 prop in 100 is made invalid. */
export const VALID_WEIGHT = 100;

export const clean = <T>(value: T): Gen<T> => ({ value, faults: [] });
export const faulty = <T>(value: T, props: string | readonly string[], strict = true, what = 'invalid value'): Gen<T> => ({
  value,
  faults: [{ props: typeof props === 'string' ? [props] : props, strict, what: `${what}: ${describe(value)}` }],
});

/** Prefixes every prop of `faults` (e.g. `sidecars[1].`). */
export function prefixed(faults: readonly Fault[], prefix: string): Fault[] {
  return faults.map((f) => ({ ...f, props: f.props.map((p) => `${prefix}${p}`) }));
}

/** The faults of several generated values. */
export const faultsOf = (...gens: ReadonlyArray<Gen<unknown> | undefined>): Fault[] => gens.flatMap((g) => g?.faults ?? []);

/**
 * A prop: mostly `valid` (or left out when `optional`), sometimes one of `invalid`
 * (must be rejected), sometimes one of `lenient` (a JS caller's `null` and the like:
 * accepted as "not set" or rejected, never a crash).
 */
export function prop<T>(
  name: string | readonly string[],
  valid: fc.Arbitrary<T>,
  opts: {
    readonly optional?: boolean;
    readonly invalid?: fc.Arbitrary<unknown>;
    readonly lenient?: fc.Arbitrary<unknown>;
  } = {},
): fc.Arbitrary<Gen<T | undefined>> {
  const choices: Array<fc.WeightedArbitrary<Gen<T | undefined>>> = [{ weight: VALID_WEIGHT, arbitrary: valid.map((v) => clean<T | undefined>(v)) }];
  if (opts.optional) choices.push({ weight: VALID_WEIGHT / 2, arbitrary: fc.constant(clean<T | undefined>(undefined)) });
  if (opts.invalid) choices.push({ weight: 1, arbitrary: opts.invalid.map((v) => faulty(v as T, name)) });
  if (opts.lenient) choices.push({ weight: 1, arbitrary: opts.lenient.map((v) => faulty(v as T, name, false, 'lenient value')) });
  return fc.oneof(...choices);
}

/** A value for failure messages. */
export function describe(v: unknown): string {
  if (v === undefined) return 'undefined';
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

// ---------------------------------------------------------------- values

/** Wrong types a JS caller may pass where a number is expected. */
export const wrongNumbers = fc.constantFrom<unknown>(NaN, Infinity, -Infinity, '3', true, {}, [1], 1.5);
/** Whole numbers the API server cannot hold in an int32 field. */
export const int32Overflow = fc.constantFrom(2 ** 31, 2 ** 40, Number.MAX_SAFE_INTEGER);
/** Any of the above, or a negative number. */
export const badCount = (min: number): fc.Arbitrary<unknown> => fc.oneof(wrongNumbers, fc.integer({ min: -1000, max: min - 1 }), int32Overflow);

const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const DIGITS = '0123456789';
const chars = (set: string) => fc.constantFrom(...set.split(''));
/** A word of `min` to `max` characters of `set` (cheaper than fc.stringMatching). */
export const word = (set: string, min: number, max: number) => fc.array(chars(set), { minLength: min, maxLength: max }).map((cs) => cs.join(''));
const ALNUM = `${LOWER}${LOWER.toUpperCase()}${DIGITS}`;
const HEX = '0123456789abcdef';

/** A DNS-1035 label (starts with a letter) of 1 to `max` characters. */
export function dns1035(max = 63): fc.Arbitrary<string> {
  // one character, a natural length, or the longest allowed
  return fc
    .tuple(chars(LOWER), fc.array(chars(`${LOWER}${DIGITS}-`), { maxLength: max - 2 }), chars(`${LOWER}${DIGITS}`), fc.constantFrom(0, 1, 1, 2))
    .map(([first, mid, last, mode]) => {
      if (mode === 0) return first;
      const body = mode === 2 ? `${first}${mid.join('')}${'x'.repeat(max)}`.slice(0, max - 1) : `${first}${mid.join('')}`.slice(0, max - 1);
      return `${body}${last}`;
    });
}

/** A DNS-1123 label of 1 to `max` characters. */
export function dns1123(max = 63): fc.Arbitrary<string> {
  return fc.tuple(chars(`${LOWER}${DIGITS}`), dns1035(max)).map(([first, rest]) => `${first}${rest}`.slice(0, max).replace(/-+$/, ''));
}

/** Short DNS-1123 subdomains. */
export const subdomain = fc.tuple(dns1123(20), fc.option(dns1123(20), { nil: undefined })).map(([a, b]) => (b ? `${a}.${b}` : a));

/** Names that break DNS rules (and non-strings). */
export const badDnsNames = fc.constantFrom<unknown>('', 'Web', 'web_tier', '-web', 'web-', 'web tier', 'a'.repeat(64), 'wéb', 42, true, {}, ['web']);

/** A label value (may be empty). */
export const labelValue = fc.oneof(
  {
    weight: 8,
    arbitrary: fc
      .tuple(chars(ALNUM), fc.option(fc.tuple(word(`${ALNUM}-_.`, 0, 20), chars(ALNUM)), { nil: undefined }))
      .map(([a, rest]) => (rest ? `${a}${rest[0]}${rest[1]}` : a)),
  },
  { weight: 1, arbitrary: fc.constantFrom('', 'a'.repeat(63), 'v1.2.3_rc-1') },
);
export const badLabelValues = fc.constantFrom<unknown>('-a', 'a-', 'a b', 'a/b', 'a'.repeat(64), 'ä', 5, true, {});

/** Label keys that users write (never the library's own). */
export const labelKey = fc.constantFrom('team', 'track', 'tier', 'example.com/team', 'cost-center', 'a.b_c-d', 'x', 'shop.example.com/owner');
export const badLabelKeys = fc.constantFrom('bad key', '-team', 'team-', 'a/b/c', 'Example.com/team', '/team', `${'a'.repeat(64)}`, '');

/** Annotation values: any text (quotes, new lines, unicode). */
export const annotationValue = fc.string({ maxLength: 30, unit: 'grapheme' });

/** Objects from entries, with the keys in the order given. */
export function record<T>(entries: ReadonlyArray<readonly [string, T]>): { [key: string]: T } {
  return Object.fromEntries(entries) as { [key: string]: T };
}

/** A small map from `keys` to `values`, each entry valid or (rarely) invalid. */
export function mapOf<T>(
  propName: string,
  keys: fc.Arbitrary<string>,
  values: fc.Arbitrary<T>,
  opts: {
    readonly badKeys?: fc.Arbitrary<string>;
    readonly badValues?: fc.Arbitrary<unknown>;
    readonly keyProp?: string;
    readonly maxKeys?: number;
  },
): fc.Arbitrary<Gen<{ [key: string]: T }>> {
  const entry = fc.oneof(
    { weight: VALID_WEIGHT / 4, arbitrary: fc.tuple(keys, values).map(([k, v]) => ({ k, v: v as unknown, fault: undefined as Fault | undefined })) },
    ...(opts.badKeys
      ? [
          {
            weight: 1,
            arbitrary: fc.tuple(opts.badKeys, values).map(([k, v]) => ({ k, v: v as unknown, fault: faulty(k, opts.keyProp ?? `${propName} key`).faults[0] })),
          },
        ]
      : []),
    ...(opts.badValues
      ? [{ weight: 1, arbitrary: fc.tuple(keys, opts.badValues).map(([k, v]) => ({ k, v, fault: faulty(v, [`${propName}["${k}"]`, propName]).faults[0] })) }]
      : []),
  );
  const entries = fc.uniqueArray(entry, { maxLength: opts.maxKeys ?? 3, selector: (e) => e.k }).map((es) => ({
    value: record(es.map((e) => [e.k, e.v as T])),
    faults: es.flatMap((e) => (e.fault ? [e.fault] : [])),
  }));
  // not a map at all (a JavaScript caller)
  const notMap = fc.constantFrom<unknown>('team', ['a'], 5).map((v) => faulty(v as { [key: string]: T }, [propName, `${propName} key`], true, 'not a map'));
  return fc.oneof({ weight: VALID_WEIGHT, arbitrary: entries }, { weight: 1, arbitrary: notMap });
}

/** A pinned image reference. */
export const image = fc
  .tuple(
    fc.constantFrom('registry.example.com/shop/web', 'nginx', 'ghcr.io/acme/api', 'localhost:5000/app', 'docker.io/library/busybox', 'a/b_c/d-e'),
    fc.oneof(
      fc
        .tuple(word(DIGITS, 1, 2), word(DIGITS, 1, 2), word(DIGITS, 1, 2), fc.option(word(`${LOWER}${DIGITS}`, 1, 8), { nil: undefined }))
        .map(([a, b, c, v]) => `:${a}.${b}.${c}${v ? `-${v}` : ''}`),
      fc.constantFrom(':v1', ':stable-2024', ':1_0'),
      word(HEX, 64, 64).map((d) => `@sha256:${d}`),
      word(HEX, 64, 64).map((d) => `:1.2.3@sha256:${d}`),
    ),
  )
  .map(([repo, ref]) => `${repo}${ref}`);
export const badImages = fc.constantFrom<unknown>(
  'nginx',
  'nginx:latest',
  'registry.example.com/shop/web:latest',
  '',
  'Nginx:1.0',
  'nginx:1.0 ',
  'nginx@sha256:abc',
  ':1.0',
  42,
  {},
  undefined,
);

/** A container port name (IANA service name). */
export const portName = fc
  .tuple(chars(LOWER), fc.array(fc.tuple(fc.constantFrom('', '-'), chars(`${LOWER}${DIGITS}`)), { maxLength: 7 }))
  .map(([a, rest]) => `${a}${rest.map(([d, c]) => `${d}${c}`).join('')}`);
export const badPortNames = fc.constantFrom<unknown>('HTTP', 'http--x', 'a'.repeat(16), '123', '', '-http', 'http-', 'h_t', 8080);

export const port = fc.integer({ min: 1, max: 65535 });
export const badPorts = fc.constantFrom<unknown>(0, -1, 65536, 80.5, NaN, '80', Infinity);

/** An absolute path (no trailing slash, no `..`). */
export const absolutePath = (pool: readonly string[]) => fc.constantFrom(...pool);
export const badPaths = fc.constantFrom<unknown>('relative', '/', '/a/', '/a/../b', '//a', '', 'a/b', 5);

/** Quantities: cpu in cores, memory and disk in bytes, each list ordered by value. */
export const CPU = ['1m', '10m', '50m', '100m', '0.25', '500m', '1', '1500m', '2', '4'];
export const MEMORY = ['16Mi', '64Mi', '100M', '128Mi', '256Mi', '0.5Gi', '512Mi', '1G', '1Gi', '2Gi', '1e10'];
export const badQuantities = fc.constantFrom<unknown>('0', '-1Gi', 'ten', '', '10 Mi', '1.2.3', 'NaN', 'Infinity', '1e400', 'Mi', '12MiB', 128, {}, true);

const quantityIn = (list: readonly string[], lo = 0, hi = list.length - 1) => fc.integer({ min: lo, max: hi }).map((i) => list[i]);
const indexOf = (list: readonly string[], v: string) => list.indexOf(v);
/** Index of the first quantity of `list` at least `v`, and of the last at most `v`. */
const atLeast = (list: readonly string[], v: string) => list.findIndex((q) => quantityValue(q)! >= quantityValue(v)!);
const atMost = (list: readonly string[], v: string) => list.length - 1 - [...list].reverse().findIndex((q) => quantityValue(q)! <= quantityValue(v)!);

/** Resource options valid against the defaults, or (rarely) with a bad quantity or a request above its limit. */
export function resources(defaults: {
  cpuRequest: string;
  memoryRequest: string;
  memoryLimit: string;
  ephemeralStorageRequest: string;
  ephemeralStorageLimit: string;
}): fc.Arbitrary<Gen<ResourceOptions | undefined>> {
  type Pair = { request?: string; limit?: string };
  // one pair (request, limit) valid against the defaults of the other
  const pair = (list: readonly string[], defRequest: string | undefined, defLimit: string | undefined): fc.Arbitrary<Pair> =>
    fc.oneof(
      fc.constant({}),
      // request only: at most the default limit
      quantityIn(list, 0, defLimit ? atMost(list, defLimit) : list.length - 1).map((request) => ({ request })),
      // limit only: at least the default request
      quantityIn(list, defRequest ? atLeast(list, defRequest) : 0).map((limit) => ({ limit })),
      fc
        .tuple(quantityIn(list), quantityIn(list))
        .map(([a, b]) => (indexOf(list, a) <= indexOf(list, b) ? { request: a, limit: b } : { request: b, limit: a })),
    );
  const valid = fc
    .record({
      cpu: pair(CPU, defaults.cpuRequest, undefined),
      memory: pair(MEMORY, defaults.memoryRequest, defaults.memoryLimit),
      disk: pair(MEMORY, defaults.ephemeralStorageRequest, defaults.ephemeralStorageLimit),
    })
    .map(({ cpu, memory, disk }): ResourceOptions =>
      strip({
        cpuRequest: cpu.request,
        cpuLimit: cpu.limit,
        memoryRequest: memory.request,
        memoryLimit: memory.limit,
        ephemeralStorageRequest: disk.request,
        ephemeralStorageLimit: disk.limit,
      }),
    );
  const fields = ['cpuRequest', 'cpuLimit', 'memoryRequest', 'memoryLimit', 'ephemeralStorageRequest', 'ephemeralStorageLimit'] as const;
  const badQuantity = fc
    .tuple(valid, fc.constantFrom(...fields), badQuantities)
    .map(([r, field, q]) => faulty({ ...r, [field]: q } as ResourceOptions, `resources.${field}`, true, `resources.${field}`));
  const aboveLimit = fc
    .constantFrom(
      [{ cpuRequest: '2', cpuLimit: '500m' }, 'resources.cpuRequest'] as const,
      [{ memoryRequest: '2Gi', memoryLimit: '1Gi' }, 'resources.memoryRequest'] as const,
      [{ memoryRequest: '4Gi' }, 'resources.memoryRequest'] as const,
      [{ ephemeralStorageLimit: '1Mi' }, 'resources.ephemeralStorageRequest'] as const,
    )
    .map(([r, name]) => faulty<ResourceOptions>(r, name, true, 'request above limit'));
  return fc.oneof(
    { weight: VALID_WEIGHT / 2, arbitrary: fc.constant(clean<ResourceOptions | undefined>(undefined)) },
    { weight: VALID_WEIGHT, arbitrary: valid.map((r) => clean<ResourceOptions | undefined>(r)) },
    { weight: 1, arbitrary: badQuantity },
    { weight: 1, arbitrary: aboveLimit },
    { weight: 1, arbitrary: fc.constantFrom<unknown>(null, 'big', 5).map((v) => faulty(v as ResourceOptions, 'resources', false, 'resources')) },
  );
}

/** `o` without the keys whose value is undefined. */
export function strip<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/** Probe timings: `failureThreshold` in [lo, hi] (so that liveness never renders like readiness). */
export function probeOptions(failure: [number, number], single: boolean) {
  return fc
    .record({
      initialDelaySeconds: fc.option(fc.integer({ min: 0, max: 300 }), { nil: undefined }),
      periodSeconds: fc.option(fc.integer({ min: 1, max: 60 }), { nil: undefined }),
      timeoutSeconds: fc.option(fc.integer({ min: 1, max: 30 }), { nil: undefined }),
      failureThreshold: fc.integer({ min: failure[0], max: failure[1] }),
      successThreshold: single ? fc.constant(undefined) : fc.option(fc.integer({ min: 1, max: 5 }), { nil: undefined }),
    })
    .map(strip);
}

// readiness and liveness of one container never share a handler (the library rejects that, and its defaults keep to it:
// readiness httpGet "/" or exec, liveness tcpSocket): each draws from its own handlers
const HTTP_PATHS: Record<string, string[]> = { readiness: ['/', '/ready', '/api/v1/health', '/status?full=1', '/a b'], liveness: ['/healthz', '/livez'] };
const COMMANDS: Record<string, string[][]> = {
  readiness: [['true'], ['sh', '-c', 'test -f /tmp/ready'], ['pg_isready']],
  liveness: [
    ['/bin/check', '--quiet'],
    ['sh', '-c', 'kill -0 1'],
  ],
};
const TCP: Record<string, boolean> = { readiness: false, liveness: true };

/**
 * A probe of the container whose port is named `portName` (undefined: no port, so only exec).
 * `single` for liveness and startup (successThreshold 1). `failure` keeps readiness and liveness apart.
 */
export function probe(propName: string, portNameOf: string | undefined, single: boolean, failure: [number, number]): fc.Arbitrary<Gen<Probe | undefined>> {
  const opts = probeOptions(failure, single);
  const paths = HTTP_PATHS[propName] ?? [...HTTP_PATHS.readiness, ...HTTP_PATHS.liveness];
  const commands = COMMANDS[propName] ?? [...COMMANDS.readiness, ...COMMANDS.liveness];
  const withPort =
    portNameOf === undefined
      ? []
      : [
          fc.tuple(fc.constantFrom(...paths), opts, fc.boolean()).map(([path, o, named]) => Probe.httpGet(path, named ? { ...o, portName: portNameOf } : o)),
          ...((TCP[propName] ?? true) ? [fc.tuple(opts, fc.boolean()).map(([o, named]) => Probe.tcpSocket(named ? { ...o, portName: portNameOf } : o))] : []),
        ];
  const valid = fc.oneof(
    ...withPort,
    fc.tuple(fc.constantFrom(...commands), opts).map(([c, o]) => Probe.exec([...c], o)),
  );
  const badOption = fc
    .tuple(
      fc.constantFrom('initialDelaySeconds', 'periodSeconds', 'timeoutSeconds', 'failureThreshold', 'successThreshold'),
      fc.oneof(wrongNumbers, fc.constantFrom(-1, 0, -5), int32Overflow),
    )
    .filter(([k, v]) => !(k === 'initialDelaySeconds' && v === 0))
    .map(([k, v]) => faulty(Probe.exec(['true'], { failureThreshold: failure[0], [k]: v }), `${propName}.${k}`, true, `${propName}.${k}`));
  const invalid = fc.oneof(
    badOption,
    ...(single ? [fc.constant(faulty(Probe.exec(['true'], { failureThreshold: failure[0], successThreshold: 2 }), `${propName}.successThreshold`))] : []),
    fc
      .constantFrom<unknown>('healthz', '', '/a/../b', 5)
      .map((p) => faulty(Probe.httpGet(p as string, { failureThreshold: failure[0] }), `${propName} path`, true, 'http path')),
    fc
      .constantFrom<unknown>([], [1], 'ls', [null])
      .map((c) => faulty(Probe.exec(c as string[], { failureThreshold: failure[0] }), `${propName} command`, true, 'exec command')),
    fc
      .constantFrom('admin', 'Bad_Name')
      .map((n) => faulty(Probe.tcpSocket({ portName: n, failureThreshold: failure[0] }), [`${propName}.portName`, propName], true, 'probe portName')),
    ...(portNameOf === undefined ? [fc.constant(faulty(Probe.tcpSocket({ failureThreshold: failure[0] }), propName, true, 'port probe without a port'))] : []),
    fc.constantFrom<unknown>({}, 'tcp', { httpGet: { path: '/' } }).map((v) => faulty(v as Probe, propName, true, 'not a Probe')),
  );
  return fc.oneof(
    { weight: VALID_WEIGHT / 2, arbitrary: fc.constant(clean<Probe | undefined>(undefined)) },
    { weight: VALID_WEIGHT, arbitrary: valid.map((p) => clean<Probe | undefined>(p)) },
    { weight: 1, arbitrary: invalid as fc.Arbitrary<Gen<Probe | undefined>> },
    { weight: 1, arbitrary: fc.constant(faulty<Probe | undefined>(null as unknown as Probe, propName, false, 'null probe')) },
  );
}

/** Environment variable names that never clash with connection variables (`<PREFIX>_HOST` ...). */
export const ENV_NAMES = ['LOG_LEVEL', 'FEATURE_FLAGS', 'app.mode', 'My-Var', '_UNDERSCORE', 'TZ', 'JAVA_OPTS', 'API_TOKEN', 'DB_PASSWORD_FILE'];
const FIELD_PATHS = ['metadata.name', 'metadata.namespace', 'status.podIP', 'spec.nodeName', "metadata.labels['team']"];

/** A valid EnvValue for the variable `name` (literals only for names that do not look secret). */
export function envValue(secretLike: boolean): fc.Arbitrary<EnvValue> {
  return fc.oneof(
    ...(secretLike ? [] : [fc.string({ maxLength: 20, unit: 'grapheme' }).map((v) => EnvValue.fromValue(v))]),
    fc.tuple(subdomain, fc.constantFrom('password', 'token', 'api-key', 'a.b_c')).map(([s, k]) => EnvValue.fromSecretKey(s, k)),
    fc.tuple(subdomain, fc.constantFrom('flags', 'config.json')).map(([s, k]) => EnvValue.fromConfigMapKey(s, k)),
    fc.constantFrom(...FIELD_PATHS).map((f) => EnvValue.fromFieldPath(f)),
  );
}

const SECRET_LIKE = /passw|secret|token|api_?key|credential/i;

/** An env map, with (rarely) a bad name, a literal credential or a bad reference. */
export function env(propName = 'env', names: readonly string[] = ENV_NAMES): fc.Arbitrary<Gen<{ [name: string]: EnvValue } | undefined>> {
  const entry: fc.Arbitrary<{ k: string; v: unknown; fault?: Fault }> = fc.oneof(
    { weight: VALID_WEIGHT / 4, arbitrary: fc.constantFrom(...names).chain((k) => envValue(SECRET_LIKE.test(k)).map((v) => ({ k, v }))) },
    {
      weight: 1,
      arbitrary: fc.oneof(
        fc.constantFrom('1X', 'A B', '', 'a=b').map((k) => ({ k, v: EnvValue.fromValue('x') as unknown, fault: faulty(k, `${propName}["${k}"]`).faults[0] })),
        fc.constantFrom('DB_PASSWORD', 'API_TOKEN', 'client_secret').map((k) => ({
          k,
          v: EnvValue.fromValue('hunter2') as unknown,
          fault: faulty('hunter2', `${propName}["${k}"]`, true, 'literal credential').faults[0],
        })),
        fc
          .constantFrom<[string, EnvValue]>(
            ['REF', EnvValue.fromSecretKey('Bad Secret', 'k')],
            ['REF', EnvValue.fromSecretKey('creds', '')],
            ['REF', EnvValue.fromSecretKey('creds', 'a b')],
            ['REF', EnvValue.fromConfigMapKey('', 'k')],
            ['REF', EnvValue.fromFieldPath('')],
            ['REF', EnvValue.fromFieldPath('spec.bogus')],
            ['REF', EnvValue.fromValue(5 as unknown as string)],
          )
          .map(([k, v]) => ({ k, v: v as unknown, fault: faulty(v, `${propName}["${k}"]`, true, 'bad env reference').faults[0] })),
        fc.constantFrom<unknown>('plain', 5, {}).map((v) => ({ k: 'RAW', v, fault: faulty(v, `${propName}["RAW"]`, true, 'not an EnvValue').faults[0] })),
        fc.constant({ k: 'NUL', v: null as unknown, fault: faulty(null, `${propName}["NUL"]`, false, 'null EnvValue').faults[0] }),
      ),
    },
  );
  return fc.oneof(
    { weight: 2, arbitrary: fc.constant(clean(undefined)) },
    {
      weight: 3,
      arbitrary: fc.uniqueArray(entry, { maxLength: 4, selector: (e) => e.k }).map((es) => ({
        value: record(es.map((e) => [e.k, e.v as EnvValue])),
        faults: es.flatMap((e) => (e.fault ? [e.fault] : [])),
      })),
    },
  );
}

/** A command or args list (any strings), or (rarely) not a list of strings. */
export function words(propName: string): fc.Arbitrary<Gen<string[] | undefined>> {
  return prop(propName, fc.array(fc.string({ maxLength: 12, unit: 'grapheme' }), { maxLength: 3 }), {
    optional: true,
    invalid: fc.constantFrom<unknown>('node server.js', [1], [null], ['a', {}], 5),
    lenient: fc.constant(null),
  });
}

/** Writable paths, chosen from `pool` (distinct paths with distinct derived volume names). */
export function writable(propName: string, pool: readonly string[]): fc.Arbitrary<Gen<string[] | undefined>> {
  return prop(propName, fc.subarray([...pool]), {
    optional: true,
    invalid: fc.oneof(
      badPaths.map((p) => [p]),
      fc.constant(['/var/cache', '/var-cache']),
      fc.constantFrom<unknown>('/var/cache/app', 5, {}),
    ),
    lenient: fc.constant(null),
  });
}

/** Pod identity. */
export function security(): fc.Arbitrary<Gen<{ runAsUser?: number; runAsGroup?: number; fsGroup?: number } | undefined>> {
  const id = fc.integer({ min: 10000, max: 2 ** 31 - 1 });
  const valid = fc
    .record({
      runAsUser: fc.option(id, { nil: undefined }),
      runAsGroup: fc.option(id, { nil: undefined }),
      fsGroup: fc.option(fc.integer({ min: 1, max: 2 ** 31 - 1 }), { nil: undefined }),
    })
    .map(strip);
  const bad = fc
    .tuple(valid, fc.constantFrom('runAsUser', 'runAsGroup', 'fsGroup'), fc.oneof(wrongNumbers, fc.constantFrom(0, -1, 2 ** 31)))
    .map(([s, k, v]) => faulty({ ...s, [k]: v }, `security.${k}`, true, `security.${k}`));
  const lowUid = fc
    .tuple(valid, fc.constantFrom('runAsUser', 'runAsGroup'), fc.integer({ min: 1, max: 9999 }))
    .map(([s, k, v]) => faulty({ ...s, [k]: v }, `security.${k}`, true, 'low id'));
  return fc.oneof(
    { weight: VALID_WEIGHT / 2, arbitrary: fc.constant(clean(undefined)) },
    { weight: VALID_WEIGHT / 2, arbitrary: valid.map((s) => clean(s)) },
    { weight: 1, arbitrary: bad },
    { weight: 1, arbitrary: lowUid },
  );
}

// ---------------------------------------------------------------- the oracle

/** How a run ended. */
export type Outcome = 'synthesized' | 'rejected';

const LINE = /^ {2}\[([^\]\s]+)\] (.+?): got (.*); (.+)\. Fix: (.+)$/;
const HEADER = /^cdk8s-tiers found \d+ problems?:$/;

/** Values that must never appear in output: walks every object and array. */
export function badOutputValues(value: unknown, at = ''): string[] {
  if (value === undefined) return [`${at}: undefined`];
  if (value === null) return [`${at}: null`];
  if (typeof value === 'number') return Number.isFinite(value) ? [] : [`${at}: ${value}`];
  if (typeof value === 'string') return /undefined|^NaN$|^null$|\[object Object\]|^Infinity$/.test(value) ? [`${at}: ${JSON.stringify(value)}`] : [];
  if (typeof value !== 'object') return typeof value === 'boolean' ? [] : [`${at}: ${typeof value}`];
  if (Array.isArray(value)) {
    const out: string[] = [];
    for (let i = 0; i < value.length; i++) out.push(...badOutputValues(value[i], `${at}[${i}]`));
    return out;
  }
  const out: string[] = [];
  for (const [k, v] of Object.entries(value)) out.push(...badOutputValues(v, `${at}.${k}`));
  return out;
}

/** Deep-freezes plain objects and arrays (not class instances), so a library that writes into props fails loudly. */
export function deepFreeze<T>(value: T, seen = new Set<unknown>()): T {
  if (value === null || typeof value !== 'object' || seen.has(value)) return value;
  seen.add(value);
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== Array.prototype && proto !== null) return value;
  for (const v of Object.values(value)) deepFreeze(v, seen);
  return Object.freeze(value);
}

/** Whether the prop named in an error line is (inside) one of the injected props. */
function names(lineProp: string, faultProp: string): boolean {
  if (lineProp === faultProp) return true;
  return ['.', '[', ' '].some((sep) => lineProp.startsWith(`${faultProp}${sep}`));
}

/**
 * Builds and synthesizes; the run must end either in clean output (no library
 * problem, no guardrail finding, no undefined/NaN/null anywhere) or in the
 * library's one error whose lines name the props (and one of the injected ones).
 * Returns the output for determinism checks.
 */
export function judge(build: () => Chart, faults: readonly Fault[]): { outcome: Outcome; json?: string } {
  const context = () =>
    `injected: ${faults.length ? faults.map((f) => `${f.props.join(' | ')} (${f.what}${f.strict ? '' : ', lenient'})`).join('; ') : 'nothing'}`;
  let objects: Record<string, unknown>[];
  try {
    objects = Testing.synth(build()) as Record<string, unknown>[];
  } catch (e) {
    if (!(e instanceof TiersError)) {
      throw new Error(
        `raw failure instead of the library's error: ${e instanceof Error ? `${e.constructor.name}: ${e.message}\n${e.stack}` : String(e)}\n${context()}`,
      );
    }
    const lines = e.message.split('\n');
    const fail = (why: string) => new Error(`${why}\n--- message:\n${e.message}\n--- ${context()}`);
    if (!HEADER.test(lines[0])) throw fail(`not the library's error (${e.stack})`);
    if (/undefined/.test(e.message)) throw fail('the message contains "undefined"');
    const props: string[] = [];
    for (const line of lines.slice(1)) {
      const m = LINE.exec(line);
      if (!m) throw fail(`a line is not "[path] prop: got <value>; <rule>. Fix: <fix>": ${JSON.stringify(line)}`);
      props.push(m[2]);
    }
    if (faults.length === 0) throw fail('valid props were rejected');
    if (!props.some((p) => faults.some((f) => f.props.some((fp) => names(p, fp))))) throw fail('no line names an injected prop');
    return { outcome: 'rejected' };
  }
  const strict = faults.filter((f) => f.strict);
  if (strict.length) throw new Error(`invalid props were accepted\n${context()}\n--- output:\n${JSON.stringify(objects, null, 1).slice(0, 4000)}`);
  const bad = objects.flatMap((o, i) => badOutputValues(o, `[${i}] ${String(o.kind)}/${String((o.metadata as { name?: unknown } | undefined)?.name)}`));
  if (bad.length) throw new Error(`output holds values that must not appear: ${bad.join(', ')}\n${context()}`);
  const report = Guardrails.checkManifests(objects);
  if (report.findings.length) throw new Error(`guardrail findings:\n${report.findings.map((f) => Guardrails.formatFinding(f)).join('\n')}\n${context()}`);
  return { outcome: 'synthesized', json: JSON.stringify(objects) };
}

/** Counts outcomes so that a property can assert that both kinds of run happened. */
export class Tally {
  public synthesized = 0;
  public rejected = 0;
  public add(o: Outcome): void {
    if (o === 'synthesized') this.synthesized++;
    else this.rejected++;
  }
  public get total(): number {
    return this.synthesized + this.rejected;
  }
}

/**
 * A fresh app for one run. Its output folder is never written (runs call
 * Testing.synth, not app.synth), so it is not a new temporary folder each
 * time as with Testing.app(): that left tens of thousands of folders behind.
 */
export function app(): App {
  return Testing.app({ outdir: path.join(os.tmpdir(), 'cdk8s-tiers-properties') });
}

/** The seed of every property run (fast-check prints it, and the path, on failure). */
export const SEED = Number(process.env.PROPERTY_SEED ?? 20261122);
/** Runs per construct; `PROPERTY_RUNS` overrides (e.g. 100000 for a long soak). */
export const RUNS = Number(process.env.PROPERTY_RUNS ?? 10000);
