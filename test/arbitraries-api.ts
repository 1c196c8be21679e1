/**
 * The exported API as a JavaScript caller sees it: every constructor, static
 * factory and method, each with arbitraries for its arguments that are mostly
 * hostile (wrong types, null, undefined, numbers for strings, plain objects
 * for choice classes and constructs) and sometimes valid, and a use that takes
 * what it returns through a synth. The oracle: the run ends in a result or in
 * the library's one error, whose lines all name a path, a prop, the value, the
 * rule and a fix; never a raw TypeError or a message with `undefined`.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import { Chart, Testing } from 'cdk8s';
import * as fc from 'fast-check';
import {
  DatabaseBackup,
  DatabaseCredentials,
  DatabaseEngine,
  DatabaseMetrics,
  DatabaseTls,
  DriftCheck,
  EnvValue,
  Environment,
  GitOpsApp,
  Guardrails,
  LabelExpression,
  PercentOrAbsolute,
  Probe,
  Rollout,
  StatefulDatabase,
  StatefulUpdate,
  StatelessWebTier,
  TiersProblems,
  WebMetrics,
} from '../src';
import { parseProblem } from '../src/_errors';
import { app } from './arbitraries';

/** Values a JavaScript caller may pass where anything else is expected. */
export const hostile: fc.Arbitrary<unknown> = fc.constantFrom<unknown>(
  undefined,
  null,
  NaN,
  Infinity,
  -1,
  0,
  1.5,
  5,
  2 ** 40,
  '',
  'x',
  'Web App',
  '5',
  true,
  false,
  [],
  [1],
  ['a', null],
  {},
  { a: 1 },
  () => 1,
  Symbol('s'),
  BigInt(10),
  // plain objects shaped like the library's choice classes, peers and constructs
  { kind: 'httpGet', options: {}, path: '/' },
  { type: 'RollingUpdate', maxSurge: 1 },
  { key: 'k', operator: 'In', values: ['a'] },
  { value: 25, isPercent: true },
  { source: 0, value: 'x' },
  { engine: 'postgres', port: 5432 },
  { node: { path: 'fake' } },
  { podSelectorLabels: { a: 'b' } },
  { node: { path: 'x', findAll: () => [] }, podSelectorLabels: 5 },
  { name: 'db', acceptConnectionFrom: 5 },
  { apiVersion: 'v1', kind: 'ConfigMap' },
  // instances of the library's other classes, where they do not belong
  Probe.exec(['true']),
  Rollout.recreate(),
  StatefulUpdate.onDelete(),
  EnvValue.fromValue('x'),
  LabelExpression.exists('k'),
  PercentOrAbsolute.percent(5),
  DatabaseEngine.redis({ version: '7.4.1' }),
  new Date(0),
  new Map(),
);

/** Mostly hostile, sometimes `valid`. */
export const arg = <T>(valid: fc.Arbitrary<T>): fc.Arbitrary<unknown> =>
  fc.oneof({ weight: 2, arbitrary: hostile }, { weight: 1, arbitrary: valid as fc.Arbitrary<unknown> });

/** Mostly `valid`, sometimes hostile (the scope and id of a constructor, so that its props get tried). */
export const mostly = <T>(valid: fc.Arbitrary<T>): fc.Arbitrary<unknown> =>
  fc.oneof({ weight: 1, arbitrary: hostile }, { weight: 6, arbitrary: valid as fc.Arbitrary<unknown> });

/** A props object: each key left out, valid or hostile, sometimes a misspelt key; or (rarely) not an object at all. */
export function propsOf(keys: { [key: string]: fc.Arbitrary<unknown> }, required: { [key: string]: fc.Arbitrary<unknown> } = {}): fc.Arbitrary<unknown> {
  const entries = { ...required, ...keys };
  const record = fc.record(
    Object.fromEntries(
      Object.entries(entries).map(([k, v]) => [
        k,
        fc.oneof(
          { weight: required[k] ? 6 : 3, arbitrary: v },
          { weight: required[k] ? 0 : 4, arbitrary: fc.constant(undefined) },
          { weight: 1, arbitrary: hostile },
        ),
      ]),
    ),
    { requiredKeys: Object.keys(required) },
  );
  const typo = fc.option(
    fc.constantFrom(...Object.keys(entries)).map((k) => `${k}x`),
    { nil: undefined, freq: 4 },
  );
  // all valid values: the run may well synthesize
  const valid = fc
    .record(Object.fromEntries(Object.entries(entries).map(([k, v]) => [k, required[k] ? v : fc.option(v, { nil: undefined, freq: 2 })])), {
      requiredKeys: Object.keys(required),
    })
    .map((r) => Object.fromEntries(Object.entries(r).filter(([, x]) => x !== undefined)));
  return fc.oneof(
    { weight: 4, arbitrary: valid },
    {
      weight: 8,
      arbitrary: fc
        .tuple(record, typo, hostile)
        .map(([r, t, v]) => Object.fromEntries(Object.entries({ ...r, ...(t ? { [t]: v } : {}) }).filter(([, x]) => x !== undefined))),
    },
    { weight: 1, arbitrary: hostile },
  );
}

