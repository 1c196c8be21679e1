import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { ContainerBuilder } from './_container';
import { EngineBinding } from './_engine';
import { Problems, show } from './_errors';
import { valueAt } from './_json';
import { CLAIM_RETENTION_POLICY, DATABASE_PROPS, VOLUME_CLAIM_OPTIONS } from './_keys';
import { checkProps, constructProps } from './_props';
import { LABEL_MANAGED_BY, MANAGED_BY, objectMeta, resolveIdentity, selectorLabels, tierLabels } from './_labels';
import { resolveResources, resolveSecurity, writablePaths } from './_pod';
import { quantityValue } from './_quantity';
import { checkChoice, checkInteger, checkMap, checkStringList, isAbsolutePath, listOf, isDns1123Label, isDns1123Subdomain, isString } from './_rules';
import { PodVolumes, resolveInitContainers, resolveName, resolveScheduling, resolveServiceSettings, resolveTiming, TierBase, TierSettings } from './_tier';
import { IConnectable } from './connection';
import { DatabaseEngine } from './engines';
import { EnvValue } from './env';
import { WAIVER_ANNOTATION } from './guardrails/waivers';
import { ServiceType } from './service-type';
import { PodManagementPolicy, StatefulUpdate } from './stateful-update';
import { TierProps } from './tier-props';
import { ClaimRetention, ClaimRetentionPolicy, VolumeAccessMode, VolumeClaimOptions } from './volume-claim';

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
   * Desired pods. The presets run one server without replication, so they allow 0 or 1.
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
  /** StorageClass of the data claim; `""` binds only to volumes without a class. @default - the cluster's default StorageClass */
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
}

const DB_RESOURCES = { cpuRequest: '250m', memoryRequest: '512Mi', memoryLimit: '1Gi', ephemeralStorageRequest: '128Mi', ephemeralStorageLimit: '1Gi' };
const DATA_CLAIM = 'data';
const MIN_CLAIM_BYTES = 2 ** 20;
const NAME_RULE = {
  max: 52,
  why: 'the StatefulSet controller adds "-<hash>" to it in a label of at most 63; it also names the Services',
  example: 'orders-db',
};
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

  private readonly clientEnv: { [suffix: string]: EnvValue };
  private _statefulSet?: k8s.KubeStatefulSet;
  private _headlessService?: k8s.KubeService;

  constructor(scope: Construct, id: string, props: StatefulDatabaseProps) {
    let s!: DatabaseSettings;
    super(scope, id, 'StatefulDatabase', (p, self) => (s = resolveDatabase(p, self, id, props)));
    ({ engine: this.engine, secretName: this.secretName, clientEnv: this.clientEnv, replicas: this.replicas } = s);
    ({ podManagementPolicy: this.podManagementPolicy, updateStrategy: this.updateStrategy, headlessServiceName: this.headlessServiceName } = s);
    ({ storage: this.storage, storageClassName: this.storageClassName, accessModes: this.accessModes, dataPath: this.dataPath } = s.storage);
    ({ whenDeleted: this.whenDeleted, whenScaled: this.whenScaled } = s.retention);
    this._claimServiceName(this.headlessServiceName);
    this._claimServiceName(s.name);
    // a tier with a problem builds nothing (see TierBase._complete), so nothing is built from an invalid value
    if (!this._problems.empty) return;

    this._statefulSet = this.buildStatefulSet(s);
    this.node.defaultChild = this._statefulSet;
    this._headlessService = this._publish(this.headlessServiceName);
    this._publish();
    this._fence();
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
    const pod = `${this.name}-${String(ordinal)}.${this.headlessServiceName}`;
    return this._settings.chartNamespace ? `${pod}.${this._settings.chartNamespace}.svc.cluster.local` : pod;
  }

  /** @internal The engine's credential references, for a client. */
  protected _clientEnv(): { [suffix: string]: EnvValue } {
    return { ...this.clientEnv };
  }

  private buildStatefulSet(s: DatabaseSettings): k8s.KubeStatefulSet {
    // ClaimRetention.DELETE is the by-name opt-in the retain-volumes guardrail asks for
    const deletes = this.whenDeleted === ClaimRetention.DELETE || this.whenScaled === ClaimRetention.DELETE;
    return new TierStatefulSet(this, 'statefulset', {
      metadata: objectMeta(s.name, s.namespace, s.labels, deletes ? withWaiver(s.annotations, RETAIN_WAIVER) : s.annotations),
      spec: {
        replicas: this.replicas,
        selector: { matchLabels: { ...s.podSelectorLabels } },
        serviceName: this.headlessServiceName,
        podManagementPolicy: this.podManagementPolicy,
        updateStrategy: this.updateStrategy._render(),
        minReadySeconds: this.minReadySeconds,
        revisionHistoryLimit: this.revisionHistoryLimit,
        persistentVolumeClaimRetentionPolicy: { whenDeleted: this.whenDeleted, whenScaled: this.whenScaled },
        template: this._podTemplate({}),
        volumeClaimTemplates: s.claims,
      },
    });
  }
}

