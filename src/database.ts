import { ApiObject, Lazy } from 'cdk8s';
import { k8s } from './_k8s';
import { Construct } from 'constructs';
import { DatabaseBackupJob, ResolvedBackup, resolveBackup } from './_backup';
import { ContainerBuilder } from './_container';
import { CredentialSource, describeCredentials, resolveCredentials } from './_credential-files';
import { mountTls, resolveTls, ServerTls } from './_tls';
import { EngineBinding } from './_engine';
import { Problems, show } from './_errors';
import { EXPORTER_NAME, ResolvedDatabaseMetrics, resolveDatabaseMetrics } from './_exporters';
import { addMetricsEndpoint } from './_metrics';
import { CLAIM_RETENTION_POLICY, DATABASE_PROPS, VOLUME_CLAIM_OPTIONS } from './_keys';
import { checkProps, constructProps } from './_props';
import { LABEL_MANAGED_BY, MANAGED_BY, objectMeta, resolveIdentity, selectorLabels, tierLabels } from './_labels';
import { DATABASE_RESOURCES, effectiveResources, resolveResources, resolveSecurity, writablePaths } from './_pod';
import {
  LABEL_ROLE,
  ReplicationPlan,
  ResolvedReplication,
  resolveReplication,
  ROLE_PRIMARY,
  ROLE_REPLICA,
  rolesOf,
  roleUpdateStrategy,
  roleVariant,
} from './_replication';
import { tierService } from './_service';
import { TierStatefulSet } from './_tier-stateful-set';
import { quantityValue } from './_quantity';
import {
  checkChoice,
  checkInteger,
  checkMap,
  isInteger,
  checkStorageClassName,
  checkStringList,
  isAbsolutePath,
  listOf,
  isDns1123Label,
  isDns1123Subdomain,
  isString,
} from './_rules';
import { PodVolumes, resolveInitContainers, resolveName, resolveScheduling, resolveServiceSettings, resolveTiming, TierBase, TierSettings } from './_tier';
import { BackupSettings, DatabaseBackup } from './backup';
import { ConnectionSecret, IConnectable } from './connection';
import { DatabaseCredentials } from './credentials';
import { DatabaseTls } from './database-tls';
import { DatabaseEngine } from './engines';
import { EnvValue } from './env';
import { DatabaseMetrics } from './metrics';
import { WAIVER_ANNOTATION } from './guardrails/waivers';
import { ServiceType } from './service-type';
import { PodManagementPolicy, StatefulUpdate } from './stateful-update';
import { TierDefaults } from './tier-defaults';
import { TierProps } from './tier-props';
import { ClaimRetention, ClaimRetentionPolicy, VolumeAccessMode, VolumeClaimOptions } from './volume-claim';
import { merged } from './_merge';
import { compact } from './_l1';

/**
 * Props of {@link StatefulDatabase}. Besides the shared {@link TierProps}, whose
 * database defaults are: name at most 52 characters, component "database",
 * minReadySeconds 10, terminationGracePeriodSeconds 120, `ServiceType.CLUSTER_IP`
 * on the engine's port, the engine's exec probes, requests 250m CPU / 512Mi
 * memory / 128Mi disk and limits 1Gi memory / 1Gi disk, fsGroup equal to the gid.
 */
export interface StatefulDatabaseProps extends TierProps {
  /** The server: `DatabaseEngine.postgres({ version: '16.4' })`, `.mysql(...)`, `.redis(...)` or `.custom(...)`. */
  readonly engine: DatabaseEngine;
  /**
   * Name of a Secret you create in the same namespace that holds the
   * credentials; the library only references it (the keys: see the engine,
   * `engine.secretKeys`).
   * @default - required for the postgres, mysql and redis presets; not used by a custom engine
   */
  readonly secretName?: string;
  /**
   * How the server gets the Secret's keys: as files of a read-only Secret volume at `/etc/credentials`
   * (mode 0400, readable through the fsGroup only; `POSTGRES_PASSWORD_FILE`, `MYSQL_PASSWORD_FILE`, ...; Redis
   * reads its password file in its start script), or as environment variables.
   * @default DatabaseCredentials.asFiles()
   */
  readonly credentials?: DatabaseCredentials;
  /**
   * TLS from a `kubernetes.io/tls` Secret you create (or cert-manager does): `DatabaseTls.fromSecret('orders-db-tls')`
   * mounts `tls.crt` and `tls.key` read-only at `/etc/tls` and turns TLS on, refusing plain text unless
   * `{ require: false }`; connected clients get `<PREFIX>_TLS=true`. Not with a custom engine.
   * @default - no TLS: plain-text connections only
   */
  readonly tls?: DatabaseTls;

