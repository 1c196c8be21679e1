/**
 * Database engine presets for `StatefulDatabase`: the official Docker Hub
 * images of PostgreSQL, MySQL and Redis set up to start under the restricted
 * pod security context (non-root uid 10001, read-only root file system), and
 * a custom engine for anything else.
 */
import { CredentialSource, secretEnv } from './_credential-files';
import { EngineBinding, EngineContext } from './_engine';
import { postgresReplication, redisReplication } from './_replication';
import { mysqlTls, postgresTls, redisTls, tlsClientEnv } from './_tls';
import { Problems } from './_errors';
import { CUSTOM_ENGINE_OPTIONS, MYSQL_OPTIONS, POSTGRES_OPTIONS, REDIS_OPTIONS } from './_keys';
import { checkProps, PropsType } from './_props';
import { checkMap, checkStringList, entryProp, isAbsolutePath, isObject, isString, listOf } from './_rules';
import { EnvValue } from './env';
import { Probe, ProbeOptions } from './probe';
import { merged } from './_merge';

/** Options of every preset. */
export interface EngineOptions {
  /**
   * The image tag to run, pinned: PostgreSQL `major.minor` (e.g. "16.4"), MySQL and Redis
   * `major.minor.patch` (e.g. "8.4.3", "7.4.1"); a variant suffix ("16.4-bookworm") and a
   * digest ("16.4@sha256:...") may follow.
   */
  readonly version: string;
  /** Image repository, e.g. a mirror of the official image. @default - the Docker Hub official image ("postgres", "mysql", "redis") */
  readonly repository?: string;
  /** Port the server listens on. @default - the engine's standard port (5432, 3306, 6379) */
  readonly port?: number;
}

/** Options of the PostgreSQL preset. */
export interface PostgresOptions extends EngineOptions {
  /** Database created on first start (`POSTGRES_DB`). @default - the database's name with "-" replaced by "_" */
  readonly database?: string;
  /** Key of the Secret holding the user name (a superuser, `POSTGRES_USER`). @default "username" */
  readonly usernameKey?: string;
  /** Key of the Secret holding that user's password. @default "password" */
  readonly passwordKey?: string;
}

/** Options of the MySQL preset. */
export interface MysqlOptions extends EngineOptions {
  /** Database created on first start (`MYSQL_DATABASE`). @default - the database's name with "-" replaced by "_" */
  readonly database?: string;
  /** Key of the Secret holding the application user (`MYSQL_USER`, never "root"). @default "username" */
  readonly usernameKey?: string;
  /**
   * Key of the Secret holding that user's password. The image's first initialisation writes the user name
   * and the passwords into SQL between single quotes without escaping them: a `'` or a `\` in any of them
   * aborts it (or sets another password), and the application user is never created. Leave those two
   * characters out of the Secret; the readiness probe logs in as this user, so the trap shows as a pod that
   * never becomes ready.
   * @default "password"
   */
  readonly passwordKey?: string;
  /** Key of the Secret holding the root password (no `'` or `\` in it either). @default "root-password" */
  readonly rootPasswordKey?: string;
}

/** Options of the Redis preset. */
export interface RedisOptions extends EngineOptions {
  /** Key of the Secret holding the password (`requirepass`). @default "password" */
  readonly passwordKey?: string;
}

/** A database image of your own. */
export interface CustomEngineOptions {
  /** Image, pinned to a tag (not `latest`) or a digest. It must run as any non-root uid with a read-only root file system. */
  readonly image: string;
  /** Port the server listens on. */
  readonly port: number;
  /** Name of that port. @default "db" */
  readonly portName?: string;
  /** Where the data claim is mounted. */
  readonly dataPath: string;
  /** Readiness probe (never with a password on its command line). */
  readonly readiness: Probe;
  /** Liveness probe, different from readiness. */
  readonly liveness: Probe;
  /** Startup probe. @default - none */
  readonly startup?: Probe;
  /** Environment variables; credentials with `EnvValue.fromSecretKey(...)`. @default - none */
  readonly env?: { [name: string]: EnvValue };
  /** Entrypoint. @default - the image's */
  readonly command?: string[];
  /** Arguments. @default - the image's */
  readonly args?: string[];
  /** Runtime paths that need to be writable besides `/tmp` (emptyDirs). @default - none */
  readonly writablePaths?: string[];
  /** What connected clients get, by env suffix (e.g. `{ PASSWORD: EnvValue.fromSecretKey('cache', 'password') }`). @default - host and port only */
  readonly clientEnv?: { [suffix: string]: EnvValue };
}