/** The database's props, resolved and checked. */
interface DatabaseSettings extends TierSettings {
  readonly engine: DatabaseEngine;
  readonly secretName?: string;
  readonly clientEnv: { [suffix: string]: EnvValue };
  readonly replicas: number;
  readonly podManagementPolicy: PodManagementPolicy;
  readonly updateStrategy: StatefulUpdate;
  readonly headlessServiceName: string;
  readonly storage: { storage: string; storageClassName?: string; accessModes: VolumeAccessMode[]; dataPath: string };
  readonly claims: k8s.KubePersistentVolumeClaimProps[];
  readonly retention: { whenDeleted: ClaimRetention; whenScaled: ClaimRetention };
}

/** Resolves and checks every prop of a database, in the order its problems are reported. */
function resolveDatabase(p: Problems, self: Construct, id: string, given: StatefulDatabaseProps): DatabaseSettings {
  const props = constructProps(p, given, DATABASE_PROPS);
  const { name, rawName, namespace, chartNamespace } = resolveName(p, self, id, props, NAME_RULE);
  const engineFix = "use DatabaseEngine.postgres({ version: '16.4' }), .mysql(...), .redis(...) or .custom(...)";
  const engineOk = checkChoice(p, 'engine', props.engine, DatabaseEngine, engineFix);
  const engine = props.engine;
  // without an engine there is nothing to bind: what it gives (image, port, data path, probes, Secret keys, a replica limit) stays
  // unset (`!` below) and unchecked, every other prop is checked, and the database builds nothing (it has a problem)
  // (the raw name: an engine derives nothing from a name that is not a string, which is reported above)
  const b: Partial<EngineBinding> = engineOk ? engine._bind(p, { name: rawName as string, secretName: checkSecret(p, engine, name, props.secretName) }) : {};
  const scale = resolveStatefulScale(p, props, engine, b.maxReplicas);
  const timing = resolveTiming(p, props, { minReadySeconds: 10, terminationGracePeriodSeconds: 120 });
  const userArgs = props.args === undefined || props.args === null || checkStringList(p, 'args', props.args) ? (props.args ?? []) : [];
  const main = new ContainerBuilder(p, '', {
    name,
    image: b.image,
    unbound: !engineOk,
    port: b.port,
    portName: b.portName,
    command: b.command,
    args: b.args?.length || userArgs.length ? [...(b.args ?? []), ...userArgs] : undefined,
    readiness: props.readiness ?? b.readiness,
    liveness: props.liveness ?? b.liveness,
    startup: props.startup ?? b.startup,
    resources: resolveResources(p, 'resources', props.resources, DB_RESOURCES),
    volumeMounts: [],
    propNames: { image: 'engine.image', port: 'engine.port', portName: 'engine.portName' },
    nameChecked: true, // the database name, checked by the stricter rule
  });
  for (const [env, value] of Object.entries(b.env ?? {})) main.addEnv(env, value, `engine.env["${env}"]`);
  for (const [env, value] of Object.entries(checkMap(p, 'env', props.env, "{ TZ: EnvValue.fromValue('UTC') }") ?? {})) main.addEnv(env, value, `env["${env}"]`);
  const identity = resolveIdentity(p, name, props, 'database', main.imageTag);
  const podSelectorLabels = selectorLabels(identity);
  const volumes = new PodVolumes(p);
  const storage = resolveStorage(p, props, main, volumes, b, podSelectorLabels);
  volumes.addReadOnly(main, props.readOnlyVolumes);
  const initContainers = resolveInitContainers(p, props, main, volumes);
  return {
    ...{ name, namespace, chartNamespace, main, port: b.port!, portName: b.portName!, labels: tierLabels(identity, props.labels), podSelectorLabels },
    ...{ engine, secretName: props.secretName, clientEnv: b.clientEnv ?? {}, headlessServiceName: `${name}-headless`, timing, volumes },
    ...scale,
    ...storage,
    retention: resolveRetention(p, props),
    ...{ annotations: props.annotations, serviceAccountName: props.serviceAccountName, security: resolveSecurity(p, props.security, true) },
    scheduling: resolveScheduling(p, self, props),
    initContainers,
    service: resolveServiceSettings(p, self, props, ServiceType.CLUSTER_IP, b.port!),
  };
}