const IMAGE = 'registry.example.com/shop/web:1.4.2';
const name = fc.constantFrom('web', 'orders-db', 'a', 'shop-front-2');
const image = fc.constantFrom(IMAGE, 'postgres:16.4', 'nginx@sha256:' + 'a'.repeat(64));
const count = fc.integer({ min: 0, max: 5 });
const portNumber = fc.integer({ min: 1, max: 65535 });
const probe = fc.constantFrom(Probe.httpGet('/healthz'), Probe.tcpSocket({ periodSeconds: 7 }), Probe.exec(['true'], { failureThreshold: 5 }));
const envValue = fc.constantFrom(EnvValue.fromValue('info'), EnvValue.fromSecretKey('creds', 'password'), EnvValue.fromFieldPath('status.podIP'));
const envMap = fc.dictionary(fc.constantFrom('LOG_LEVEL', 'TZ', 'MODE'), mostly(envValue), { maxKeys: 2 });
const labels = fc.dictionary(fc.constantFrom('team', 'example.com/tier'), mostly(fc.constantFrom('a', 'shop')), { maxKeys: 2 });
const resources = propsOf({ cpuRequest: fc.constantFrom('100m', '1'), memoryLimit: fc.constantFrom('256Mi', '1Gi') });
const engine = fc.constantFrom(DatabaseEngine.postgres({ version: '16.4' }), DatabaseEngine.redis({ version: '7.4.1' }));

const tierProps = {
  name,
  namespace: fc.constantFrom('shop', 'team-a'),
  labels,
  annotations: labels,
  env: envMap,
  resources,
  readiness: fc.constant(Probe.httpGet('/ready')),
  liveness: fc.constant(Probe.tcpSocket({ initialDelaySeconds: 10 })),
  security: propsOf({ runAsUser: fc.constant(10001), fsGroup: fc.constant(2000) }),
  minReadySeconds: count,
  writablePaths: fc.constantFrom(['/cache'], []),
  serviceAccountName: name,
  nodePort: fc.constant(30080),
};
export const webProps = propsOf(
  {
    ...tierProps,
    replicas: count,
    port: portNumber,
    rollout: fc.constantFrom(Rollout.recreate(), Rollout.rollingUpdate()),
    autoscaling: propsOf({ minReplicas: fc.constantFrom(1, 2) }, { maxReplicas: fc.constant(4) }),
    selectorExpressions: fc.constant([LabelExpression.exists('app.kubernetes.io/name')]),
    sidecars: fc.array(
      propsOf({ readiness: fc.constant(Probe.tcpSocket()) }, { name: fc.constant('log'), image, port: fc.integer({ min: 9000, max: 9100 }) }),
      { maxLength: 1 },
    ),
    configFiles: fc.constant({ 'a.conf': 'x' }),
  },
  { image },
);
export const dbProps = propsOf(
  {
    ...tierProps,
    replicas: fc.constantFrom(0, 1),
    storage: fc.constantFrom('1Gi', '10Gi'),
    updateStrategy: fc.constantFrom(StatefulUpdate.onDelete()),
    volumeClaims: fc.array(propsOf({ storage: fc.constant('1Gi') }, { name: fc.constant('wal'), mountPath: fc.constant('/wal') }), { maxLength: 1 }),
    claimRetention: propsOf({ whenScaled: fc.constant('Retain') }),
  },
  { engine, secretName: fc.constant('db-credentials') },
);

/** Who may scrape metrics: mostly valid label maps. */
const scrapers = propsOf({ namespaceLabels: fc.constant({ 'kubernetes.io/metadata.name': 'monitoring' }), podLabels: fc.constant({ app: 'prometheus' }) });