/** The fixed facts of one preset. */
interface Preset {
  readonly engine: string;
  readonly repository: string;
  readonly port: number;
  readonly portName: string;
  /** Version parts required: 2 (major.minor) or 3 (major.minor.patch). */
  readonly parts: number;
  readonly minMajor: number;
  readonly example: string;
}

const POSTGRES: Preset = { engine: 'postgres', repository: 'postgres', port: 5432, portName: 'postgres', parts: 2, minMajor: 12, example: '16.4' };
const MYSQL: Preset = { engine: 'mysql', repository: 'mysql', port: 3306, portName: 'mysql', parts: 3, minMajor: 8, example: '8.4.3' };
const REDIS: Preset = { engine: 'redis', repository: 'redis', port: 6379, portName: 'redis', parts: 3, minMajor: 7, example: '7.4.1' };

/** Where each preset keeps its data and runtime files. */
const PG_MOUNT = '/var/lib/postgresql/data';
const PG_RUN = '/var/run/postgresql';
const MYSQL_MOUNT = '/var/lib/mysql';
const MYSQL_RUN = '/var/run/mysqld';
const REDIS_MOUNT = '/data';

/** Probe timings of the presets: exec probes get 5s, startup allows 10 minutes (first init, crash recovery). */
const READY: ProbeOptions = { periodSeconds: 5, timeoutSeconds: 5, failureThreshold: 3 };
const ALIVE: ProbeOptions = { periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 6 };
const STARTING: ProbeOptions = { periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 60 };

/** A PostgreSQL or MySQL database name: lower case letters, digits and "_", not starting with a digit. */
const SQL_NAME = /^[a-z_][a-z0-9_]*$/;
const SECRET_KEY = /^[-._a-zA-Z0-9]+$/;
/** A pinned preset version (major.minor or major.minor.patch), with an optional variant suffix or digest. */
const VERSION_2 = /^(\d+)\.\d+(-[a-z0-9][-a-z0-9._]*)?(@sha256:[a-f0-9]{64})?$/;
const VERSION_3 = /^(\d+)\.\d+\.\d+(-[a-z0-9][-a-z0-9._]*)?(@sha256:[a-f0-9]{64})?$/;

/**
 * Redis reads its password from stdin, so it is never on a command line:
 * `"` and `\` are escaped for the config parser, then the shell is replaced by
 * redis-server (PID 1, so it gets SIGTERM and saves its data). The password
 * comes from its file (credentials as files: never in the environment either)
 * or from REDIS_PASSWORD; every directive (requirepass, masterauth) gets it.
 */
function redisStart(directives: string[], file: string | undefined): string {
  const escaped = file === undefined ? `$(printf '%s' "$REDIS_PASSWORD" | sed 's/[\\\\"]/\\\\&/g')` : `$(sed 's/[\\\\"]/\\\\&/g' ${file})`;
  return ['umask 0077', 'exec redis-server - "$@" <<EOF', ...directives.map((d) => `${d} "${escaped}"`), 'EOF'].join('\n');
}

/**
 * A login as the application user over TCP, `SELECT 1`: the user and password (shell expressions) go into a
 * client option file in $TMPDIR or /tmp (mode 0600, removed after; one fixed name, so a probe killed at its timeout leaves
 * no second copy), never onto a command line. Option files strip the outer quotes and read `\` as an escape.
 */
function mysqlLogin(user: string, password: string, port: number): string {
  return [
    'umask 077; f="${TMPDIR:-/tmp}/readiness-client.cnf"',
    `q() { printf '%s' "$1" | sed 's/\\\\/\\\\\\\\/g'; }`,
    `printf '[client]\\nuser="%s"\\npassword="%s"\\n' "$(q "${user}")" "$(q "${password}")" > "$f"`,
    `mysql --defaults-extra-file="$f" --protocol=TCP --host=127.0.0.1 --port=${String(port)} --connect-timeout=3 --batch --skip-column-names --execute='SELECT 1' > /dev/null`,
    's=$?; rm -f "$f"; exit $s',
  ].join('\n');
}

/**
 * The database server a `StatefulDatabase` runs.
 *
 * `DatabaseEngine.postgres({ version: '16.4' })`, `DatabaseEngine.mysql({ version: '8.4.3' })`,
 * `DatabaseEngine.redis({ version: '7.4.1' })`, `DatabaseEngine.custom({...})`.
 */
