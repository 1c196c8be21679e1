/**
 * Replication of the presets: a primary and streaming read replicas.
 *
 * A replicated database is two StatefulSets that share the headless Service,
 * the claims' template and the pod's selector labels: `<name>` runs the primary
 * (`<name>-0`, the StatefulSet a single server has always been) and
 * `<name>-replica` the replicas (`<name>-replica-0`, ...). The role of a pod is
 * a label of its pod template (`cdk8s-tiers/role`), the only way a label can
 * differ between pods without a controller: the client Service selects the
 * primary by it, the `<name>-read` Service the replicas. (Internal: jsii leaves
 * free functions out of the assembly.)
 */
import { k8s } from './_k8s';
import { ContainerBuilder } from './_container';
import type { CredentialSource } from './_credential-files';
import { Problems } from './_errors';
import { resolveResources } from './_pod';
import { HELPER_RESOURCES, PodVariant, PodVolumes } from './_tier';
import { EnvValue } from './env';

/** The label that tells a replicated database's primary from its replicas. */
export const LABEL_ROLE = 'cdk8s-tiers/role';
export const ROLE_PRIMARY = 'primary';
export const ROLE_REPLICA = 'replica';

/** Where a replicated postgres reads its client authentication rules (a ConfigMap). */
const PG_HBA_DIR = '/etc/postgresql/hba';
/** The most replicas a primary serves with `max_wal_senders = 10`: one sender each, and two for a replica that is being cloned. */
const PG_MAX_SENDERS = 10;
const PG_MAX_REPLICAS = PG_MAX_SENDERS - 2;

/** What the database tells an engine's replication about the set. */
export interface ReplicationContext {
  /** Name of the database (the primary's StatefulSet). */
  readonly name: string;
  /** DNS name of the primary through the headless Service. */
  readonly primaryHost: string;
  /** DNS name of the first replica through the headless Service (the one every replicated set has). */
  readonly firstReplicaHost: string;
  /** Size of each replica's data claim in bytes, when it is a valid quantity. */
  readonly storageBytes?: number;
}

/** How an engine replicates: what changes for both roles, and what only replicas get. */
export interface ReplicationPlan {
  /** The main container's command in both roles. @default - the engine's */
  readonly command?: string[];
  /** Server arguments of both roles, after the engine's. */
  readonly args: string[];
  /** Server arguments only replicas get, after those of both roles. */
  readonly replicaArgs: string[];
  /** More env of the main container in both roles. */
  readonly env: { [name: string]: EnvValue };
  /** An init container of the replicas that copies the primary's data into an empty data folder. */
  readonly clone?: InitSpec;
  /** An init container of the primary that refuses to start an empty server while a replica (which holds the data) runs. */
  readonly guard: InitSpec;
  /** Files both roles read, from a ConfigMap `<name>-<suffix>` mounted read-only at `mountPath`. */
  readonly config?: { readonly suffix: string; readonly mountPath: string; readonly files: { [file: string]: string } };
  /** Most replicas in all (primary included). @default - no limit */
  readonly maxReplicas?: number;
}

/** An init container of one role. */
export interface InitSpec {
  readonly image: string;
  readonly command: string[];
  readonly env: { [name: string]: EnvValue };
  /** It reads the database's credentials (the Secret volume is mounted in it when the credentials are files). @default false */
  readonly credentials?: boolean;
}

/**
 * What the primary's guard says when its data folder is empty while a replica runs: a lost volume would
 * otherwise start an empty primary (postgres: clients write into an empty database; redis: the replicas
 * resync from it and drop their data too).
 */
const GUARD_REFUSAL =
  'echo "the data folder is empty, but the replica $REPLICA_HOST holds the data: refusing to start an empty primary. Promote a replica by hand (cdk8s-tiers README, Replication), or delete the replicas\' claims to start anew" >&2';

/** The primary's guard: `$1` is the data check, `$2` the command that tells whether the replica runs. */
const guardScript = (hasData: string, replicaRuns: string): string =>
  [
    'set -u',
    `if ${hasData}; then exit 0; fi`,
    `if ${replicaRuns}; then`,
    `  ${GUARD_REFUSAL}`,
    '  exit 1',
    'fi',
    'echo "empty data folder and no replica holds data: a new server"',
  ].join('\n');

