/**
 * Mostly-valid StatefulDatabaseProps (every engine) with a controlled chance
 * of an invalid value in each prop, and the record of what was made invalid.
 */
import * as fc from 'fast-check';
import {
  ClaimRetention,
  DatabaseCredentials,
  DatabaseEngine,
  DatabaseTls,
  PodManagementPolicy,
  Probe,
  ServiceType,
  StatefulDatabaseProps,
  StatefulUpdate,
  VolumeAccessMode,
  VolumeClaimOptions,
} from '../src';
import {
  absolutePath,
  badCount,
  badImages,
  badPaths,
  badPorts,
  badPortNames,
  env,
  envValue,
  Fault,
  faulty,
  faultsOf,
  Gen,
  image,
  mapOf,
  port,
  portName,
  probe,
  prop,
  resources,
  security,
  strip,
  subdomain,
  VALID_WEIGHT,
  word,
  words,
  writable,
  wrongNumbers,
} from './arbitraries';
import { podProps, podSettings } from './arbitraries-pod';
import { identity, metadata, service } from './arbitraries-web';

export const DB_DEFAULTS = { cpuRequest: '250m', memoryRequest: '512Mi', memoryLimit: '1Gi', ephemeralStorageRequest: '128Mi', ephemeralStorageLimit: '1Gi' };

const DB_WRITABLE_POOL = ['/var/cache/app', '/var/run/app', '/home/app/.cache', '/tmp'];
const DATA_PATHS = ['/var/lib/db', '/data', '/srv/db'];
const ENGINE_WRITABLE_POOL = ['/var/run/db', '/var/cache/db'];
const CLAIMS: ReadonlyArray<readonly [string, string]> = [
  ['wal', '/var/lib/wal'],
  ['logs', '/var/log/db'],
  ['backup', '/backup'],
];
const STORAGE = ['1Mi', '64Mi', '500M', '1Gi', '1.5Gi', '10Gi', '2e9', '1048576', '1Ti'];
const badStorage = fc.constantFrom<unknown>('10m', '0', '1Ki', '-1Gi', 'ten', '', '10 Gi', 10);
const SECRET_KEYS = ['username', 'password', 'user', 'pass.word', 'root-password', 'PG_USER'];

/** One generated database, ready to build. */
export interface DbCase {
  readonly props: StatefulDatabaseProps;
  readonly faults: readonly Fault[];
  /** The engine's container port name, for a client's probes. */
  readonly engine: string;
  readonly serviceAccount?: { readonly name: string; readonly namespace?: string };
}

interface EngineGen {
  readonly engine: DatabaseEngine;
  readonly faults: Fault[];
  readonly kind: string;
  readonly portName: string;
  readonly maxReplicas?: number;
  /** Faults of the engine's probes, which count only when the props do not replace the probe. */
  readonly probeFaults?: { readonly readiness: Fault[]; readonly liveness: Fault[]; readonly startup: Fault[] };
}

const secretKey = (name: string) => prop(name, fc.constantFrom(...SECRET_KEYS), { optional: true, invalid: fc.constantFrom<unknown>('a b', '', 'a/b', 5) });
const versionOf = (parts: number, minMajor: number) =>
  fc
    .tuple(
      fc.integer({ min: minMajor, max: minMajor + 9 }),
      fc.array(fc.integer({ min: 0, max: 30 }), { minLength: parts - 1, maxLength: parts - 1 }),
      fc.constantFrom('', '', '-bookworm', '-alpine3.20'),
      fc.option(word('0123456789abcdef', 64, 64), { nil: undefined }),
    )
    .map(([major, rest, variant, digest]) => `${[major, ...rest].join('.')}${variant}${digest ? `@sha256:${digest}` : ''}`);

