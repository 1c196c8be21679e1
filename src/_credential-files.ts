/**
 * How the containers of a pod get a database's credentials: files of one
 * read-only Secret volume (mode 0400: the kubelet gives the files to root and
 * the pod's fsGroup and adds group read, so 0440 root:fsGroup, readable by the
 * pod's processes only), or environment variables referencing the Secret. The
 * database's server, its probes, and any helper container in the pod (an
 * exporter, a backup job) take them from one `CredentialSource`.
 */
import { ContainerBuilder } from './_container';
import { Problems, show } from './_errors';
import type { PodVolumes } from './_tier';
import { checkChoice } from './_rules';
import type { Connection } from './connection';
import { DatabaseCredentials } from './credentials';
import { EnvValue } from './env';

/** Mode of the credential files before the kubelet adds group read for the fsGroup. */
export const CREDENTIAL_FILE_MODE = 0o400;
/** Where the database's own containers find the files. */
export const SERVER_CREDENTIALS_PATH = '/etc/credentials';
/** Where a connected client finds the files of target `name`. */
export const CLIENT_CREDENTIALS_ROOT = '/etc/credentials';

/** Env var names by the Secret key they take their value from. */
export type SecretVars = { [name: string]: string };

/** The credentials of one database Secret, as files or as environment variables. */
export class CredentialSource {
  constructor(
    public readonly secretName: string,
    /** Every key of the Secret the engine reads (the files of the volume). */
    public readonly keys: readonly string[],
    public readonly asFiles: boolean,
    public readonly mountPath: string = SERVER_CREDENTIALS_PATH,
    public readonly volumeName: string = 'credentials',
  ) {}

  /** The file of Secret key `key` (a key that is not text is reported by the engine; String keeps this quiet). */
  public file(key: string): string {
    return `${this.mountPath}/${String(key)}`;
  }

  /** Variables an image reads from a file when `<NAME>_FILE` is set: `<NAME>_FILE` with the path (files), or `<NAME>` from the Secret (environment). */
  public env(vars: SecretVars): { [name: string]: EnvValue } {
    return Object.fromEntries(
      Object.entries(vars).map(([name, key]) =>
        this.asFiles ? [`${name}_FILE`, EnvValue.fromValue(this.file(key))] : [name, EnvValue.fromSecretKey(this.secretName, key)],
      ),
    );
  }

  /** Variables with no file form: from the Secret with environment variables, none with files (`shellExports` reads them where they are needed). */
  public envOnly(vars: SecretVars): { [name: string]: EnvValue } {
    return this.asFiles ? {} : secretEnv(this.secretName, vars);
  }

  /** Shell words that export `vars` from the files before a command (`export A="$(cat /etc/credentials/a)"; `), or "" with environment variables (set by `envOnly`). */
  public shellExports(vars: SecretVars): string {
    if (!this.asFiles) return '';
    return Object.entries(vars)
      .map(([name, key]) => `export ${name}="$(cat ${this.file(key)})"; `)
      .join('');
  }

  /** A shell expression of the value of key `key`: the file's content, or the variable `name` (set by `env` or `envOnly`). */
  public shellValue(name: string, key: string): string {
    return this.asFiles ? `$(cat ${this.file(key)})` : `$${name}`;
  }

  /**
   * Gives `container` the files: the Secret volume (only the engine's keys, mode 0400) is added to the pod
   * of `volumes` the first time and mounted read-only in every container given (of that pod: a CronJob's
   * pod has a registry of its own). Nothing with environment variables.
   */
  public mount(volumes: PodVolumes, container: ContainerBuilder, prop: string): void {
    if (!this.asFiles) return;
    const mount = { name: this.volumeName, mountPath: this.mountPath, readOnly: true };
    const volume = secretVolume(this.volumeName, this.secretName, this.keys);
    const json = JSON.stringify(volume);
    // (a volume of another name is another volume: only one of the same name is compared whole)
    if (volumes.volumes.some((v) => v.name === volume.name && JSON.stringify(v) === json)) volumes.mount(prop, container, mount);
    else volumes.add(prop, prop, container, mount, volume);
  }
}