/** An engine's replication, given the set it runs in. */
export type Replication = (ctx: ReplicationContext) => ReplicationPlan;

/** What the postgres preset tells its replication. */
export interface PostgresReplicationOptions {
  readonly image: string;
  readonly port: number;
  readonly major: number;
  /** PGDATA, a folder inside the data claim. */
  readonly pgdata: string;
  /** How the server's containers get the Secret's keys (files or env): the superuser's name and password log the clone and the WAL receiver in. */
  readonly credentials: CredentialSource;
  /** Secret keys of the superuser's name and password. */
  readonly usernameKey: string;
  readonly passwordKey: string;
}

/**
 * The clone of a postgres replica: when the data folder is empty, `pg_basebackup`
 * copies the primary into a sibling folder that is renamed only once it is
 * complete (a killed copy never looks like a data folder), marked as a standby.
 * Credentials come from PGUSER and PGPASSWORD (exported from the credential files
 * first, or env from the Secret), never from the command line.
 */
const PG_CLONE = [
  'set -eu',
  'if [ -s "$PGDATA/PG_VERSION" ]; then echo "$PGDATA holds a database: nothing to copy"; exit 0; fi',
  'tries=0',
  'until pg_isready --quiet --host="$PRIMARY_HOST" --port="$PGPORT"; do',
  '  tries=$((tries + 1))',
  '  if [ "$tries" -ge 150 ]; then echo "the primary $PRIMARY_HOST is not ready after 5 minutes" >&2; exit 1; fi',
  '  sleep 2',
  'done',
  'rm -rf "$PGDATA.clone"',
  'pg_basebackup --pgdata="$PGDATA.clone" --host="$PRIMARY_HOST" --port="$PGPORT" --no-password --wal-method=stream --checkpoint=fast',
  'touch "$PGDATA.clone/standby.signal"',
  'rm -rf "$PGDATA"',
  'mv "$PGDATA.clone" "$PGDATA"',
  'echo "copied the primary $PRIMARY_HOST into $PGDATA"',
].join('\n');

/**
 * PostgreSQL streaming replication: `wal_level = replica`, WAL kept for
 * replicas by `wal_keep_size` (a tenth of the claim), hot standbys that stream
 * from the primary with the Secret's superuser (PGUSER/PGPASSWORD in the server's
 * environment, which the WAL receiver's libpq reads: with credential files a shell
 * exports them from the files before it execs the image's entrypoint), and the
 * image's client authentication rules plus replication from other pods.
 */
