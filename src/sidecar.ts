import { EnvValue } from './env';
import { Probe } from './probe';
import { ResourceOptions } from './resources';

/**
 * One more container in the tier's pods: it shares the pod's network (reach
 * the main container on localhost) and a shared emptyDir, and is hardened
 * like the main container.
 */
export interface SidecarOptions {
  /** Container name, unique in the pod. */
  readonly name: string;
  /** Image, pinned to a tag or digest. */
  readonly image: string;
  /** Port the sidecar listens on. @default - none */
  readonly port?: number;
  /** Name of that port. @default - the container name, cut to 15 characters */
  readonly portName?: string;
  /** Entrypoint. @default - the image's */
  readonly command?: string[];
  /** Arguments. @default - the image's */
  readonly args?: string[];
  /** Environment variables. @default - none */
  readonly env?: { [name: string]: EnvValue };
  /**
   * Readiness probe, with another handler than liveness (kube-score rates identical handlers critical).
   * @default - none, which is a problem at synth: only the sidecar knows when it can serve
   */
  readonly readiness?: Probe;
  /** Liveness probe. @default - a TCP check of the port every 10s after 10s when there is a port; required otherwise */
  readonly liveness?: Probe;
  /** Startup probe. @default - none */
  readonly startup?: Probe;
  /** Resources. @default - requests 50m CPU, 64Mi memory, 32Mi disk; limits 128Mi memory, 128Mi disk */
  readonly resources?: ResourceOptions;
  /** Writable paths besides `/tmp` (emptyDir volumes). @default - none */
  readonly writablePaths?: string[];
  /**
   * Publishes the sidecar's port on the tier's Service (under its port name) and opens it in the
   * NetworkPolicy to whoever may reach the main port: every source for a NodePort tier (the cluster
   * then gives it a node port too), the tier's clients otherwise. The port number must not be one
   * the Service has already.
   * @default false - the port is reachable only inside the pod (localhost)
   */
  readonly publish?: boolean;
}

/**
 * A container that runs to completion before the tier's containers start (a schema migration,
 * fetching a file), hardened like every container: non-root, read-only root file system with its
 * own `/tmp`, no privileges, resources set.
 * @see https://kubernetes.io/docs/concepts/workloads/pods/init-containers/
 */
export interface InitContainerOptions {
  /** Container name (a DNS-1123 label, unique in the pod). */
  readonly name: string;
  /** Image, pinned to a tag (not `latest`) or a digest. */
  readonly image: string;
  /** Entrypoint. @default - the image's */
  readonly command?: string[];
  /** Arguments. @default - the image's */
  readonly args?: string[];
  /** Environment variables. @default - none */
  readonly env?: { [name: string]: EnvValue };
  /** Requests and limits. @default - requests 50m CPU / 64Mi memory / 32Mi disk, limits 128Mi memory / 128Mi disk */
  readonly resources?: ResourceOptions;
  /** Paths it may write to besides its own `/tmp` (each an emptyDir of its own). @default - none */
  readonly writablePaths?: string[];
}