export class DatabaseEngine {
  /**
   * PostgreSQL from the official image (Debian or Alpine variants). Data in
   * `PGDATA=/var/lib/postgresql/data/pgdata`, a folder inside the volume;
   * the Secret holds `username` and `password`. Clients get USER, PASSWORD, NAME.
   */
  public static postgres(options: PostgresOptions): DatabaseEngine {
    const o = optionsOf(options);
    return new DatabaseEngine(
      POSTGRES,
      o,
      [o.usernameKey ?? 'username', o.passwordKey ?? 'password'],
      (p, ctx) => postgresBinding(p, o, ctx),
      options,
      POSTGRES_OPTIONS,
    );
  }

  /**
   * MySQL from the official image. Data in `--datadir=/var/lib/mysql/data`, a
   * folder inside the volume; the Secret holds `username`, `password` and
   * `root-password`, none of them with a `'` or a `\` (the image's first initialisation puts them
   * into SQL unescaped). Ready when the application user can log in. Clients get USER, PASSWORD, NAME.
   */
  public static mysql(options: MysqlOptions): DatabaseEngine {
    const o = optionsOf(options);
    const keys = [o.usernameKey ?? 'username', o.passwordKey ?? 'password', o.rootPasswordKey ?? 'root-password'];
    return new DatabaseEngine(MYSQL, o, keys, (p, ctx) => mysqlBinding(p, o, ctx), options, MYSQL_OPTIONS);
  }

  /**
   * Redis from the official image, with append-only persistence in `/data`
   * and a password from the Secret's `password` key. Clients get PASSWORD.
   */
  public static redis(options: RedisOptions): DatabaseEngine {
    const o = optionsOf(options);
    return new DatabaseEngine(REDIS, o, [o.passwordKey ?? 'password'], (p, ctx) => redisBinding(p, o, ctx), options, REDIS_OPTIONS);
  }

  /** Any other image: you give the port, data path, probes and env. */
  public static custom(options: CustomEngineOptions): DatabaseEngine {
    const o = optionsOf(options);
    const preset: Preset = { engine: 'custom', repository: '', port: o.port, portName: o.portName ?? 'db', parts: 0, minMajor: 0, example: '' };
    return new DatabaseEngine(preset, {} as EngineOptions, [], (p) => customBinding(p, o), options, CUSTOM_ENGINE_OPTIONS);
  }

  /** `postgres`, `mysql`, `redis` or `custom`. */
  public readonly engine: string;
  /** The port the server listens on. */
  public readonly port: number;
  /** Keys the Secret of credentials must hold (none for a custom engine). */
  public readonly secretKeys: string[];

  private constructor(
    preset: Preset,
    options: EngineOptions,
    secretKeys: string[],
    private readonly bind: (problems: Problems, ctx: EngineContext) => EngineBinding,
    /** The options as given, checked when the engine is bound to a database. */
    private readonly given: unknown,
    private readonly optionsType: PropsType,
  ) {
    this.engine = preset.engine;
    this.port = options.port ?? preset.port;
    this.secretKeys = secretKeys;
  }

  /** Checks the options and returns the container the engine needs. @internal */
  public _bind(problems: Problems, ctx: EngineContext): EngineBinding {
    checkProps(problems, 'engine', this.given, this.optionsType);
    return this.bind(problems, ctx);
  }
}

/** The options of a factory, or `{}` for a value that is not an object (reported when the engine is bound). */
function optionsOf<T extends object>(options: T | undefined | null): T {
  return isObject(options) ? options : ({} as T);
}

/** Checks the version and returns the image reference. */
function presetImage(p: Problems, preset: Preset, options: EngineOptions): string {
  const version = options.version;
  const m = (preset.parts === 3 ? VERSION_3 : VERSION_2).exec(isString(version) ? version : '');
  const shape = preset.parts === 3 ? 'major.minor.patch' : 'major.minor';
  // (a repository of the wrong form is reported with the image reference it makes)
  const repository =
    options.repository === undefined ||
    isString(options.repository) ||
    p.fail({
      prop: 'engine.repository',
      value: options.repository,
      rule: 'must be the image repository as text',
      fix: `name a mirror of the official image, e.g. "registry.example.com/mirror/${preset.repository}", or leave it out`,
    })
      ? (options.repository ?? preset.repository)
      : preset.repository;
  // (the messages are made only when they are reported: this runs for every database)
  if (m === null) {
    p.add({
      prop: 'engine.version',
      value: version,
      rule: `the ${preset.engine} preset needs a pinned ${shape} version (optionally with a variant suffix or a digest), so that every restart runs the same server`,
      fix: `give the version, e.g. DatabaseEngine.${preset.engine}({ version: '${preset.example}' })`,
    });
    // the synth fails on the problem above; a well-formed stand-in keeps the image check from repeating it
    return `${repository}:${preset.example}`;
  }
  if (Number(m[1]) < preset.minMajor) {
    p.add({
      prop: 'engine.version',
      value: version,
      rule: `the ${preset.engine} preset supports major version ${preset.minMajor} and later (its entrypoint handling, probes and start-up flags are written for those images)`,
      fix: `use ${preset.minMajor}.x or later, or DatabaseEngine.custom({...}) for an older server`,
    });
  }
  return `${repository}:${version}`;
}