/** A preset: postgres, mysql or redis. */
function preset(kind: 'postgres' | 'mysql' | 'redis'): fc.Arbitrary<EngineGen> {
  const parts = kind === 'postgres' ? 2 : 3;
  const minMajor = { postgres: 12, mysql: 8, redis: 7 }[kind];
  return fc
    .record({
      version: prop('engine.version', versionOf(parts, minMajor), {
        invalid: fc.constantFrom<unknown>('16', 'latest', `${minMajor - 1}.4${parts === 3 ? '.1' : ''}`, 16.4, '', undefined, '16.4.1.2', 'v16.4'),
      }),
      repository: prop(['engine.repository', 'engine.image'], fc.constantFrom('registry.example.com/mirror/db', 'docker.io/library/db'), {
        optional: true,
        invalid: fc.constantFrom<unknown>('Bad Repo', 'UPPER/db', ''),
      }),
      port: prop('engine.port', port, { optional: true, invalid: badPorts }),
      database: prop(
        'engine.database',
        word('abcdefghijklmnopqrstuvwxyz_', 1, 1).chain((a) => word('abcdefghijklmnopqrstuvwxyz0123456789_', 0, 20).map((b) => `${a}${b}`)),
        {
          optional: true,
          invalid: fc.constantFrom<unknown>('Orders', '1db', 'a-b', '', 'x'.repeat(65), 5),
        },
      ),
      usernameKey: secretKey('engine.usernameKey'),
      passwordKey: secretKey('engine.passwordKey'),
      rootPasswordKey: secretKey('engine.rootPasswordKey'),
      nullOptions: fc.oneof({ weight: 4 * VALID_WEIGHT, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
    })
    .map((r): EngineGen => {
      const portNameOf = kind;
      if (r.nullOptions) {
        const engine = { postgres: DatabaseEngine.postgres, mysql: DatabaseEngine.mysql, redis: DatabaseEngine.redis }[kind](null as never);
        return { engine, faults: [{ props: ['engine.version'], strict: true, what: 'null engine options' }], kind, portName: portNameOf, maxReplicas: 1 };
      }
      const common = strip({ version: r.version.value as string, repository: r.repository.value, port: r.port.value });
      const faults = faultsOf(r.version, r.repository, r.port, r.passwordKey);
      if (kind === 'redis')
        return { engine: DatabaseEngine.redis(strip({ ...common, passwordKey: r.passwordKey.value })), faults, kind, portName: portNameOf, maxReplicas: 1 };
      faults.push(...faultsOf(r.database, r.usernameKey));
      if (kind === 'postgres') {
        return {
          engine: DatabaseEngine.postgres(strip({ ...common, database: r.database.value, usernameKey: r.usernameKey.value, passwordKey: r.passwordKey.value })),
          faults,
          kind,
          portName: portNameOf,
          maxReplicas: 1,
        };
      }
      faults.push(...faultsOf(r.rootPasswordKey));
      return {
        engine: DatabaseEngine.mysql(
          strip({
            ...common,
            database: r.database.value,
            usernameKey: r.usernameKey.value,
            passwordKey: r.passwordKey.value,
            rootPasswordKey: r.rootPasswordKey.value,
          }),
        ),
        faults,
        kind,
        portName: portNameOf,
        maxReplicas: 1,
      };
    });
}

/** A custom engine: image, port, data path, probes, env, client env. */
const custom: fc.Arbitrary<EngineGen> = fc
  .record({
    image: prop(['engine.image'], image, { invalid: badImages }),
    port: prop('engine.port', port, { invalid: fc.oneof(badPorts, fc.constant(undefined)) }),
    portName: prop('engine.portName', portName, { optional: true, invalid: badPortNames }),
    dataPath: prop('engine.dataPath', absolutePath(DATA_PATHS), { invalid: fc.oneof(badPaths, fc.constant(undefined)) }),
    command: words('command'),
    args: words('args'),
    env: env('engine.env', ['SERVER_MODE', 'DB_PASSWORD', 'data.dir', 'CACHE_MB']),
    writablePaths: writable('engine.writablePaths', ENGINE_WRITABLE_POOL),
    clientEnv: mapOf('engine.clientEnv', fc.constantFrom('PASSWORD', 'USER', 'TLS_MODE', 'a_1'), envValue(true), {
      badKeys: fc.constantFrom('A-B', 'A B', ''),
      badValues: fc.constantFrom<unknown>('plain', 5, {}),
      keyProp: 'engine.clientEnv',
    }),
  })
  .chain((r) => {
    const pn = typeof r.portName.value === 'string' ? r.portName.value : 'db';
    return fc
      .record({
        readiness: probe('readiness', pn, false, [1, 3]),
        liveness: probe('liveness', pn, true, [4, 10]),
        startup: probe('startup', pn, true, [1, 60]),
      })
      .map((pr): EngineGen => {
        // a custom engine needs both probes (a fault may take one away)
        const readiness = pr.readiness.value ?? (pr.readiness.faults.length ? undefined : Probe.exec(['true']));
        const liveness = pr.liveness.value ?? (pr.liveness.faults.length ? undefined : Probe.tcpSocket({ failureThreshold: 5 }));
        const engine = DatabaseEngine.custom(
          strip({
            image: r.image.value as string,
            port: r.port.value as number,
            portName: r.portName.value,
            dataPath: r.dataPath.value as string,
            readiness: readiness as Probe,
            liveness: liveness as Probe,
            startup: pr.startup.value,
            command: r.command.value,
            args: r.args.value,
            env: r.env.value,
            writablePaths: r.writablePaths.value,
            clientEnv: r.clientEnv.value,
          }),
        );
        const both = (faults: Fault[]) =>
          faults.map((f) => ({ ...f, props: f.props.flatMap((x) => [x, x.startsWith('engine.') ? x.slice('engine.'.length) : `engine.${x}`]) }));
        const faults = both(faultsOf(r.image, r.port, r.portName, r.dataPath, r.command, r.args, r.env, r.writablePaths, r.clientEnv));
        const probeFaults = { readiness: both(faultsOf(pr.readiness)), liveness: both(faultsOf(pr.liveness)), startup: both(faultsOf(pr.startup)) };
        return { engine, faults, kind: 'custom', portName: pn, probeFaults };
      });
  });

const engine: fc.Arbitrary<Gen<EngineGen>> = fc.oneof(
  { weight: VALID_WEIGHT, arbitrary: fc.oneof(preset('postgres'), preset('mysql'), preset('redis'), custom).map((e) => ({ value: e, faults: e.faults })) },
  {
    weight: 1,
    arbitrary: fc.constantFrom<unknown>(undefined, null, {}, 'postgres').map((v) => ({
      value: { engine: v as DatabaseEngine, faults: [], kind: 'none', portName: 'db' },
      faults: faulty(v, 'engine', true, 'not a DatabaseEngine').faults,
    })),
  },
);

const claim = (i: number): fc.Arbitrary<Gen<VolumeClaimOptions>> =>
  fc
    .record({
      storage: prop('storage', fc.constantFrom(...STORAGE), { optional: true, invalid: badStorage, lenient: fc.constant(null) }),
      storageClassName: prop('storageClassName', fc.oneof(fc.constant(''), subdomain), { optional: true, invalid: fc.constantFrom<unknown>('Fast SSD', 5) }),
      accessModes: prop('accessModes', fc.subarray(Object.values(VolumeAccessMode), { minLength: 1 }), {
        optional: true,
        invalid: fc.constantFrom<unknown>([], ['RWO'], 'ReadWriteOnce'),
      }),
      fault: fc.oneof(
        { weight: VALID_WEIGHT, arbitrary: fc.constant(undefined) },
        { weight: 1, arbitrary: fc.constantFrom('bad-name', 'data-name', 'relative', 'null') },
      ),
    })
    .map((c): Gen<VolumeClaimOptions> => {
      const [name, mountPath] = CLAIMS[i];
      const at = `volumeClaims[${i}]`;
      const faults = faultsOf(c.storage, c.storageClassName, c.accessModes).map((f) => ({ ...f, props: f.props.map((x) => `${at}.${x}`) }));
      const value = strip({ name, mountPath, storage: c.storage.value, storageClassName: c.storageClassName.value, accessModes: c.accessModes.value });
      switch (c.fault) {
        case 'bad-name':
          return { value: { ...value, name: 'WAL' }, faults: [...faults, ...faulty('WAL', `${at}.name`).faults] };
        case 'data-name':
          return { value: { ...value, name: 'data' }, faults: [...faults, ...faulty('data', at, true, 'claim named like the data claim').faults] };
        case 'relative':
          return { value: { ...value, mountPath: 'wal' }, faults: [...faults, ...faulty('wal', `${at}.mountPath`).faults] };
        case 'null':
          return { value: null as unknown as VolumeClaimOptions, faults: [...faulty(null, at, true, 'null claim').faults] };
        default:
          return { value, faults };
      }
    });

/** One database: props and what was injected. */
export const dbCase: fc.Arbitrary<DbCase> = fc
  .record({
    identity: identity(52),
    engine,
    metadata,
    replicas: fc.nat({ max: 4 }),
    replicasFault: prop('replicas', fc.constant(undefined), { invalid: badCount(0), lenient: fc.constant(null) }),
    secretFault: fc.oneof(
      { weight: VALID_WEIGHT, arbitrary: fc.constant(undefined) },
      { weight: 1, arbitrary: fc.constantFrom('missing', 'unexpected', 'bad') },
    ),
    secretName: subdomain,
    // (for the presets only: a custom engine takes neither)
    credentials: prop('credentials', fc.constantFrom(DatabaseCredentials.asFiles(), DatabaseCredentials.asEnvironment()), {
      optional: true,
      invalid: fc.constantFrom<unknown>('files', 5),
    }),
    tls: prop('tls', fc.constantFrom(DatabaseTls.fromSecret('db-tls'), DatabaseTls.fromSecret('cert-manager.example-tls', { require: true })), {
      optional: true,
      invalid: fc.constantFrom<unknown>('db-tls', { secretName: 'db-tls' }),
    }),
    update: fc.oneof(
      { weight: VALID_WEIGHT, arbitrary: fc.constantFrom('none', 'rolling', 'partition', 'onDelete') },
      { weight: 1, arbitrary: fc.constantFrom('above', 'negative', 'fraction', 'plain') },
    ),
    podManagementPolicy: prop('podManagementPolicy', fc.constantFrom(PodManagementPolicy.ORDERED_READY, PodManagementPolicy.PARALLEL), {
      optional: true,
      invalid: fc.constantFrom<unknown>('Sometimes', 5),
      lenient: fc.constant(null),
    }),
    minReadySeconds: prop('minReadySeconds', fc.integer({ min: 0, max: 3600 }), { optional: true, invalid: badCount(0), lenient: fc.constant(null) }),
    revisionHistoryLimit: prop('revisionHistoryLimit', fc.integer({ min: 0, max: 100 }), { optional: true, invalid: badCount(0), lenient: fc.constant(null) }),
    terminationGracePeriodSeconds: prop('terminationGracePeriodSeconds', fc.integer({ min: 0, max: 3600 }), {
      optional: true,
      invalid: fc.oneof(wrongNumbers, fc.constantFrom(-1)),
      lenient: fc.constant(null),
    }),
    service: service(ServiceType.CLUSTER_IP),
    storage: prop('storage', fc.constantFrom(...STORAGE), { optional: true, invalid: badStorage, lenient: fc.constant(null) }),
    storageClassName: prop('storageClassName', fc.oneof(fc.constant(''), subdomain), { optional: true, invalid: fc.constantFrom<unknown>('Fast SSD', 5) }),
    accessModes: prop('accessModes', fc.subarray(Object.values(VolumeAccessMode), { minLength: 1 }), {
      optional: true,
      invalid: fc.constantFrom<unknown>([], ['RWO'], 'ReadWriteOnce'),
    }),
    claims: fc.nat({ max: 3 }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => claim(i)))),
    claimRetention: fc.record({
      whenDeleted: prop('claimRetention.whenDeleted', fc.constantFrom(ClaimRetention.RETAIN, ClaimRetention.DELETE), {
        optional: true,
        invalid: fc.constantFrom<unknown>('Keep', 5),
      }),
      whenScaled: prop('claimRetention.whenScaled', fc.constantFrom(ClaimRetention.RETAIN, ClaimRetention.DELETE), {
        optional: true,
        invalid: fc.constantFrom<unknown>('Keep', 5),
      }),
    }),
    args: words('args'),
    env: env(),
    writablePaths: writable('writablePaths', DB_WRITABLE_POOL),
    resources: resources(DB_DEFAULTS),
    security: security(),
    pod: podSettings,
  })
  .chain((r) => {
    const pn = r.engine.value.portName;
    return fc
      .record({
        readiness: probe('readiness', pn, false, [1, 3]),
        // the presets' liveness fails after 6 and readiness after 3: keep overrides apart from both
        liveness: probe('liveness', pn, true, [7, 10]),
        startup: probe('startup', pn, true, [1, 60]),
      })
      .map((q): DbCase => {
        const e = r.engine.value;
        const engineProbes = (['readiness', 'liveness', 'startup'] as const).flatMap((k) =>
          q[k].value === undefined && q[k].faults.length === 0 ? (e.probeFaults?.[k] ?? []) : [],
        );
        const faults: Fault[] = [
          ...r.engine.faults,
          ...engineProbes,
          ...faultsOf(
            r.identity.name,
            r.identity.namespace,
            r.identity.serviceAccountName,
            r.metadata.instance,
            r.metadata.partOf,
            r.metadata.version,
            r.metadata.component,
            r.metadata.labels,
            r.metadata.annotations,
            r.replicasFault,
            r.podManagementPolicy,
            r.minReadySeconds,
            r.revisionHistoryLimit,
            r.terminationGracePeriodSeconds,
            r.service,
            r.storage,
            r.storageClassName,
            r.accessModes,
            ...r.claims,
            r.claimRetention.whenDeleted,
            r.claimRetention.whenScaled,
            r.args,
            r.env,
            r.writablePaths,
            r.resources,
            r.security,
            r.pod,
            q.readiness,
            q.liveness,
            q.startup,
          ),
        ];
        // replicas: the presets run one server
        let replicas: number | undefined = e.maxReplicas !== undefined ? Math.min(r.replicas, e.maxReplicas) : r.replicas;
        if (r.replicasFault.faults.length) replicas = r.replicasFault.value;
        else if (r.replicas === 4 && e.maxReplicas === undefined) replicas = undefined;
        const effective = typeof replicas === 'number' ? replicas : 1;
        let updateStrategy: StatefulUpdate | undefined;
        switch (r.update) {
          case 'rolling':
            updateStrategy = StatefulUpdate.rollingUpdate();
            break;
          case 'partition':
            updateStrategy = StatefulUpdate.rollingUpdate({ partition: Math.max(0, Math.min(effective, r.replicas)) });
            break;
          case 'onDelete':
            updateStrategy = StatefulUpdate.onDelete();
            break;
          case 'above':
            updateStrategy = StatefulUpdate.rollingUpdate({ partition: effective + 1 });
            faults.push(...faulty(effective + 1, 'updateStrategy.partition').faults);
            break;
          case 'negative':
            updateStrategy = StatefulUpdate.rollingUpdate({ partition: -1 });
            faults.push(...faulty(-1, 'updateStrategy.partition').faults);
            break;
          case 'fraction':
            updateStrategy = StatefulUpdate.rollingUpdate({ partition: 0.5 });
            faults.push(...faulty(0.5, 'updateStrategy.partition').faults);
            break;
          case 'plain':
            updateStrategy = { type: 'OnDelete' } as unknown as StatefulUpdate;
            faults.push(...faulty({}, 'updateStrategy', true, 'not a StatefulUpdate').faults);
            break;
        }
        // the presets need a Secret, a custom engine takes none
        const needsSecret = e.kind !== 'custom' && e.kind !== 'none';
        let secretName: string | undefined = needsSecret ? r.secretName : undefined;
        if (needsSecret) faults.push(...faultsOf(r.credentials, r.tls));
        if (e.kind !== 'none') {
          switch (r.secretFault) {
            case 'missing':
              if (needsSecret) {
                secretName = undefined;
                faults.push(...faulty(undefined, 'secretName', true, 'no Secret for a preset').faults);
              }
              break;
            case 'unexpected':
              if (!needsSecret) {
                secretName = r.secretName;
                faults.push(...faulty(r.secretName, 'secretName', true, 'a Secret for a custom engine').faults);
              }
              break;
            case 'bad':
              if (needsSecret) {
                secretName = 'DB Credentials';
                faults.push(...faulty(secretName, 'secretName').faults);
              }
              break;
          }
        }
        const props = strip({
          engine: e.engine,
          secretName,
          credentials: needsSecret ? r.credentials.value : undefined,
          tls: needsSecret ? r.tls.value : undefined,
          name: r.identity.name.value,
          namespace: r.identity.namespace.value,
          serviceAccountName: r.identity.serviceAccountName.value,
          instance: r.metadata.instance.value,
          partOf: r.metadata.partOf.value,
          version: r.metadata.version.value,
          component: r.metadata.component.value,
          labels: r.metadata.labels.value,
          annotations: r.metadata.annotations.value,
          replicas,
          updateStrategy,
          podManagementPolicy: r.podManagementPolicy.value,
          minReadySeconds: r.minReadySeconds.value,
          revisionHistoryLimit: r.revisionHistoryLimit.value,
          terminationGracePeriodSeconds: r.terminationGracePeriodSeconds.value,
          ...r.service.value,
          storage: r.storage.value,
          storageClassName: r.storageClassName.value,
          accessModes: r.accessModes.value,
          volumeClaims: r.claims.length ? r.claims.map((c) => c.value) : undefined,
          claimRetention: strip({ whenDeleted: r.claimRetention.whenDeleted.value, whenScaled: r.claimRetention.whenScaled.value }),
          args: r.args.value,
          env: r.env.value,
          writablePaths: r.writablePaths.value,
          resources: r.resources.value,
          security: r.security.value,
          ...podProps(r.pod, r.identity.name.value ?? 'db'),
          readiness: q.readiness.value,
          liveness: q.liveness.value,
          startup: q.startup.value,
        }) as StatefulDatabaseProps;
        const sa = r.identity.serviceAccountName;
        const ns = r.identity.namespace;
        const serviceAccount =
          sa.faults.length === 0 && ns.faults.length === 0 && typeof sa.value === 'string' ? { name: sa.value, namespace: ns.value } : undefined;
        return { props, faults, engine: e.kind, serviceAccount };
      });
  });
