import { EnvValue } from './env';
import { Probe } from './probe';
import { ResourceOptions } from './resources';
import { PodSecurityOptions } from './security';
import { NodeAffinityOptions, TolerationOptions } from './scheduling';
import { ReadOnlyVolumeOptions } from './volume-claim';
import { ServiceType } from './service-type';
import { InitContainerOptions } from './sidecar';

/**
 * Props that every tier of the library takes: identity and metadata, the
 * Service, the main container and the pod. Each tier documents the defaults
 * that differ (component, Service type, probes, resources).
 */
export interface TierProps {
  /**
   * Name of the workload, its Service and every other object: a DNS-1035 label
   * (at most 63 characters; 52 for a StatefulDatabase).
   * @default - the construct id
   */
  readonly name?: string;
  /** Namespace of every object. @default - the chart's namespace */
  readonly namespace?: string;
  /** `app.kubernetes.io/instance` (part of the selector: never change it). @default - the name */
  readonly instance?: string;
  /** `app.kubernetes.io/part-of`: the application this tier belongs to. @default - no label */
  readonly partOf?: string;
  /** `app.kubernetes.io/version` (not part of the selector). @default - the image tag */
  readonly version?: string;
  /** `app.kubernetes.io/component`. @default - "web" for a web tier, "database" for a database */
  readonly component?: string;
  /**
   * Extra labels on every object and pod (never in the selector). The `app.kubernetes.io/*`
   * labels are the library's (set them with `name`, `instance`, `component`, `partOf`, `version`):
   * giving one here is reported. Merged key by key over the `labels` of `TierDefaults`.
   * @default - the `TierDefaults` labels, else none
   */
  readonly labels?: { [key: string]: string };
  /** Extra annotations on every object and pod (`kubectl.kubernetes.io/default-container` and `checksum/config` are the library's); merged key by key over the `TierDefaults` annotations. @default - the `TierDefaults` annotations, else none */
  readonly annotations?: { [key: string]: string };

  /** Seconds a new pod must be ready before it counts as available. @default - 5 for a web tier, 10 for a database */
  readonly minReadySeconds?: number;
  /** Old revisions (ReplicaSets, StatefulSet revisions) kept for rollback. @default 10 */
  readonly revisionHistoryLimit?: number;
  /** Seconds a pod gets to finish its work after SIGTERM. @default - 30 for a web tier, 120 for a database */
  readonly terminationGracePeriodSeconds?: number;

  /** How the Service is published. @default - ServiceType.NODE_PORT for a web tier, ServiceType.CLUSTER_IP for a database */
  readonly serviceType?: ServiceType;
  /** Port of the Service. @default - 80 for a web tier, the engine's port for a database */
  readonly servicePort?: number;
  /**
   * Fixed node port (30000-32767), only with `ServiceType.NODE_PORT`; unique in the app.
   * @default - the cluster picks a free one
   */
  readonly nodePort?: number;

  /** Environment variables of the main container. @default - none */
  readonly env?: { [name: string]: EnvValue };
  /** Paths the main container may write to besides `/tmp` (each an emptyDir; the root file system is read-only). @default - none */
  readonly writablePaths?: string[];
  /** Readiness probe. @default - per tier */
  readonly readiness?: Probe;
  /** Liveness probe (must differ from readiness). @default - per tier */
  readonly liveness?: Probe;
  /** Startup probe, for slow starters. @default - per tier */
  readonly startup?: Probe;
  /** Requests and limits of the main container. @default - the nearest `TierDefaults` resources, else per tier */
  readonly resources?: ResourceOptions;
  /** Pod identity (uid, gid, fsGroup). @default - the nearest `TierDefaults` security, else uid and gid 10001 */
  readonly security?: PodSecurityOptions;
  /** A ServiceAccount of yours (in the same chart). The token is never mounted. @default - the namespace's default ServiceAccount */
  readonly serviceAccountName?: string;

  /**
   * PriorityClass of the pods (one your cluster defines), so that the scheduler preempts less important pods first.
   * @default - the nearest `TierDefaults` value, else none: the cluster's default priority
   * @see https://kubernetes.io/docs/concepts/scheduling-eviction/pod-priority-preemption/
   */
  readonly priorityClassName?: string;
  /**
   * Node labels the pods' nodes must have (a node pool).
   * @default - the nearest `TierDefaults` value, else any node
   * @see https://kubernetes.io/docs/concepts/scheduling-eviction/assign-pod-node/#nodeselector
   */
  readonly nodeSelector?: { [key: string]: string };
  /**
   * Taints the pods tolerate (a dedicated node pool).
   * @default - the nearest `TierDefaults` value, else none
   * @see https://kubernetes.io/docs/concepts/scheduling-eviction/taint-and-toleration/
   */
  readonly tolerations?: TolerationOptions[];
  /**
   * Secrets (of type kubernetes.io/dockerconfigjson, in the same namespace) used to pull the images of every container.
   * @default - the nearest `TierDefaults` value, else none: the node's and the ServiceAccount's credentials
   * @see https://kubernetes.io/docs/concepts/containers/images/#specifying-imagepullsecrets-on-a-pod
   */
  readonly imagePullSecrets?: string[];
  /**
   * Secrets and ConfigMaps of yours mounted read-only in the main container (certificates, keys, settings).
   * @default - none
   * @see https://kubernetes.io/docs/concepts/storage/volumes/#secret
   */
  readonly readOnlyVolumes?: ReadOnlyVolumeOptions[];
  /**
   * Containers that run, one after the other, to completion before the tier's containers start;
   * hardened like every container.
   * @default - none
   * @see https://kubernetes.io/docs/concepts/workloads/pods/init-containers/
   */
  readonly initContainers?: InitContainerOptions[];
  /**
   * Registry every image of the pods is pulled from instead of its own (a mirror or a pull-through cache): the
   * registry part of each image (main container, sidecars, init containers, the engine's image) is replaced and
   * the repository path, tag and digest are kept. Docker Hub names are read as Docker reads them: `nginx:1.27`
   * is `docker.io/library/nginx:1.27` and becomes `<registry>/library/nginx:1.27`; `bitnami/redis:7.4`
   * becomes `<registry>/bitnami/redis:7.4`; `ghcr.io/org/app:1` becomes `<registry>/org/app:1`.
   * @default - the nearest `TierDefaults` value, else each image's own registry
   */
  readonly imageRegistry?: string;
  /**
   * Node affinity of the pods: nodes they must run on and nodes they prefer (by node labels).
   * @default - the nearest `TierDefaults` value, else none: any node (that `nodeSelector` admits)
   * @see https://kubernetes.io/docs/concepts/scheduling-eviction/assign-pod-node/#node-affinity
   */
  readonly nodeAffinity?: NodeAffinityOptions;
}