export function postgresReplication(o: PostgresReplicationOptions): Replication {
  // (made when a database asks for its plan, i.e. runs more than one replica: most run one and never pay for it)
  return (ctx) => {
    // the image's rules (initdb's, then "host all all all <password_encryption>"), plus replication connections from other
    // pods (the NetworkPolicy lets only the set's own pods and connected tiers reach the port)
    const auth = o.major >= 14 ? 'scram-sha-256' : 'md5';
    const hba = [
      "# client authentication of a replicated StatefulDatabase (written by cdk8s-tiers): the official image's rules",
      '# (initdb\'s local rules, then "host all all all" with the password method), plus replication from other pods',
      'local all all trust',
      'host all all 127.0.0.1/32 trust',
      'host all all ::1/128 trust',
      'local replication all trust',
      'host replication all 127.0.0.1/32 trust',
      'host replication all ::1/128 trust',
      `host replication all all ${auth}`,
      `host all all all ${auth}`,
      '',
    ].join('\n');
    const port = String(o.port);
    const login = { PGUSER: o.usernameKey, PGPASSWORD: o.passwordKey };
    // with credential files: the shell words that export PGUSER and PGPASSWORD from them ("" with env)
    const fromFiles = o.credentials.shellExports(login);
    // a tenth of the claim, at least 64MB: enough for a replica that restarts or lags for a while, never a full disk
    // (PostgreSQL 12 counts 16MB segments: wal_keep_segments)
    const keepMb = Math.max(64, Math.floor((ctx.storageBytes ?? 10 * 2 ** 30) / 10 / 2 ** 20));
    return {
      // (PGUSER is in the server's env from the preset with env; the image's entrypoint gets the options as its arguments)
      command: fromFiles ? ['sh', '-c', `${fromFiles}exec docker-entrypoint.sh "$@"`, 'docker-entrypoint.sh'] : undefined,
      args: [
        ...[
          '-c',
          'wal_level=replica',
          '-c',
          `max_wal_senders=${PG_MAX_SENDERS}`,
          '-c',
          o.major >= 13 ? `wal_keep_size=${keepMb}MB` : `wal_keep_segments=${Math.ceil(keepMb / 16)}`,
          '-c',
          'hot_standby=on',
        ],
        ...['-c', `hba_file=${PG_HBA_DIR}/pg_hba.conf`],
      ],
      // user and password come from the server's environment (PGUSER, PGPASSWORD), so the setting names no secret
      replicaArgs: ['-c', `primary_conninfo=host=${ctx.primaryHost} port=${port}`],
      env: o.credentials.envOnly({ PGPASSWORD: o.passwordKey }),
      clone: {
        image: o.image,
        command: ['sh', '-c', `${fromFiles}${PG_CLONE}`],
        credentials: true,
        env: {
          ...o.credentials.envOnly(login),
          PGDATA: EnvValue.fromValue(o.pgdata),
          PGPORT: EnvValue.fromValue(port),
          PRIMARY_HOST: EnvValue.fromValue(ctx.primaryHost),
        },
      },
      guard: {
        image: o.image,
        // pg_isready: 0 accepting, 1 starting or in recovery (both: a server runs), 2 no answer, 3 no attempt; it never logs
        // in, but libpq needs a user name (uid 10001 has no passwd entry)
        command: [
          'sh',
          '-c',
          guardScript(
            '[ -s "$PGDATA/PG_VERSION" ]',
            'pg_isready --quiet --timeout=3 --username=postgres --host="$REPLICA_HOST" --port="$PGPORT"; [ $? -le 1 ]',
          ),
        ],
        env: { PGDATA: EnvValue.fromValue(o.pgdata), PGPORT: EnvValue.fromValue(port), REPLICA_HOST: EnvValue.fromValue(ctx.firstReplicaHost) },
      },
      config: { suffix: 'hba', mountPath: PG_HBA_DIR, files: { 'pg_hba.conf': hba } },
      maxReplicas: PG_MAX_REPLICAS + 1,
    };
  };
}

/**
 * Redis replication: replicas `replicaof` the primary, authenticating with
 * `masterauth` (in the config read from stdin, as `requirepass`, never on a
 * command line); both roles get it, so a replica promoted by hand still serves
 * its own replicas.
 */
export function redisReplication(o: {
  readonly image: string;
  readonly port: number;
  readonly dataPath: string;
  readonly command: string[];
  /** How the server's containers get the Secret's keys (files or env): the primary's guard asks the replica with REDISCLI_AUTH. */
  readonly credentials: CredentialSource;
  readonly passwordKey: string;
}): Replication {
  const port = String(o.port);
  const auth = { REDISCLI_AUTH: o.passwordKey };
  // a replica that holds keys (a replica may start before the primary on a first deploy, empty: that one is no reason to stop)
  const replicaHoldsData = 'timeout 5 redis-cli -h "$REPLICA_HOST" -p "$REDIS_PORT" info keyspace 2> /dev/null | grep -q "^db[0-9]"';
  return (ctx) => ({
    command: o.command,
    args: [],
    replicaArgs: ['--replicaof', ctx.primaryHost, port],
    env: {},
    guard: {
      image: o.image,
      command: [
        'sh',
        '-c',
        `${o.credentials.shellExports(auth)}${guardScript(`[ -e ${o.dataPath}/appendonlydir ] || [ -e ${o.dataPath}/dump.rdb ]`, replicaHoldsData)}`,
      ],
      credentials: true,
      env: { ...o.credentials.envOnly(auth), REDIS_PORT: EnvValue.fromValue(port), REPLICA_HOST: EnvValue.fromValue(ctx.firstReplicaHost) },
    },
  });
}

/** Names of the init containers of a replicated database. */
export const CLONE_CONTAINER = 'clone-primary';
export const GUARD_CONTAINER = 'keep-replicas-data';

/** An init container of a role (the replicas' clone, the primary's guard) on the data claim, hardened like every container. */
export function roleInitContainer(p: Problems, name: string, spec: InitSpec, dataMount: k8s.VolumeMount): ContainerBuilder {
  const c = new ContainerBuilder(p, 'replicas ', {
    name,
    image: spec.image,
    command: spec.command,
    init: true,
    volumeMounts: [dataMount],
    resources: resolveResources(p, 'replicas', undefined, HELPER_RESOURCES),
  });
  c.addEnvMap(spec.env, 'replication env');
  return c;
}