/** A read-only Secret volume of `keys`, each a file named like its key, mode 0400. */
function secretVolume(name: string, secretName: string, keys: readonly string[]) {
  return { name, secret: { secretName, defaultMode: CREDENTIAL_FILE_MODE, items: keys.map((key) => ({ key, path: key })) } };
}

/** Env vars from the Secret's keys. */
export function secretEnv(secretName: string, vars: SecretVars): { [name: string]: EnvValue } {
  return Object.fromEntries(Object.entries(vars).map(([name, key]) => [name, EnvValue.fromSecretKey(secretName, key)]));
}

/** The credentials choice of `prop`, checked; `fallback` when it is not given (or not a choice, which is reported). */
export function resolveCredentials(p: Problems, prop: string, given: DatabaseCredentials | undefined, fallback: DatabaseCredentials): DatabaseCredentials {
  if (given === undefined) return fallback;
  return checkChoice(p, prop, given, DatabaseCredentials, 'use DatabaseCredentials.asFiles() or DatabaseCredentials.asEnvironment()') ? given : fallback;
}

/** The factory call that makes `c`, for messages. */
export function describeCredentials(c: DatabaseCredentials): string {
  return c.files ? 'DatabaseCredentials.asFiles()' : 'DatabaseCredentials.asEnvironment()';
}

/** What a client container is given to connect. */
export interface ClientCredentialsInput {
  readonly problems: Problems;
  /** The prop of the connection's options, for messages. */
  readonly prop: string;
  readonly volumes: PodVolumes;
  readonly container: ContainerBuilder;
  /** The client pod's fsGroup (the files are readable through it). */
  readonly fsGroup?: number;
  readonly targetName: string;
  readonly connection: Connection;
}

/**
 * The env suffixes a client gets for `connection`: all of `connection.env` (secretKeyRefs) with environment
 * variables; with files, the target's Secret is mounted read-only at `/etc/credentials/<target>` and each
 * credential suffix `X` becomes `X_FILE` with the path of its file.
 */
export function clientCredentialEnv(input: ClientCredentialsInput, credentials: DatabaseCredentials): { [suffix: string]: EnvValue } {
  const { problems: p, prop, connection } = input;
  if (!credentials.files) return { ...connection.env };
  const secret = connection.secret;
  if (
    !(
      secret !== undefined ||
      p.fail({
        prop,
        value: 'DatabaseCredentials.asFiles()',
        rule: `${show(input.targetName)} gives no credentials from a Secret to mount (only the postgres, mysql and redis presets do)`,
        fix: 'leave credentials out for this connection',
      })
    ) ||
    !(
      input.fsGroup !== undefined ||
      p.fail({
        prop,
        value: 'DatabaseCredentials.asFiles()',
        rule: "credential files are readable through the pod's fsGroup only (mode 0400, given to root and the fsGroup by the kubelet), and this tier sets none",
        fix: 'set security: { fsGroup: 10001 } on this tier (the gid of its user), or leave credentials out for environment variables',
      })
    )
  )
    return { ...connection.env };
  const { secretName, keys } = secret as NonNullable<Connection['secret']>;
  const source = new CredentialSource(
    secretName,
    [...new Set(Object.values(keys))],
    true,
    `${CLIENT_CREDENTIALS_ROOT}/${input.targetName}`,
    `credentials-${input.targetName}`,
  );
  source.mount(input.volumes, input.container, prop);
  const env: { [suffix: string]: EnvValue } = {};
  for (const [suffix, value] of Object.entries(connection.env)) {
    const key = keys[suffix];
    if (key === undefined) env[suffix] = value;
    else env[`${suffix}_FILE`] = EnvValue.fromValue(source.file(key));
  }
  return env;
}