  /**
   * Desired pods. With more than one, the postgres and redis presets run a primary (`<name>-0`) and
   * read replicas that stream from it (`<name>-replica-0`, ...) behind a `<name>-read` Service (see
   * `roles`); the mysql preset allows 0 or 1; a custom engine any number.
   * @default 1
   */
  readonly replicas?: number;
  /**
   * How pods are created and removed.
   * @default PodManagementPolicy.ORDERED_READY
   * @see https://kubernetes.io/docs/concepts/workloads/controllers/statefulset/#pod-management-policies
   */
  readonly podManagementPolicy?: PodManagementPolicy;
  /**
   * How pods are replaced when the template changes.
   * @default StatefulUpdate.rollingUpdate() (partition 0)
   * @see https://kubernetes.io/docs/concepts/workloads/controllers/statefulset/#update-strategies
   */
  readonly updateStrategy?: StatefulUpdate;

  /**
   * Size of each replica's data claim (`data`), a Kubernetes quantity of at least 1Mi.
   * @default "10Gi"
   * @see https://kubernetes.io/docs/concepts/storage/persistent-volumes/#persistentvolumeclaims
   */
  readonly storage?: string;
  /** StorageClass of the data claim; `""` binds only to volumes without a class. @default - the nearest `TierDefaults` storageClassName, else the cluster's default StorageClass */
  readonly storageClassName?: string;
  /** Access modes of the data claim. @default [VolumeAccessMode.READ_WRITE_ONCE] */
  readonly accessModes?: VolumeAccessMode[];
  /** More claims per replica, mounted by name. @default - none */
  readonly volumeClaims?: VolumeClaimOptions[];
  /**
   * What happens to the claims when the StatefulSet is deleted or scaled down.
   * @default - Retain and Retain
   * @see https://kubernetes.io/docs/concepts/workloads/controllers/statefulset/#persistentvolumeclaim-retention
   */
  readonly claimRetention?: ClaimRetentionPolicy;

  /** More server arguments, after the engine's. @default - none */
  readonly args?: string[];

  /**
   * Prometheus metrics: `DatabaseMetrics.prometheus({ scrapedBy: {...} })` adds the engine's standard
   * exporter as a sidecar (credentials from `secretName`), a `<name>-metrics` Service with a `metrics`
   * port, NetworkPolicy ingress on it from the scrapers only, and optionally a ServiceMonitor.
   * @default - no exporter
   */
  readonly metrics?: DatabaseMetrics;
  /**
   * Scheduled backups: `DatabaseBackup.schedule({ schedule: '@daily', keep: 7, storage: '10Gi' })` adds a
   * CronJob (`<name>-backup`) whose hardened pod dumps the database into a claim of its own that GitOps tools
   * never prune, and keeps the newest `keep` dumps. With a backup the name can have at most 45 characters.
   * @default - no backup
   */
  readonly backup?: DatabaseBackup;
}

const DATA_CLAIM = 'data';
/** The default update strategy (a StatefulUpdate is never changed: the databases that keep the default share it). */
const DEFAULT_UPDATE = StatefulUpdate.rollingUpdate();
/** How messages name the main container's image, port and port name: the engine gives them. */
const ENGINE_PROP_NAMES = { image: 'engine.image', port: 'engine.port', portName: 'engine.portName' } as const;
const MIN_CLAIM_BYTES = 2 ** 20;
const NAME_RULE = {
  max: 52,
  why: 'the StatefulSet controller adds "-<hash>" to it in a label of at most 63; it also names the Services',
  example: 'orders-db',
};
/** The values of the enums the props are checked against (made once). */
const CLAIM_RETENTIONS: readonly string[] = Object.values(ClaimRetention);
const POD_MANAGEMENT_POLICIES: readonly string[] = Object.values(PodManagementPolicy);
const ACCESS_MODES: readonly string[] = Object.values(VolumeAccessMode);
const RETAIN_WAIVER = 'policy/retain-volumes=claimRetention asks for ClaimRetention.DELETE by name';

/**
 * A database tier: a StatefulSet whose replicas keep their names, DNS entries
 * and data (one PersistentVolumeClaim each, retained by default) through
 * restarts, rescheduling, scale-down and deletion; a headless governing
 * Service, a client Service, a NetworkPolicy that lets in only connected
 * tiers, and the same pod hardening as the web tier.
 */
export class StatefulDatabase extends TierBase implements IConnectable {
  /** The engine. */
  public readonly engine: DatabaseEngine;
  /** Desired pods. */
  public readonly replicas: number;
  /** Name of the headless governing Service (`<name>-headless`). */
  public readonly headlessServiceName: string;
  /** Size of each replica's data claim. */
  public readonly storage: string;
  /** StorageClass of the data claim, if one was named. */
  public readonly storageClassName?: string;
  /** Access modes of the data claim. */
  public readonly accessModes: VolumeAccessMode[];
  /** Where the data claim is mounted in the container. */
  public readonly dataPath: string;
  /** What happens to the claims when the StatefulSet is deleted. */
  public readonly whenDeleted: ClaimRetention;
  /** What happens to a replica's claims when it is scaled away. */
  public readonly whenScaled: ClaimRetention;
  /** Pod management policy. */
  public readonly podManagementPolicy: PodManagementPolicy;
  /** Update strategy. */
  public readonly updateStrategy: StatefulUpdate;
  /** The Secret of credentials, if one was named. */
  public readonly secretName?: string;
  /** How the server gets the credentials (files by default). */
  public readonly credentials: DatabaseCredentials;
  /** TLS of the server, if asked for. */
  public readonly tls?: DatabaseTls;