/**
 * The update strategy of one role's StatefulSet: a partition counts over all replicas (ordinal 0 is the primary,
 * replica i the pod `<name>-replica-(i-1)`), so the primary is updated when it is 0 and replica pod j when j + 1
 * reaches it.
 */
export function roleUpdateStrategy(u: k8s.StatefulSetUpdateStrategy | undefined, role: string): k8s.StatefulSetUpdateStrategy | undefined {
  const partition = u?.rollingUpdate?.partition;
  if (u === undefined || partition === undefined) return u;
  return { ...u, rollingUpdate: { ...u.rollingUpdate, partition: role === ROLE_PRIMARY ? Math.min(partition, 1) : Math.max(partition - 1, 0) } };
}

/** A replicated database's plan, resolved: the replicas' arguments and the init containers of both roles. */
export interface ResolvedReplication {
  readonly plan: ReplicationPlan;
  /** The replicas' server arguments: the engine's, both roles', the replicas' own, then the user's. */
  readonly replicaArgs: string[];
  readonly clone?: ContainerBuilder;
  readonly guard: ContainerBuilder;
}

/** The replicas' arguments and clone, and the configuration volume of both roles. */
export function resolveReplication(
  p: Problems,
  name: string,
  plan: ReplicationPlan,
  pod: {
    engineArgs: string[];
    userArgs: string[];
    main: ContainerBuilder;
    volumes: PodVolumes;
    initContainers: ContainerBuilder[];
    data: k8s.VolumeMount;
    source?: CredentialSource;
  },
): ResolvedReplication {
  if (plan.config) {
    const volume = `replication-${plan.config.suffix}`;
    const mount = { name: volume, mountPath: plan.config.mountPath, readOnly: true };
    pod.volumes.add('the replication configuration', 'replicas', pod.main, mount, { name: volume, configMap: { name: `${name}-${plan.config.suffix}` } });
  }
  const clone = plan.clone && roleInitContainer(p, CLONE_CONTAINER, plan.clone, pod.data);
  const guard = roleInitContainer(p, GUARD_CONTAINER, plan.guard, pod.data);
  // the init containers that log in read the credentials as the server does (the files, or env from the Secret)
  if (clone && plan.clone?.credentials) pod.source?.mount(pod.volumes, clone, 'credentials');
  if (plan.guard.credentials) pod.source?.mount(pod.volumes, guard, 'credentials');
  pod.initContainers.forEach((c, i) => {
    if (!(c.name !== CLONE_CONTAINER && c.name !== GUARD_CONTAINER))
      p.add({
        prop: `initContainers[${i}].name`,
        value: c.name,
        rule: `a replicated database runs an init container of that name (${CLONE_CONTAINER} copies the primary's data into a replica, ${GUARD_CONTAINER} keeps an empty primary from starting while a replica holds the data)`,
        fix: 'give your init container another name',
      });
  });
  return { plan, replicaArgs: [...pod.engineArgs, ...plan.replicaArgs, ...pod.userArgs], clone, guard };
}

/** How the pods of one role differ from the database's template (none when the database is not replicated). */
export function roleVariant(r: ResolvedReplication | undefined, role: string | undefined): PodVariant | undefined {
  if (r === undefined || role === undefined) return undefined;
  if (role === ROLE_PRIMARY) return { labels: { [LABEL_ROLE]: role }, initContainers: [r.guard] };
  return { labels: { [LABEL_ROLE]: role }, initContainers: r.clone ? [r.clone] : [], main: (c) => ({ ...c, args: [...r.replicaArgs] }) };
}

/** The role of each ordinal: the presets' primary (0) and replicas, a custom engine's members. */
export function rolesOf(engine: string, replicas: number): string[] {
  // (a loop rather than Array.from of an array-like: this runs for every database)
  const roles: string[] = [];
  for (let i = 0; i < replicas; i++) roles.push(engine === 'custom' ? 'member' : i ? ROLE_REPLICA : ROLE_PRIMARY);
  // (the list is kept by the database: a copy of exactly its roles, where the pushes left room for 16 more)
  return roles.slice();
}