/** Replicas (within what the engine runs), pod management and update strategy. */
function resolveStatefulScale(p: Problems, props: StatefulDatabaseProps, engine: DatabaseEngine, maxReplicas: number | undefined) {
  const replicas = props.replicas ?? 1;
  const replicasOk = checkInteger(p, 'replicas', replicas, 0);
  if (replicasOk && maxReplicas !== undefined) {
    p.expect(replicas <= maxReplicas, {
      prop: 'replicas',
      value: replicas,
      rule: `the ${engine.engine} preset runs one server without replication (at most ${maxReplicas}): more replicas would be independent databases behind one Service, each with part of the data`,
      fix: 'keep replicas at 1 (0 stops the server and keeps its data), or use DatabaseEngine.custom({...}) with an image that replicates itself',
    });
  }
  const podManagementPolicy = props.podManagementPolicy ?? PodManagementPolicy.ORDERED_READY;
  p.expect(Object.values(PodManagementPolicy).includes(podManagementPolicy), {
    prop: 'podManagementPolicy',
    value: podManagementPolicy,
    rule: 'must be PodManagementPolicy.ORDERED_READY or PodManagementPolicy.PARALLEL',
    fix: 'pick one of the two',
  });
  const updateStrategy = props.updateStrategy ?? StatefulUpdate.rollingUpdate();
  const fix = 'use StatefulUpdate.rollingUpdate({ partition }) or StatefulUpdate.onDelete()';
  if (checkChoice(p, 'updateStrategy', updateStrategy, StatefulUpdate, fix)) updateStrategy._check(p, 'updateStrategy', replicasOk ? replicas : undefined);
  return { replicas, podManagementPolicy, updateStrategy, several: replicasOk && replicas > 1 };
}