/** The name of the database created on first start, checked against the engine's identifier limit. */
function databaseName(p: Problems, engine: string, given: string | undefined, ctx: EngineContext, maxLength: number): string {
  // a name that is not a string is reported by the database; derive from a stand-in so this stays quiet
  const name = given ?? (isString(ctx.name) ? ctx.name : 'db').replace(/-/g, '_').slice(0, maxLength);
  if (!(isString(name) && name.length <= maxLength && SQL_NAME.test(name))) {
    p.add({
      prop: 'engine.database',
      value: name,
      rule: `a ${engine} database name here must be at most ${maxLength} lower-case letters, digits and "_", not starting with a digit (so clients never need to quote it)`,
      fix: 'use a name like "orders"',
    });
  }
  return name;
}

/** Checks the Secret keys an engine reads. */
function checkSecretKeys(p: Problems, keys: { [prop: string]: string | undefined }): void {
  for (const [prop, key] of Object.entries(keys)) {
    if (key === undefined) continue;
    if (!(isString(key) && key.length <= 253 && SECRET_KEY.test(key)))
      p.add({
        prop: `engine.${prop}`,
        value: key,
        rule: 'a Secret key consists of letters, digits, "-", "_" and "."',
        fix: 'use a key like "password"',
      });
  }
}

/** Env vars from the Secret's keys, or none when the Secret is missing (already reported by the database). */
function fromSecret(ctx: EngineContext, vars: { [name: string]: string }): { [name: string]: EnvValue } {
  return ctx.secretName === undefined ? {} : secretEnv(ctx.secretName, vars);
}

/** How the server gets the Secret's keys: files or env (without a Secret, already reported by the database, a stand-in of files that are never mounted). */
function credentialsOf(ctx: EngineContext): CredentialSource {
  return ctx.credentials ?? new CredentialSource('', [], true);
}

/** Readiness, liveness and startup probes of a preset from two commands. */
function presetProbes(ready: string[], alive: string[]): Pick<EngineBinding, 'readiness' | 'liveness' | 'startup'> {
  return { readiness: Probe.exec(ready, READY), liveness: Probe.exec(alive, ALIVE), startup: Probe.exec(alive, STARTING) };
}

function postgresBinding(p: Problems, o: PostgresOptions, ctx: EngineContext): EngineBinding {
  const image = presetImage(p, POSTGRES, o);
  const port = o.port ?? POSTGRES.port;
  const database = databaseName(p, 'PostgreSQL', o.database, ctx, 63);
  checkSecretKeys(p, { usernameKey: o.usernameKey, passwordKey: o.passwordKey });
  const user = o.usernameKey ?? 'username';
  const password = o.passwordKey ?? 'password';
  const creds = credentialsOf(ctx);
  // the user pg_isready (the probes) and psql (kubectl exec) connect as: no file form, so read from the file by the probes
  const pgUser = creds.shellExports({ PGUSER: user });
  const tls = postgresTls(ctx.tls);
  return {
    image,
    port,
    portName: POSTGRES.portName,
    dataPath: PG_MOUNT,
    ...(tls.command ? { command: tls.command } : {}),
    args: tls.args,
    env: merged(creds.env({ POSTGRES_USER: user, POSTGRES_PASSWORD: password }), creds.envOnly({ PGUSER: user }), {
      POSTGRES_DB: EnvValue.fromValue(database),
      // the database pg_isready (the probes) and psql (kubectl exec) connect to; without it they ask for one named
      // like the user, which does not exist, and the server logs a FATAL line at every probe
      PGDATABASE: EnvValue.fromValue(database),
      // a folder inside the volume: owned by the server's uid, away from lost+found
      PGDATA: EnvValue.fromValue(`${PG_MOUNT}/pgdata`),
      // read by the server and by pg_isready/psql alike
      PGPORT: EnvValue.fromValue(String(port)),
    }),
    // ready: accepting connections over TCP (not during first init, which listens on the socket only);
    // alive: the server answers on its socket, even "starting up" or "in recovery" (exit 1)
    ...presetProbes(
      pgUser
        ? ['sh', '-c', `${pgUser}exec pg_isready --quiet --host=127.0.0.1 --port=${String(port)}`]
        : ['pg_isready', '--quiet', '--host=127.0.0.1', `--port=${String(port)}`],
      ['sh', '-c', `${pgUser}pg_isready --quiet --host=${PG_RUN} --port=${String(port)}; test $? -le 1`],
    ),
    writablePaths: [PG_RUN],
    clientEnv: merged(fromSecret(ctx, { USER: user, PASSWORD: password }), { NAME: EnvValue.fromValue(database) }, tlsClientEnv(ctx.tls, true)),
    clientSecretKeys: { USER: user, PASSWORD: password },
    maxReplicas: 1,
    replication: postgresReplication({
      image,
      port,
      major: parseInt(String(o.version), 10),
      pgdata: `${PG_MOUNT}/pgdata`,
      credentials: creds,
      usernameKey: user,
      passwordKey: password,
    }),
    credentials: { usernameKey: user, passwordKey: password, database },
  };
}