  /**
   * The role of each replica, by ordinal: `primary` and `replica` for the presets (ordinal 0 is the primary, the
   * others read replicas that stream from it), `member` for a custom engine.
   */
  public readonly roles: string[];
  /** The StatefulSet of the read replicas (`<name>-replica`), when a preset runs more than one replica. */
  public readonly replicaStatefulSet?: k8s.KubeStatefulSet;
  /** The Service of the read replicas (`<name>-read`), when a preset runs more than one replica. */
  public readonly readService?: k8s.KubeService;
  /** DNS name of the read Service, when a preset runs more than one replica. */
  public readonly readHost?: string;
  /** The Service of the exporter's `metrics` port (`<name>-metrics`), when `metrics` is set. */
  public readonly metricsService?: k8s.KubeService;
  /** The ServiceMonitor, when `metrics` asks for one. */
  public readonly serviceMonitor?: ApiObject;
  /** The effective backup settings, when `backup` is set. */
  public readonly backupSettings?: BackupSettings;
  /** The backup CronJob (`<name>-backup`), when `backup` is set. */
  public readonly backupCronJob?: k8s.KubeCronJob;
  /** The retained claim the dumps are written to (`<name>-backup`), when `backup` is set. */
  public readonly backupClaim?: k8s.KubePersistentVolumeClaim;
  /** The NetworkPolicy of the backup pods (out to the database only), when `backup` is set. */
  public readonly backupNetworkPolicy?: k8s.KubeNetworkPolicy;

  private readonly clientEnv: { [suffix: string]: EnvValue };
  private readonly clientSecret?: ConnectionSecret;
  private _statefulSet?: k8s.KubeStatefulSet;
  private _headlessService?: k8s.KubeService;

  constructor(scope: Construct, id: string, props: StatefulDatabaseProps) {
    let s!: DatabaseSettings;
    super(scope, id, 'StatefulDatabase', (p, self) => (s = resolveDatabase(p, self, id, props)));
    ({ engine: this.engine, secretName: this.secretName, clientEnv: this.clientEnv, replicas: this.replicas } = s);
    ({ credentials: this.credentials, clientSecret: this.clientSecret, tls: this.tls } = s);
    ({ podManagementPolicy: this.podManagementPolicy, updateStrategy: this.updateStrategy, headlessServiceName: this.headlessServiceName } = s);
    ({ storage: this.storage, storageClassName: this.storageClassName, accessModes: this.accessModes, dataPath: this.dataPath } = s.storage);
    ({ whenDeleted: this.whenDeleted, whenScaled: this.whenScaled } = s.retention);
    this.roles = s.replicasOk && this._problems.empty ? rolesOf(s.engine.engine, this.replicas) : [];
    this._claimServiceName(this.headlessServiceName);
    this._claimServiceName(s.name);
    // a tier with a problem builds nothing (see TierBase._complete), so nothing is built from an invalid value
    if (!this._problems.empty) return;

    const r = s.replication;
    this._statefulSet = this.buildStatefulSet(s, r ? ROLE_PRIMARY : undefined);
    this.node.defaultChild = this._statefulSet;
    this._headlessService = this._publish(this.headlessServiceName);
    this._publish(undefined, r ? { [LABEL_ROLE]: ROLE_PRIMARY } : undefined);
    if (r) {
      this.replicaStatefulSet = this.buildStatefulSet(s, ROLE_REPLICA);
      this.readService = this.publishReplicas(s);
      this.readHost = this._settings.chartNamespace ? `${s.name}-read.${this._settings.chartNamespace}.svc.cluster.local` : `${s.name}-read`;
      if (r.plan.config) {
        const c = r.plan.config;
        compact(
          new k8s.KubeConfigMap(this, 'replication-config', {
            metadata: objectMeta(`${s.name}-${c.suffix}`, s.namespace, s.labels, s.annotations),
            data: c.files,
          }),
        );
      }
    }
    this._fence();
    const policy = this._networkPolicy;
    if (s.metrics && policy) {
      this._containers.push(s.metrics.exporter);
      const tier = { ...s, policy };
      ({ service: this.metricsService, serviceMonitor: this.serviceMonitor } = addMetricsEndpoint(
        this,
        tier,
        s.metrics.exporter.port as number,
        EXPORTER_NAME,
        s.metrics.scrape,
      ));
    }
    if (s.backup && policy) {
      const job = new DatabaseBackupJob(this, 'backup', { ...s, policy, peer: this, port: this.port }, s.backup);
      ({ cronJob: this.backupCronJob, claim: this.backupClaim, networkPolicy: this.backupNetworkPolicy } = job);
      this.backupSettings = s.backup.settings;
    }
    if (s.several) {
      // replicas of a clustered engine talk to each other on the database port
      this._networkPolicy?.allowIngress(this, [this.port]);
      this._networkPolicy?.allowEgress(this, [this.port]);
    }
    this._budget('IfHealthyBudget');
  }