/** A fresh chart with a valid web tier and database, for methods and factories to be used in. */
export function fixture(): { chart: Chart; web: StatelessWebTier; db: StatefulDatabase } {
  const chart = new Chart(app(), 'test');
  const web = new StatelessWebTier(chart, 'web', { image: IMAGE });
  const db = new StatefulDatabase(chart, 'db', { engine: DatabaseEngine.postgres({ version: '16.4' }), secretName: 'db-credentials' });
  return { chart, web, db };
}

const v = <T>(x: unknown): T => x as T;
/** Puts a probe, rollout, ... made by a factory into a tier and synthesizes. */
const inWeb = (props: object) => () => {
  const { chart } = fixture();
  new StatelessWebTier(chart, 'other', { image: IMAGE, ...props });
  Testing.synth(chart);
};
const inDb = (props: object) => () => {
  const { chart } = fixture();
  new StatefulDatabase(chart, 'other', { engine: DatabaseEngine.postgres({ version: '16.4' }), secretName: 'db-credentials', ...props });
  Testing.synth(chart);
};
const synthAfter = (f: (x: ReturnType<typeof fixture>) => unknown) => () => {
  const x = fixture();
  f(x);
  Testing.synth(x.chart);
};
const tmp = path.join(os.tmpdir(), 'cdk8s-tiers-api-properties');

/** One exported function: its name, argument arbitraries and a run that calls it and uses the result. */
export interface ApiCase {
  readonly name: string;
  readonly args: ReadonlyArray<fc.Arbitrary<unknown>>;
  readonly run: (...args: unknown[]) => () => unknown;
}

const api = (name: string, args: ReadonlyArray<fc.Arbitrary<unknown>>, run: (...a: unknown[]) => () => unknown): ApiCase => ({ name, args, run });

