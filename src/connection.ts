import { IConstruct } from 'constructs';
import { DatabaseCredentials } from './credentials';
import { EnvValue } from './env';

/**
 * Pods that NetworkPolicy rules can name: a tier of this library, or any
 * workload whose pod labels are known.
 */
export interface INetworkPeer extends IConstruct {
  /** Labels that select the peer's pods (stable labels only). */
  readonly podSelectorLabels: { [key: string]: string };
  /** Namespace of the peer's pods. @default - the namespace of the chart */
  readonly namespace?: string;
}

/** What a client needs to reach a connectable tier. */
export interface Connection {
  /** DNS name of the Service the client should use. */
  readonly host: string;
  /** Port of that Service. */
  readonly port: number;
  /** Port of the server pods, which NetworkPolicy egress rules must allow. */
  readonly podPort: number;
  /**
   * Environment variables for the client, by name suffix (e.g. `USER`,
   * `PASSWORD`); the client adds its prefix. `HOST` and `PORT` are added by the client.
   */
  readonly env: { [suffix: string]: EnvValue };
  /** The Secret behind the credentials in `env`, for clients that mount it as files. @default - none: nothing to mount */
  readonly secret?: ConnectionSecret;
}

/** The Secret of a connection's credentials. */
export interface ConnectionSecret {
  /** Name of the Secret (in the target's namespace). */
  readonly secretName: string;
  /** The Secret key of each credential suffix of `Connection.env` (e.g. `{ USER: 'username', PASSWORD: 'password' }`). */
  readonly keys: { [suffix: string]: string };
}

/** Options of `connectTo`. */
export interface ConnectOptions {
  /**
   * Prefix of the environment variables added to the client container
   * (`<PREFIX>_HOST`, `<PREFIX>_PORT`, ...).
   * @default - the target's name in upper case, with "-" replaced by "_"
   */
  readonly envPrefix?: string;
  /**
   * How the client gets the target's credentials: `DatabaseCredentials.asFiles()` mounts the target's Secret
   * read-only at `/etc/credentials/<target>` (the client tier needs an fsGroup) and sets `<PREFIX>_PASSWORD_FILE`,
   * `<PREFIX>_USER_FILE` instead of `<PREFIX>_PASSWORD`, `<PREFIX>_USER`.
   * @default DatabaseCredentials.asEnvironment() - `<PREFIX>_USER`, `<PREFIX>_PASSWORD` from the Secret
   */
  readonly credentials?: DatabaseCredentials;
}

/** A tier that other tiers can connect to (web → web, web → database). */
export interface IConnectable extends INetworkPeer {
  /** The name the tier was given. */
  readonly name: string;
  /**
   * Accepts a client: lets its pods in through this tier's NetworkPolicy and
   * tells it how to connect.
   */
  acceptConnectionFrom(client: INetworkPeer): Connection;
}