  /** The StatefulSet (also `node.defaultChild`). A tier whose props have a problem builds nothing: reading it then throws those problems. */
  public get statefulSet(): k8s.KubeStatefulSet {
    return this._child(this._statefulSet);
  }

  /** The headless Service that gives each replica its DNS name. A tier whose props have a problem builds nothing: reading it then throws those problems. */
  public get headlessService(): k8s.KubeService {
    return this._child(this._headlessService);
  }

  /**
   * Stable DNS name of replica `ordinal` (through the headless Service):
   * `<name>-<i>.<name>-headless.<namespace>.svc.cluster.local`. It reaches
   * that pod on the container port (`port`), ready or not.
   */
  public replicaHost(ordinal: number): string {
    checkInteger(
      this._problems,
      `replicaHost(${show(ordinal)})`,
      ordinal,
      0,
      Math.max(this.replicas - 1, 0),
      `ask for a replica from 0 to ${Math.max(this.replicas - 1, 0)} (replicas is ${this.replicas})`,
    );
    // a replicated preset's replicas are the pods of <name>-replica: replica i is <name>-replica-(i-1)
    const podName = this.replicaStatefulSet && ordinal > 0 ? `${this.name}-replica-${String(ordinal - 1)}` : `${this.name}-${String(ordinal)}`;
    const pod = `${podName}.${this.headlessServiceName}`;
    return this._settings.chartNamespace ? `${pod}.${this._settings.chartNamespace}.svc.cluster.local` : pod;
  }

  /** @internal The engine's credential references, for a client. */
  protected _clientEnv(): { [suffix: string]: EnvValue } {
    return merged(this.clientEnv, this.readHost !== undefined ? { READ_HOST: EnvValue.fromValue(this.readHost) } : undefined);
  }

  /** @internal The Secret behind the credentials, for clients that mount it. */
  protected _clientSecret(): ConnectionSecret | undefined {
    return this.clientSecret && { secretName: this.clientSecret.secretName, keys: { ...this.clientSecret.keys } };
  }

  /**
   * The StatefulSet of the database, or of one role of a replicated preset: the primary keeps the name, selector
   * and claims a single server has (`<name>`, one pod), the replicas are `<name>-replica`.
   */
  private buildStatefulSet(s: DatabaseSettings, role?: string): k8s.KubeStatefulSet {
    // ClaimRetention.DELETE is the by-name opt-in the retain-volumes guardrail asks for
    const deletes = this.whenDeleted === ClaimRetention.DELETE || this.whenScaled === ClaimRetention.DELETE;
    const replicaSet = role === ROLE_REPLICA;
    const template = this._podTemplate({}, undefined, roleVariant(s.replication, role));
    // (the spec is rendered at synth, see _podTemplate; what the user could still change is copied now)
    const replicas = role === undefined ? this.replicas : replicaSet ? this.replicas - 1 : 1;
    // (the primary's selector is the one a single server has always had: a selector never changes)
    const matchLabels = replicaSet ? merged(this._selector, { [LABEL_ROLE]: ROLE_REPLICA }) : this._selector;
    const { headlessServiceName: serviceName, podManagementPolicy, updateStrategy, minReadySeconds, revisionHistoryLimit, whenDeleted, whenScaled } = this;
    const claims = s.claims;
    const spec = (): k8s.StatefulSetSpec => {
      const update = updateStrategy._render();
      return {
        replicas,
        selector: { matchLabels: { ...matchLabels } },
        serviceName,
        podManagementPolicy,
        updateStrategy: role === undefined ? update : roleUpdateStrategy(update, role),
        minReadySeconds,
        revisionHistoryLimit,
        persistentVolumeClaimRetentionPolicy: { whenDeleted, whenScaled },
        template: template(),
        volumeClaimTemplates: claims,
      };
    };
    return compact(
      new TierStatefulSet(this, replicaSet ? 'replica-statefulset' : 'statefulset', {
        metadata: objectMeta(
          replicaSet ? `${s.name}-replica` : s.name,
          s.namespace,
          s.labels,
          deletes ? withWaiver(s.annotations, RETAIN_WAIVER) : s.annotations,
        ),
        spec: Lazy.any({ produce: spec }),
      }),
    );
  }