function mysqlBinding(p: Problems, o: MysqlOptions, ctx: EngineContext): EngineBinding {
  const image = presetImage(p, MYSQL, o);
  const port = o.port ?? MYSQL.port;
  const database = databaseName(p, 'MySQL', o.database, ctx, 64);
  checkSecretKeys(p, { usernameKey: o.usernameKey, passwordKey: o.passwordKey, rootPasswordKey: o.rootPasswordKey });
  const user = o.usernameKey ?? 'username';
  const password = o.passwordKey ?? 'password';
  const socket = `${MYSQL_RUN}/mysqld.sock`;
  const creds = credentialsOf(ctx);
  return {
    image,
    port,
    portName: MYSQL.portName,
    dataPath: MYSQL_MOUNT,
    // the entrypoint prepends "mysqld"; the data directory is a folder inside the volume (initialize needs it empty)
    args: [`--datadir=${MYSQL_MOUNT}/data`, `--port=${String(port)}`, `--socket=${socket}`, '--secure-file-priv=NULL', ...mysqlTls(ctx.tls)],
    env: merged(creds.env({ MYSQL_ROOT_PASSWORD: o.rootPasswordKey ?? 'root-password', MYSQL_USER: user, MYSQL_PASSWORD: password }), {
      MYSQL_DATABASE: EnvValue.fromValue(database),
    }),
    // ready: the application user logs in over TCP (first init runs with --skip-networking), so a first
    // initialisation that failed to create it (a ' or \ in a password) leaves the pod not ready;
    // alive: mysqladmin ping on the socket, which exits 0 whenever the server answers, even "access denied"
    ...presetProbes(
      ['sh', '-c', mysqlLogin(creds.shellValue('MYSQL_USER', user), creds.shellValue('MYSQL_PASSWORD', password), port)],
      ['mysqladmin', 'ping', '--silent', '--connect-timeout=3', '--protocol=SOCKET', `--socket=${socket}`],
    ),
    writablePaths: [MYSQL_RUN],
    clientEnv: merged(fromSecret(ctx, { USER: user, PASSWORD: password }), { NAME: EnvValue.fromValue(database) }, tlsClientEnv(ctx.tls, false)),
    clientSecretKeys: { USER: user, PASSWORD: password },
    maxReplicas: 1,
    replicasRefused: {
      rule: 'the mysql preset runs one server: it does not set up MySQL replication (GTID, a replication user, group replication), so more replicas would be independent databases behind one Service, each with part of the data',
      fix: 'keep replicas at 1 (0 stops the server and keeps its data); for MySQL replicas use an operator (MySQL Operator for Kubernetes, Percona Operator for MySQL) or a managed database, or DatabaseEngine.postgres({...}) with replicas for read replicas',
    },
    credentials: { usernameKey: user, passwordKey: password, database },
  };
}