/** Every exported constructor, static factory and method. */
export const API: readonly ApiCase[] = [
  api('new StatelessWebTier(scope, id, props)', [mostly(fc.constant('chart')), mostly(name), webProps], (scope, id, props) => () => {
    const chart = new Chart(app(), 'test');
    new StatelessWebTier(v(scope === 'chart' ? chart : scope), v(id), v(props));
    Testing.synth(chart);
  }),
  api('StatelessWebTier.addSidecar(options)', [propsOf({ port: portNumber, readiness: probe, liveness: probe }, { name: fc.constant('log'), image })], (o) =>
    synthAfter(({ web }) => web.addSidecar(v(o))),
  ),
  api(
    'StatelessWebTier.connectTo(target, options)',
    [arg(fc.constantFrom('db', 'web')), propsOf({ envPrefix: fc.constant('ORDERS'), credentials: fc.constant(DatabaseCredentials.asFiles()) })],
    (t, o) => synthAfter((x) => x.web.connectTo(v(t === 'db' || t === 'web' ? x[t] : t), v(o))),
  ),
  api('StatelessWebTier.acceptConnectionFrom(client)', [arg(fc.constant('db'))], (c) =>
    synthAfter((x) => x.web.acceptConnectionFrom(v(c === 'db' ? x.db : c))),
  ),
  api('StatelessWebTier.allowEgressTo(peer, port)', [arg(fc.constant('db')), arg(portNumber)], (peer, port) =>
    synthAfter((x) => x.web.allowEgressTo(v(peer === 'db' ? x.db : peer), v(port))),
  ),
  api('StatelessWebTier.host', [], () => () => fixture().web.host),
  api('new StatefulDatabase(scope, id, props)', [mostly(fc.constant('chart')), mostly(name), dbProps], (scope, id, props) => () => {
    const chart = new Chart(app(), 'test');
    new StatefulDatabase(v(scope === 'chart' ? chart : scope), v(id), v(props));
    Testing.synth(chart);
  }),
  api('StatefulDatabase.acceptConnectionFrom(client)', [arg(fc.constant('web'))], (c) =>
    synthAfter((x) => x.db.acceptConnectionFrom(v(c === 'web' ? x.web : c))),
  ),
  api('StatefulDatabase.allowEgressTo(peer, port)', [arg(fc.constant('web')), arg(portNumber)], (peer, port) =>
    synthAfter((x) => x.db.allowEgressTo(v(peer === 'web' ? x.web : peer), v(port))),
  ),
  api('StatefulDatabase.replicaHost(ordinal)', [arg(fc.constant(0))], (o) => synthAfter((x) => x.db.replicaHost(v(o)))),
  api(
    'DatabaseEngine.postgres(options)',
    [propsOf({ port: portNumber, database: fc.constant('orders'), usernameKey: fc.constant('user') }, { version: fc.constant('16.4') })],
    (o) => inDb({ engine: DatabaseEngine.postgres(v(o)) }),
  ),
  api(
    'DatabaseEngine.mysql(options)',
    [propsOf({ repository: fc.constant('mirror/mysql'), rootPasswordKey: fc.constant('root') }, { version: fc.constant('8.4.3') })],
    (o) => inDb({ engine: DatabaseEngine.mysql(v(o)) }),
  ),
  api('DatabaseEngine.redis(options)', [propsOf({ passwordKey: fc.constant('pw') }, { version: fc.constant('7.4.1') })], (o) =>
    inDb({ engine: DatabaseEngine.redis(v(o)) }),
  ),
  api('DatabaseTls.fromSecret(secretName, options)', [arg(fc.constant('db-tls')), propsOf({ require: fc.boolean() }, {})], (n, o) =>
    inDb({ tls: DatabaseTls.fromSecret(v(n), v(o)) }),
  ),
  api('DatabaseCredentials.asEnvironment()', [], () => inDb({ credentials: DatabaseCredentials.asEnvironment() })),
  api(
    'DatabaseEngine.custom(options)',
    [
      propsOf(
        { env: envMap, clientEnv: envMap, writablePaths: fc.constant(['/run']), args: fc.constant(['-v']) },
        {
          image,
          port: portNumber,
          dataPath: fc.constant('/data'),
          readiness: fc.constant(Probe.exec(['true'])),
          liveness: fc.constant(Probe.tcpSocket()),
        },
      ),
    ],
    (o) => inDb({ engine: DatabaseEngine.custom(v(o)), secretName: undefined }),
  ),
  api('EnvValue.fromValue(value)', [arg(fc.constant('info'))], (x) => inWeb({ env: { LOG_LEVEL: EnvValue.fromValue(v(x)) } })),
  api('EnvValue.fromSecretKey(secretName, key)', [arg(fc.constant('creds')), arg(fc.constant('password'))], (s, k) =>
    inWeb({ env: { DB_PASSWORD: EnvValue.fromSecretKey(v(s), v(k)) } }),
  ),
  api('EnvValue.fromConfigMapKey(configMapName, key)', [arg(fc.constant('config')), arg(fc.constant('mode'))], (s, k) =>
    inWeb({ env: { MODE: EnvValue.fromConfigMapKey(v(s), v(k)) } }),
  ),
  api('EnvValue.fromFieldPath(fieldPath)', [arg(fc.constant('status.podIP'))], (f) => inWeb({ env: { POD_IP: EnvValue.fromFieldPath(v(f)) } })),
  api('EnvValue.isLiteral', [arg(fc.constant('x'))], (x) => () => EnvValue.fromValue(v(x)).isLiteral),
  api('LabelExpression.in(key, values)', [arg(fc.constant('track')), arg(fc.constant(['stable']))], (k, vs) =>
    inWeb({ labels: { track: 'stable' }, selectorExpressions: [LabelExpression.in(v(k), v(vs))] }),
  ),
  api('LabelExpression.notIn(key, values)', [arg(fc.constant('track')), arg(fc.constant(['canary']))], (k, vs) =>
    inWeb({ labels: { track: 'stable' }, selectorExpressions: [LabelExpression.notIn(v(k), v(vs))] }),
  ),
  api('LabelExpression.exists(key)', [arg(fc.constant('track'))], (k) =>
    inWeb({ labels: { track: 'stable' }, selectorExpressions: [LabelExpression.exists(v(k))] }),
  ),
  api('LabelExpression.doesNotExist(key)', [arg(fc.constant('canary'))], (k) => inWeb({ selectorExpressions: [LabelExpression.doesNotExist(v(k))] })),
  api(
    'LabelExpression.matches(labels)',
    [arg(fc.constant('track')), arg(fc.constant({ track: 'a' }))],
    (k, l) => () => LabelExpression.in(v(k), ['a']).matches(v(l)),
  ),
  api('PercentOrAbsolute.percent(percent)', [arg(fc.integer({ min: 0, max: 100 }))], (n) =>
    inWeb({ rollout: Rollout.rollingUpdate({ maxSurge: PercentOrAbsolute.percent(v(n)) }) }),
  ),
  api('PercentOrAbsolute.absolute(count)', [arg(count)], (n) =>
    inWeb({ rollout: Rollout.rollingUpdate({ maxUnavailable: PercentOrAbsolute.absolute(v(n)) }) }),
  ),
  api('PercentOrAbsolute.toString() / isZero', [arg(count)], (n) => () => [
    PercentOrAbsolute.percent(v(n)).toString(),
    PercentOrAbsolute.absolute(v(n)).isZero,
  ]),
  api('Probe.httpGet(path, options)', [arg(fc.constant('/healthz')), propsOf({ periodSeconds: count, portName: fc.constant('http') })], (p, o) =>
    inWeb({ readiness: Probe.httpGet(v(p), v(o)) }),
  ),
  api('Probe.tcpSocket(options)', [propsOf({ timeoutSeconds: count, failureThreshold: count })], (o) => inWeb({ liveness: Probe.tcpSocket(v(o)) })),
  api('Probe.exec(command, options)', [arg(fc.constant(['true'])), propsOf({ initialDelaySeconds: count })], (c, o) =>
    inWeb({ startup: Probe.exec(v(c), v(o)) }),
  ),
  api(
    'Rollout.rollingUpdate(options)',
    [propsOf({ maxSurge: fc.constant(PercentOrAbsolute.absolute(1)), maxUnavailable: fc.constant(PercentOrAbsolute.percent(10)) })],
    (o) => inWeb({ rollout: Rollout.rollingUpdate(v(o)) }),
  ),
  api('Rollout.recreate()', [], () => inWeb({ rollout: Rollout.recreate() })),
  api('StatefulUpdate.rollingUpdate(options)', [propsOf({ partition: count })], (o) => inDb({ updateStrategy: StatefulUpdate.rollingUpdate(v(o)) })),
  api('StatefulUpdate.onDelete()', [], () => inDb({ updateStrategy: StatefulUpdate.onDelete() })),
  api(
    'DatabaseMetrics.prometheus(options)',
    [
      propsOf(
        { image, port: portNumber, serviceMonitor: propsOf({ intervalSeconds: count, labels: fc.constant({ release: 'prom' }) }) },
        { scrapedBy: scrapers },
      ),
    ],
    (o) => inDb({ metrics: DatabaseMetrics.prometheus(v(o)) }),
  ),
  api(
    'WebMetrics.prometheus(options)',
    [propsOf({ portName: fc.constant('http'), path: fc.constant('/metrics'), serviceMonitor: propsOf({ intervalSeconds: count }) }, { scrapedBy: scrapers })],
    (o) => inWeb({ metrics: WebMetrics.prometheus(v(o)) }),
  ),
  api(
    'DatabaseBackup.schedule(options)',
    [
      propsOf({
        schedule: fc.constantFrom('@daily', '30 2 * * *'),
        timeZone: fc.constant('Europe/Berlin'),
        keep: count,
        storage: fc.constant('1Gi'),
        image,
        startingDeadlineSeconds: count,
        successfulJobsHistoryLimit: count,
      }),
    ],
    (o) => inDb({ backup: DatabaseBackup.schedule(v(o)) }),
  ),
  api('Guardrails.checks()', [], () => () => Guardrails.checks()),
  api('Guardrails.formatFinding(finding)', [arg(fc.constant('finding'))], (f) => () => {
    const finding = Guardrails.checkManifests([{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'X' } }]).findings[0];
    return Guardrails.formatFinding(v(f === 'finding' ? finding : f));
  }),
  api('Guardrails.enable(scope)', [arg(fc.constant('chart'))], (s) => () => {
    const chart = new Chart(app(), 'test');
    Guardrails.enable(v(s === 'chart' ? chart : s));
    Testing.synth(chart);
  }),
  api('Guardrails.check(chart)', [arg(fc.constant('chart'))], (c) => () => Guardrails.check(v(c === 'chart' ? fixture().chart : c))),
  api('Guardrails.assert(chart)', [arg(fc.constant('chart'))], (c) => () => Guardrails.assert(v(c === 'chart' ? fixture().chart : c))),
  api(
    'Guardrails.checkManifests(objects)',
    [arg(fc.array(arg(fc.constant({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } })), { maxLength: 2 }))],
    (o) => () => Guardrails.checkManifests(v(o)),
  ),
  api(
    'Guardrails.problemsOf(objects)',
    [arg(fc.array(arg(fc.constant({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'x' } })), { maxLength: 2 }))],
    (o) => () => Guardrails.problemsOf(v(o)),
  ),
  api('Guardrails.manifestsOf(chart)', [arg(fc.constant('chart'))], (c) => () => Guardrails.manifestsOf(v(c === 'chart' ? fixture().chart : c))),
  api(
    'Guardrails.manifestOf(apiObject)',
    [arg(fc.constant('deployment'))],
    (o) => () => Guardrails.manifestOf(v(o === 'deployment' ? fixture().web.deployment : o)),
  ),
  api('TiersProblems.isTiersError(caught)', [hostile], (e) => () => TiersProblems.isTiersError(e)),
  api('TiersProblems.fromError(caught)', [hostile], (e) => () => TiersProblems.fromError(e)),
  api('TiersProblems.collect(scope)', [arg(fc.constant('chart'))], (s) => () => TiersProblems.collect(v(s === 'chart' ? fixture().chart : s))),
  api('TiersProblems.format(problem)', [hostile], (p) => () => TiersProblems.format(v(p))),
  api(
    'new Environment(scope, id, props)',
    [mostly(fc.constant('app')), mostly(fc.constantFrom('dev', 'prod')), propsOf({ namespace: fc.constant('shop'), createNamespace: fc.boolean() })],
    (s, id, p) => () => {
      const root = new GitOpsApp({ outdir: tmp });
      new Environment(v(s === 'app' ? root : s), v(id), v(p));
      return root.render();
    },
  ),
  api(
    'Environment.replicas/autoscaling/resources/storage/image/nodePort(tier, fallback)',
    [fc.constantFrom('replicas', 'autoscaling', 'resources', 'storage', 'image', 'nodePort'), arg(fc.constant('web')), hostile],
    (m, tier, fallback) => () => {
      const root = new GitOpsApp({ outdir: tmp });
      const env = new Environment(root, 'dev', {});
      return (env as unknown as Record<string, (t: unknown, f: unknown) => unknown>)[m as string](tier, fallback);
    },
  ),
  api('Environment.containing(c) / isEnvironment(x)', [hostile], (x) => () => [Environment.isEnvironment(x), Environment.containing(v(x))]),
  api('new GitOpsApp(props).render()', [propsOf({ outdir: fc.constant(tmp) }), fc.boolean()], (p, withEnvironment) => () => {
    const root = new GitOpsApp(v(p));
    if (withEnvironment) new Environment(root, 'dev');
    return root.render();
  }),
  api(
    'DriftCheck.compare(files, dir) / describe(report, dir)',
    [arg(fc.constant({ 'a.yaml': 'x' })), arg(fc.constant(path.join(tmp, 'none')))],
    (f, d) => () => DriftCheck.describe(DriftCheck.compare(v(f), v(d)), v(d)),
  ),
];