  /** The `<name>-read` Service: the read replicas, on the client Service's port (always ClusterIP). */
  private publishReplicas(s: DatabaseSettings): k8s.KubeService {
    return tierService(this, 'read-service', {
      name: `${s.name}-read`,
      namespace: s.namespace,
      labels: s.labels,
      annotations: s.annotations,
      type: ServiceType.CLUSTER_IP,
      selector: { ...s.podSelectorLabels, [LABEL_ROLE]: ROLE_REPLICA },
      ports: [{ name: s.portName, port: s.service.servicePort, targetPort: s.portName }],
    });
  }
}

/** The database's props, resolved and checked. */
interface DatabaseSettings extends TierSettings {
  readonly engine: DatabaseEngine;
  readonly secretName?: string;
  readonly clientEnv: { [suffix: string]: EnvValue };
  readonly credentials: DatabaseCredentials;
  readonly clientSecret?: ConnectionSecret;
  readonly tls?: DatabaseTls;
  /** How any container of the pod gets the credentials (`credentialSource.env(...)`, `.mount(volumes, container, prop)`), when there is a Secret. */
  readonly credentialSource?: CredentialSource;
  /** The server's TLS, resolved (for helpers that connect to it). */
  readonly serverTls?: ServerTls;
  readonly replicas: number;
  readonly podManagementPolicy: PodManagementPolicy;
  readonly updateStrategy: StatefulUpdate;
  readonly headlessServiceName: string;
  readonly storage: { storage: string; storageClassName?: string; accessModes: VolumeAccessMode[]; dataPath: string };
  readonly claims: k8s.KubePersistentVolumeClaimProps[];
  readonly retention: { whenDeleted: ClaimRetention; whenScaled: ClaimRetention };
  readonly replicasOk: boolean;
  /** A preset that runs more than one replica: the primary and the read replicas. */
  readonly replication?: ResolvedReplication;
  readonly metrics?: ResolvedDatabaseMetrics;
  readonly backup?: ResolvedBackup;
}

