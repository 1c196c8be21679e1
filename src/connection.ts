import { IConstruct } from 'constructs';
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
}

/** Options of `connectTo`. */
export interface ConnectOptions {
  /**
   * Prefix of the environment variables added to the client container
   * (`<PREFIX>_HOST`, `<PREFIX>_PORT`, ...).
   * @default - the target's name in upper case, with "-" replaced by "_"
   */
  readonly envPrefix?: string;
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