const HEADER = 'Validation failed with the following errors:';

/** How a run of one case ended: a result, or the library's error (checked line by line). */
export function outcome(run: () => unknown): 'returned' | 'reported' {
  try {
    run();
    return 'returned';
  } catch (e) {
    const library = TiersProblems.isTiersError(e) || (e instanceof Error && e.constructor === Error && e.message.startsWith(HEADER));
    if (!library)
      throw new Error(`raw failure instead of the library's error: ${e instanceof Error ? `${e.constructor.name}: ${e.message}\n${e.stack}` : String(e)}`);
    const message = (e as Error).message;
    if (/TypeError|Cannot read|is not a function/.test(message)) throw new Error(`the message holds a raw failure:\n${message}`);
    const lines = message.split('\n').slice(1);
    for (const line of lines) {
      const p = /^ {2}\[([^\]]*)\] (.*)$/s.exec(line);
      const problem = p && parseProblem(p[1], p[2]);
      if (!problem || !problem.prop || !problem.fix)
        throw new Error(`a line is not "[path] prop: got <value>; <rule>. Fix: <fix>": ${JSON.stringify(line)}\n${message}`);
      if (/undefined/.test(`${problem.path} ${problem.prop} ${problem.value}`))
        throw new Error(`a line shows "undefined" (show the value as "(not set)"): ${JSON.stringify(line)}`);
    }
    if (lines.length === 0) throw new Error(`the library's error lists no problem:\n${message}`);
    return 'reported';
  }
}