/** Resolves and checks every prop of a database, in the order its problems are reported. */
function resolveDatabase(p: Problems, self: Construct, id: string, given: StatefulDatabaseProps): DatabaseSettings {
  // a prop the database leaves out comes from the nearest TierDefaults that sets it
  const props = TierDefaults._apply(self, constructProps(p, given, DATABASE_PROPS));
  const { name, rawName, namespace, chartNamespace } = resolveName(p, self, id, props, NAME_RULE);
  const engineFix = "use DatabaseEngine.postgres({ version: '16.4' }), .mysql(...), .redis(...) or .custom(...)";
  const engineOk = checkChoice(p, 'engine', props.engine, DatabaseEngine, engineFix);
  const engine = props.engine;
  // without an engine there is nothing to bind: what it gives (image, port, data path, probes, Secret keys, a replica limit) stays
  // unset (`!` below) and unchecked, every other prop is checked, and the database builds nothing (it has a problem)
  // (the raw name: an engine derives nothing from a name that is not a string, which is reported above)
  const secretName = engineOk ? checkSecret(p, engine, name, props.secretName) : undefined;
  const { credentials, source } = resolveServerCredentials(p, engine, engineOk, props.credentials, secretName);
  const tls = engineOk ? resolveTls(p, engine.engine, props.tls) : undefined;
  const b: Partial<EngineBinding> = engineOk ? engine._bind(p, { name: rawName as string, secretName, credentials: source, tls }) : {};
  // (the plan is made only for more than one replica: with one, the replica limit is met either way)
  const plan =
    isInteger(props.replicas) && props.replicas > 1
      ? b.replication?.({
          name,
          primaryHost: podHost(name, 0, chartNamespace),
          firstReplicaHost: podHost(`${name}-replica`, 0, chartNamespace, name),
          storageBytes: quantityValue(isString(props.storage) ? props.storage : '10Gi'),
        })
      : undefined;
  const scale = resolveStatefulScale(p, props, engine, b, plan);
  const replicated = scale.several && plan !== undefined;
  if (replicated) {
    if (!(name.length <= NAME_RULE.max - '-replica'.length))
      p.add({
        prop: 'name',
        value: name,
        rule: `a replicated database is two StatefulSets, ${show(name)} (the primary) and ${show(`${name}-replica`)}, and a StatefulSet name has at most ${NAME_RULE.max} characters`,
        fix: `shorten the name to at most ${NAME_RULE.max - '-replica'.length} characters`,
      });
    if (tls !== undefined)
      p.add({
        prop: 'tls',
        value: tls && `DatabaseTls.fromSecret(${JSON.stringify(tls.secretName)})`,
        rule: "a replicated database does not run its replication over TLS yet (the replicas would need the primary's CA and TLS settings for pg_basebackup, the WAL receiver and replicaof, and the TLS-only pg_hba.conf would refuse their replication connections)",
        fix: 'use tls with replicas: 1, or leave tls out of a replicated set and protect its traffic with the NetworkPolicy (and a service mesh for encryption in transit)',
      });
  }
  const timing = resolveTiming(p, props, { minReadySeconds: 10, terminationGracePeriodSeconds: 120 });
  const userArgs = props.args === undefined || props.args === null || checkStringList(p, 'args', props.args) ? (props.args ?? []) : [];
  const engineArgs = replicated ? [...(b.args ?? []), ...plan.args] : (b.args ?? []);
  const main = new ContainerBuilder(p, '', {
    name,
    image: b.image,
    unbound: !engineOk,
    port: b.port,
    portName: b.portName,
    command: replicated ? (plan.command ?? b.command) : b.command,
    args: engineArgs.length || userArgs.length ? [...engineArgs, ...userArgs] : undefined,
    readiness: props.readiness ?? b.readiness,
    liveness: props.liveness ?? b.liveness,
    startup: props.startup ?? b.startup,
    resources: resolveResources(p, 'resources', props.resources, DATABASE_RESOURCES),
    propNames: ENGINE_PROP_NAMES,
    nameChecked: true, // the database name, checked by the stricter rule
  });
  // (the engine's own env as it is unless a replication plan adds to it)
  main.addEnvMap(replicated ? merged(b.env, plan.env) : b.env, 'engine.env');
  main.addEnvMap(checkMap(p, 'env', props.env, "{ TZ: EnvValue.fromValue('UTC') }"), 'env');
  const identity = resolveIdentity(p, name, props, 'database', main.imageTag);
  const podSelectorLabels = selectorLabels(identity);
  const volumes = new PodVolumes(p);
  const storage = resolveStorage(p, props, main, volumes, b, podSelectorLabels, TierDefaults._lookup(self, 'storageClassName'));
  source?.mount(volumes, main, 'credentials');
  if (tls) mountTls(volumes, main, tls);
  volumes.addReadOnly(main, props.readOnlyVolumes);
  const initContainers = resolveInitContainers(p, props, main, volumes);
  const replication = replicated
    ? resolveReplication(p, name, plan, { engineArgs, userArgs, main, volumes, initContainers, data: { name: DATA_CLAIM, mountPath: b.dataPath! }, source })
    : undefined;
  // (the contexts of metrics and backup are made only for a database that has them: most have neither)
  const metrics =
    engineOk && props.metrics !== undefined
      ? resolveDatabaseMetrics(p, props.metrics, name, {
          engine: engine.engine,
          dbPort: b.port!,
          secretName,
          credentials: b.credentials,
          taken: [name, ...initContainers.map((c) => c.name)],
        })
      : undefined;
  const service = resolveServiceSettings(p, self, props, ServiceType.CLUSTER_IP, b.port!);
  const backup =
    engineOk && props.backup !== undefined
      ? resolveBackup(p, props.backup, {
          name,
          engine: engine.engine,
          image: b.image!,
          secretName,
          credentials: b.credentials,
          credentialFiles: credentials.files,
          // the client Service, as connected clients reach it
          host: chartNamespace ? `${name}.${chartNamespace}.svc.cluster.local` : name,
          port: service.servicePort,
          claim: (prop, c) => claimTemplate(p, prop, c, {}),
        })
      : undefined;
  return {
    name,
    namespace,
    chartNamespace,
    main,
    port: b.port!,
    portName: b.portName!,
    labels: tierLabels(identity, props.labels),
    podSelectorLabels,
    engine,
    secretName: props.secretName,
    clientEnv: b.clientEnv ?? {},
    headlessServiceName: `${name}-headless`,
    timing,
    volumes,
    credentialSource: source,
    serverTls: tls,
    credentials,
    tls: tls ? props.tls : undefined,
    clientSecret: secretName && b.clientSecretKeys ? { secretName, keys: b.clientSecretKeys } : undefined,
    ...scale,
    ...storage,
    retention: resolveRetention(p, props),
    annotations: props.annotations,
    serviceAccountName: props.serviceAccountName,
    security: resolveSecurity(p, props.security, true),
    resources: effectiveResources(props.resources, DATABASE_RESOURCES),
    scheduling: resolveScheduling(p, props),
    initContainers,
    service,
    replication,
    metrics,
    backup,
  };
}

/** DNS name of pod `<set>-<ordinal>` through the headless Service of database `name`. */
function podHost(set: string, ordinal: number, chartNamespace: string | undefined, name = set): string {
  const pod = `${set}-${String(ordinal)}.${name}-headless`;
  return chartNamespace ? `${pod}.${chartNamespace}.svc.cluster.local` : pod;
}

/** How the server gets the credentials: a source of the engine's Secret keys when there is a Secret to read. */
function resolveServerCredentials(p: Problems, engine: DatabaseEngine, engineOk: boolean, given: DatabaseCredentials | undefined, secretName?: string) {
  const credentials = resolveCredentials(p, 'credentials', given, DatabaseCredentials.asFiles());
  if (engineOk && engine.secretKeys.length === 0) {
    if (given !== undefined)
      p.add({
        prop: 'credentials',
        value: describeCredentials(credentials),
        rule: 'a custom engine reads no Secret by itself, so there are no credentials to deliver',
        fix: "mount the Secret with readOnlyVolumes or reference it in the engine's env, and remove credentials",
      });
  }
  const source = secretName !== undefined ? new CredentialSource(secretName, engine.secretKeys, credentials.files) : undefined;
  return { credentials, source };
}