function redisBinding(p: Problems, o: RedisOptions, ctx: EngineContext): EngineBinding {
  const image = presetImage(p, REDIS, o);
  const port = o.port ?? REDIS.port;
  checkSecretKeys(p, { passwordKey: o.passwordKey });
  const password = o.passwordKey ?? 'password';
  const creds = credentialsOf(ctx);
  const passwordFile = creds.asFiles ? creds.file(password) : undefined;
  const tls = redisTls(ctx.tls, port);
  const cli = ['redis-cli', ...tls.cli, '-p', String(port)];
  return {
    image,
    port,
    portName: REDIS.portName,
    dataPath: REDIS_MOUNT,
    // the image has no file form: the start script reads the password from its file (or from REDIS_PASSWORD)
    command: ['sh', '-c', redisStart(['requirepass'], passwordFile), 'redis-server'],
    args: [...tls.portArgs, '--dir', REDIS_MOUNT, '--appendonly', 'yes'],
    // REDISCLI_AUTH lets redis-cli (probes, kubectl exec) authenticate without -a on the command line
    env: creds.envOnly({ REDIS_PASSWORD: password, REDISCLI_AUTH: password }),
    // ready: PONG (not while loading the dataset); alive: any reply (redis-cli exits 0 on error replies, NOAUTH too)
    ...presetProbes(['sh', '-c', `${creds.shellExports({ REDISCLI_AUTH: password })}test "$(${cli.join(' ')} ping)" = PONG`], [...cli, 'ping']),
    writablePaths: [],
    clientEnv: merged(fromSecret(ctx, { PASSWORD: password }), tlsClientEnv(ctx.tls, false)),
    clientSecretKeys: { PASSWORD: password },
    maxReplicas: 1,
    replication: redisReplication({
      image,
      port,
      dataPath: REDIS_MOUNT,
      credentials: creds,
      passwordKey: password,
      command: ['sh', '-c', redisStart(['requirepass', 'masterauth'], passwordFile), 'redis-server'],
    }),
    credentials: { passwordKey: password },
  };
}

function customBinding(p: Problems, o: CustomEngineOptions): EngineBinding {
  if (o.port === undefined)
    p.add({
      prop: 'engine.port',
      value: o.port,
      rule: 'a custom engine needs the port its server listens on',
      fix: 'give the port, e.g. port: 2379',
    });
  const portName = o.portName ?? 'db';
  if (!isAbsolutePath(o.dataPath))
    p.add({
      prop: 'engine.dataPath',
      value: o.dataPath,
      rule: 'must be an absolute, normalised path other than "/"',
      fix: 'give the path where the server keeps its data, e.g. "/var/lib/db"',
    });
  const writablePaths = listOf(p, 'engine.writablePaths', o.writablePaths).filter(
    (path) =>
      isAbsolutePath(path) ||
      p.fail({
        prop: 'engine.writablePaths',
        value: path,
        rule: 'each writable path must be an absolute, normalised path other than "/"',
        fix: 'write paths like "/var/run/db"',
      }),
  );
  const clientEnv = o.clientEnv ?? {};
  const clientEnvOk =
    (typeof clientEnv === 'object' && !Array.isArray(clientEnv)) ||
    p.fail({
      prop: 'engine.clientEnv',
      value: clientEnv,
      rule: 'must be a map of env suffixes to EnvValues',
      fix: "write it like { PASSWORD: EnvValue.fromSecretKey('cache', 'password') }",
    });
  for (const [suffix, value] of Object.entries(clientEnvOk ? clientEnv : {})) {
    if (!/^[A-Za-z0-9_]+$/.test(suffix))
      p.add({
        prop: 'engine.clientEnv',
        value: suffix,
        rule: 'a suffix is appended to the client\'s prefix and "_": letters, digits and "_" only',
        fix: 'use a suffix like "PASSWORD"',
      });
    if (!(value instanceof EnvValue))
      p.add({
        prop: entryProp('engine.clientEnv', suffix),
        value,
        rule: 'must be an EnvValue',
        fix: 'use EnvValue.fromSecretKey(...) or EnvValue.fromValue(...)',
      });
  }
  return {
    image: o.image,
    port: o.port,
    portName,
    dataPath: o.dataPath,
    command: o.command,
    args: o.args === undefined || o.args === null || checkStringList(p, 'engine.args', o.args) ? [...(o.args ?? [])] : [],
    env: { ...checkMap(p, 'engine.env', o.env, "{ ETCD_NAME: EnvValue.fromFieldPath('metadata.name') }") },
    readiness: o.readiness,
    liveness: o.liveness,
    startup: o.startup,
    writablePaths,
    clientEnv: clientEnvOk ? { ...clientEnv } : {},
  };
}
