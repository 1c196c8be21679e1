/**
 * What a database engine contributes to the StatefulSet's pod: the internal
 * contract between `DatabaseEngine` and `StatefulDatabase`.
 */
import type { Replication } from './_replication';
import type { CredentialSource } from './_credential-files';
import type { ServerTls } from './_tls';
import { EnvValue } from './env';
import { Probe } from './probe';

/** What the database tells its engine. */
export interface EngineContext {
  /** Name of the StatefulDatabase (the default database name derives from it). */
  readonly name: string;
  /** The Secret of credentials, when the user named one. */
  readonly secretName?: string;
  /** How the server's containers get the Secret's keys (files or env), when the user named a Secret. */
  readonly credentials?: CredentialSource;
  /** TLS of the server, when asked for (checked). */
  readonly tls?: ServerTls;
}

/** The database container as an engine wants it. */
export interface EngineBinding {
  readonly image: string;
  readonly port: number;
  readonly portName: string;
  /** Where the data claim is mounted. */
  readonly dataPath: string;
  readonly command?: string[];
  readonly args: string[];
  readonly env: { [name: string]: EnvValue };
  readonly readiness: Probe;
  readonly liveness: Probe;
  readonly startup?: Probe;
  /** Runtime paths that need an emptyDir under the read-only root (besides `/tmp`). */
  readonly writablePaths: string[];
  /** What a connected client gets, by env suffix (`USER`, `PASSWORD`, `NAME`). */
  readonly clientEnv: { [suffix: string]: EnvValue };
  /** The Secret key of each credential suffix of `clientEnv`, for clients that mount the Secret. @default - none */
  readonly clientSecretKeys?: { [suffix: string]: string };
  /** Most replicas the engine can run as configured (undefined: no limit). */
  readonly maxReplicas?: number;
  /** How the engine runs more than one replica: a primary and read replicas (then `maxReplicas` does not apply). */
  readonly replication?: Replication;
  /** Why more than `maxReplicas` are refused, and what to use instead. @default - the presets' rule */
  readonly replicasRefused?: { readonly rule: string; readonly fix: string };
  /** What helper containers (the metrics exporter, the backup job) log in with; none for a custom engine. */
  readonly credentials?: EngineCredentials;
}

/** The Secret keys and the database a helper container of a preset logs in with. */
export interface EngineCredentials {
  /** Key of the user name (none: the server has no users, e.g. redis). */
  readonly usernameKey?: string;
  readonly passwordKey: string;
  /** The database created on first start (none for redis). */
  readonly database?: string;
}