/** Replicas (within what the engine runs), pod management and update strategy. */
function resolveStatefulScale(p: Problems, props: StatefulDatabaseProps, engine: DatabaseEngine, b: Partial<EngineBinding>, plan: ReplicationPlan | undefined) {
  const replicas = props.replicas ?? 1;
  const replicasOk = checkInteger(p, 'replicas', replicas, 0);
  const maxReplicas = plan ? plan.maxReplicas : b.maxReplicas;
  // (the messages are made only when they are reported: these checks run for every database)
  if (replicasOk && maxReplicas !== undefined && !(replicas <= maxReplicas)) {
    const refused = b.replicasRefused ?? {
      rule: `the ${engine.engine} preset runs one server without replication (at most ${maxReplicas}): more replicas would be independent databases behind one Service, each with part of the data`,
      fix: 'keep replicas at 1 (0 stops the server and keeps its data), or use DatabaseEngine.custom({...}) with an image that replicates itself',
    };
    p.add({
      prop: 'replicas',
      value: replicas,
      ...(plan
        ? {
            rule: `the ${engine.engine} preset runs at most ${maxReplicas} replicas (a primary and ${maxReplicas - 1} read replicas: each replica takes one WAL sender of the primary's 10, and a replica that is being copied two)`,
            fix: `use at most ${maxReplicas} replicas; more read capacity needs an operator such as CloudNativePG (cascading replicas, pooling)`,
          }
        : refused),
    });
  }
  const podManagementPolicy = props.podManagementPolicy ?? PodManagementPolicy.ORDERED_READY;
  if (!POD_MANAGEMENT_POLICIES.includes(podManagementPolicy)) {
    p.add({
      prop: 'podManagementPolicy',
      value: podManagementPolicy,
      rule: 'must be PodManagementPolicy.ORDERED_READY or PodManagementPolicy.PARALLEL',
      fix: 'pick one of the two',
    });
  }
  const updateStrategy = props.updateStrategy ?? DEFAULT_UPDATE;
  const fix = 'use StatefulUpdate.rollingUpdate({ partition }) or StatefulUpdate.onDelete()';
  if (checkChoice(p, 'updateStrategy', updateStrategy, StatefulUpdate, fix)) updateStrategy._check(p, 'updateStrategy', replicasOk ? replicas : undefined);
  return { replicas, replicasOk, podManagementPolicy, updateStrategy, several: replicasOk && replicas > 1 };
}

/** The data claim, the writable paths and more claims, all mounted in the main container. */
function resolveStorage(
  p: Problems,
  props: StatefulDatabaseProps,
  main: ContainerBuilder,
  volumes: PodVolumes,
  b: Partial<EngineBinding>,
  selector: Record<string, string>,
  defaultClass: string | undefined,
) {
  // the API server refuses any change to claim templates: only labels that can never change
  const claimLabels = merged(selector, { [LABEL_MANAGED_BY]: MANAGED_BY });
  const storage = {
    storage: props.storage ?? '10Gi',
    storageClassName: props.storageClassName ?? defaultClass,
    accessModes: props.accessModes ?? [VolumeAccessMode.READ_WRITE_ONCE],
    dataPath: b.dataPath!,
  };
  const claims = [claimTemplate(p, '', { name: DATA_CLAIM, mountPath: storage.dataPath, ...storage }, claimLabels)];
  if (b.dataPath !== undefined) volumes.add('the data claim', 'engine.dataPath', main, { name: DATA_CLAIM, mountPath: b.dataPath });
  const engineWritable = b.writablePaths ?? [];
  const extra = listOf(p, 'writablePaths', props.writablePaths).filter((x) => !engineWritable.includes(x));
  volumes.addWritable('writablePaths', main, writablePaths(p, 'writablePaths', undefined, [...engineWritable, ...extra]));
  listOf(p, 'volumeClaims', props.volumeClaims).forEach((c, i) => {
    const prop = `volumeClaims[${i}]`;
    if (
      !((c !== null && c !== undefined) || p.fail({ prop, value: c, rule: 'must be VolumeClaimOptions', fix: 'give at least { name, mountPath }' })) ||
      !checkProps(p, prop, c, VOLUME_CLAIM_OPTIONS)
    )
      return;
    claims.push(claimTemplate(p, `${prop}.`, { ...c, storage: c.storage ?? '1Gi', storageClassName: c.storageClassName ?? defaultClass }, claimLabels));
    if (!isAbsolutePath(c.mountPath))
      p.add({
        prop: `${prop}.mountPath`,
        value: c.mountPath,
        rule: 'must be an absolute path',
        fix: 'use a path like "/var/lib/postgresql/wal"',
      });
    volumes.add(prop, prop, main, { name: c.name, mountPath: c.mountPath });
  });
  return { storage, claims };
}