/** The data claim, the writable paths and more claims, all mounted in the main container. */
function resolveStorage(
  p: Problems,
  props: StatefulDatabaseProps,
  main: ContainerBuilder,
  volumes: PodVolumes,
  b: Partial<EngineBinding>,
  selector: Record<string, string>,
) {
  // the API server refuses any change to claim templates: only labels that can never change
  const claimLabels = { ...selector, [LABEL_MANAGED_BY]: MANAGED_BY };
  const storage = {
    storage: props.storage ?? '10Gi',
    storageClassName: props.storageClassName,
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
      !p.expect(c !== null && c !== undefined, { prop, value: c, rule: 'must be VolumeClaimOptions', fix: 'give at least { name, mountPath }' }) ||
      !checkProps(p, prop, c, VOLUME_CLAIM_OPTIONS)
    )
      return;
    claims.push(claimTemplate(p, `${prop}.`, { ...c, storage: c.storage ?? '1Gi' }, claimLabels));
    p.expect(isAbsolutePath(c.mountPath), {
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
  for (const [prop, value] of [
    ['claimRetention.whenDeleted', retention.whenDeleted],
    ['claimRetention.whenScaled', retention.whenScaled],
  ] as const) {
    p.expect(Object.values(ClaimRetention).includes(value), {
      prop,
      value,
      rule: 'must be ClaimRetention.RETAIN or ClaimRetention.DELETE',
      fix: 'leave it out to keep the data (Retain)',
    });
  }
  return retention;
}

/** `annotations` with one more guardrails waiver entry (after the user's own). */
function withWaiver(annotations: Record<string, string> | undefined, entry: string): Record<string, string> {
  const own = annotations?.[WAIVER_ANNOTATION];
  return { ...annotations, [WAIVER_ANNOTATION]: own ? `${own}; ${entry}` : entry };
}

/**
 * A StatefulSet whose claim templates carry `apiVersion` and `kind`, as the
 * API server stores them, so that a GitOps diff (Argo CD) stays empty. The
 * typed props cannot hold those two keys, so they are added to the output.
 */
class TierStatefulSet extends k8s.KubeStatefulSet {
  public toJson(): ReturnType<k8s.KubeStatefulSet['toJson']> {
    const json = super.toJson();
    const templates = valueAt(json, 'spec', 'volumeClaimTemplates');
    if (Array.isArray(templates)) {
      json.spec.volumeClaimTemplates = templates.map((t: object) => ({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', ...t }));
    }
    return json;
  }
}

/** The Secret name when the engine needs one and it is valid; records what is wrong otherwise. */
function checkSecret(p: Problems, engine: DatabaseEngine, name: string, secretName: string | undefined): string | undefined {
  const keys = engine.secretKeys;
  if (keys.length === 0) {
    p.expect(secretName === undefined, {
      prop: 'secretName',
      value: secretName,
      rule: 'a custom engine does not read a Secret by itself',
      fix: "reference the Secret in the engine's env and clientEnv with EnvValue.fromSecretKey(...), and remove secretName",
    });
    return undefined;
  }
  const list = keys.map(show).join(', ');
  if (
    !p.expect(secretName !== undefined, {
      prop: 'secretName',
      value: secretName,
      rule: `the ${engine.engine} engine reads its credentials from a Secret you create, with the keys ${list}; the library never writes secret values`,
      fix: `create the Secret in the database's namespace (e.g. with kubectl, a sealed secret or an external secret) and set secretName: "${name}-credentials"`,
    })
  )
    return undefined;
  return p.expect(isDns1123Subdomain(secretName), {
    prop: 'secretName',
    value: secretName,
    rule: 'must be a Secret name: a DNS-1123 subdomain (lower-case letters, digits, "-" and ".")',
    fix: `use a name like "${name}-credentials"`,
  })
    ? secretName
    : undefined;
}

/** One claim template, checked; `prop` prefixes the messages ("" for the data claim). */
function claimTemplate(p: Problems, prop: string, c: VolumeClaimOptions, labels: Record<string, string>): k8s.KubePersistentVolumeClaimProps {
  p.expect(isDns1123Label(c.name), {
    prop: `${prop}name`,
    value: c.name,
    rule: 'a claim template name must be a DNS-1123 label (it names the volume and prefixes each claim)',
    fix: 'use a name like "wal"',
  });
  const bytes = quantityValue(c.storage);
  p.expect(bytes !== undefined && Number.isFinite(bytes) && bytes >= MIN_CLAIM_BYTES, {
    prop: `${prop}storage`,
    value: c.storage,
    rule: 'must be a Kubernetes quantity of at least 1Mi (note that "m" means thousandths: "10m" is 10 milli-bytes)',
    fix: `write ${prop}storage like "10Gi"`,
  });
  if (c.storageClassName !== undefined) {
    p.expect(c.storageClassName === '' || isDns1123Subdomain(c.storageClassName), {
      prop: `${prop}storageClassName`,
      value: c.storageClassName,
      rule: 'must be a StorageClass name (a DNS-1123 subdomain), or "" for volumes without a class',
      fix: 'name an existing StorageClass, e.g. "standard"',
    });
  }
  const modes = c.accessModes ?? [VolumeAccessMode.READ_WRITE_ONCE];
  p.expect(Array.isArray(modes) && modes.length > 0 && modes.every((m) => Object.values(VolumeAccessMode).includes(m)), {
    prop: `${prop}accessModes`,
    value: modes,
    rule: 'must be a non-empty list of VolumeAccessMode values',
    fix: 'leave it out for [VolumeAccessMode.READ_WRITE_ONCE]',
  });
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