function resolveRetention(p: Problems, props: StatefulDatabaseProps) {
  const given = checkProps(p, 'claimRetention', props.claimRetention, CLAIM_RETENTION_POLICY) ?? {};
  const retention = { whenDeleted: given.whenDeleted ?? ClaimRetention.RETAIN, whenScaled: given.whenScaled ?? ClaimRetention.RETAIN };
  checkRetention(p, 'claimRetention.whenDeleted', retention.whenDeleted);
  checkRetention(p, 'claimRetention.whenScaled', retention.whenScaled);
  return retention;
}

function checkRetention(p: Problems, prop: string, value: ClaimRetention): void {
  if (CLAIM_RETENTIONS.includes(value)) return;
  p.add({
    prop,
    value,
    rule: 'must be ClaimRetention.RETAIN or ClaimRetention.DELETE',
    fix: 'leave it out to keep the data (Retain)',
  });
}

/** `annotations` with one more guardrails waiver entry (after the user's own). */
function withWaiver(annotations: Record<string, string> | undefined, entry: string): Record<string, string> {
  const own = annotations?.[WAIVER_ANNOTATION];
  return { ...annotations, [WAIVER_ANNOTATION]: own ? `${own}; ${entry}` : entry };
}

/** The Secret name when the engine needs one and it is valid; records what is wrong otherwise. */
function checkSecret(p: Problems, engine: DatabaseEngine, name: string, secretName: string | undefined): string | undefined {
  const keys = engine.secretKeys;
  if (keys.length === 0) {
    if (secretName !== undefined)
      p.add({
        prop: 'secretName',
        value: secretName,
        rule: 'a custom engine does not read a Secret by itself',
        fix: "reference the Secret in the engine's env and clientEnv with EnvValue.fromSecretKey(...), and remove secretName",
      });
    return undefined;
  }
  if (secretName === undefined) {
    p.add({
      prop: 'secretName',
      value: secretName,
      rule: `the ${engine.engine} engine reads its credentials from a Secret you create, with the keys ${keys.map(show).join(', ')}; the library never writes secret values`,
      fix: `create the Secret in the database's namespace (e.g. with kubectl, a sealed secret or an external secret) and set secretName: "${name}-credentials"`,
    });
    return undefined;
  }
  if (isDns1123Subdomain(secretName)) return secretName;
  p.add({
    prop: 'secretName',
    value: secretName,
    rule: 'must be a Secret name: a DNS-1123 subdomain (lower-case letters, digits, "-" and ".")',
    fix: `use a name like "${name}-credentials"`,
  });
  return undefined;
}

/** One claim template, checked; `prop` prefixes the messages ("" for the data claim). */
function claimTemplate(p: Problems, prop: string, c: VolumeClaimOptions, labels: Record<string, string>): k8s.KubePersistentVolumeClaimProps {
  // (the messages are made only when they are reported: this runs for every claim of every database)
  if (!isDns1123Label(c.name)) {
    p.add({
      prop: `${prop}name`,
      value: c.name,
      rule: 'a claim template name must be a DNS-1123 label (it names the volume and prefixes each claim)',
      fix: 'use a name like "wal"',
    });
  }
  const bytes = quantityValue(c.storage);
  if (!(bytes !== undefined && Number.isFinite(bytes) && bytes >= MIN_CLAIM_BYTES)) {
    p.add({
      prop: `${prop}storage`,
      value: c.storage,
      rule: 'must be a Kubernetes quantity of at least 1Mi (note that "m" means thousandths: "10m" is 10 milli-bytes)',
      fix: `write ${prop}storage like "10Gi"`,
    });
  }
  if (c.storageClassName !== undefined) checkStorageClassName(p, `${prop}storageClassName`, c.storageClassName);
  const modes = c.accessModes ?? [VolumeAccessMode.READ_WRITE_ONCE];
  if (!(Array.isArray(modes) && modes.length > 0 && modes.every((m) => ACCESS_MODES.includes(m)))) {
    p.add({
      prop: `${prop}accessModes`,
      value: modes,
      rule: 'must be a non-empty list of VolumeAccessMode values',
      fix: 'leave it out for [VolumeAccessMode.READ_WRITE_ONCE]',
    });
  }
  return {
    metadata: { name: c.name, labels: { ...labels } },
    spec: {
      accessModes: Array.isArray(modes) ? [...modes] : [],
      volumeMode: 'Filesystem',
      ...(c.storageClassName !== undefined ? { storageClassName: c.storageClassName } : {}),
      resources: { requests: { storage: k8s.Quantity.fromString(isString(c.storage) ? c.storage : '') } },
    },
  };
}
