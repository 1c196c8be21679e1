/**
 * Persistent volume claims stamped per replica from a StatefulSet's
 * `volumeClaimTemplates`, and what happens to them when the StatefulSet
 * shrinks or goes away.
 * @see https://kubernetes.io/docs/concepts/workloads/controllers/statefulset/#volume-claim-templates
 */

/**
 * How a volume may be mounted by nodes.
 * @see https://kubernetes.io/docs/concepts/storage/persistent-volumes/#access-modes
 */
export enum VolumeAccessMode {
  /** Read-write by the pods of one node. */
  READ_WRITE_ONCE = 'ReadWriteOnce',
  /** Read-write by one pod only. */
  READ_WRITE_ONCE_POD = 'ReadWriteOncePod',
  /** Read-only by many nodes. */
  READ_ONLY_MANY = 'ReadOnlyMany',
  /** Read-write by many nodes. */
  READ_WRITE_MANY = 'ReadWriteMany',
}

/**
 * What happens to a replica's claims (and so its data).
 * @see https://kubernetes.io/docs/concepts/workloads/controllers/statefulset/#persistentvolumeclaim-retention
 */
export enum ClaimRetention {
  /** The claims and their volumes stay; a replica that comes back gets its data back. */
  RETAIN = 'Retain',
  /** The claims are deleted, and with the usual `Delete` reclaim policy their data too. */
  DELETE = 'Delete',
}

/**
 * The `persistentVolumeClaimRetentionPolicy` of a StatefulSet. Nothing is
 * deleted unless you name `ClaimRetention.DELETE` here.
 */
export interface ClaimRetentionPolicy {
  /** When the StatefulSet is deleted. @default ClaimRetention.RETAIN */
  readonly whenDeleted?: ClaimRetention;
  /** When a replica is removed by scaling down. @default ClaimRetention.RETAIN */
  readonly whenScaled?: ClaimRetention;
}

/** One more claim per replica, besides the data claim, mounted into the database container. */
export interface VolumeClaimOptions {
  /** Name of the claim template (a DNS-1123 label); replica i gets the claim `<name>-<statefulset>-<i>`. */
  readonly name: string;
  /** Where the volume appears in the container. */
  readonly mountPath: string;
  /** Requested size, a Kubernetes quantity of at least 1Mi. @default "1Gi" */
  readonly storage?: string;
  /** StorageClass of the claim; `""` binds only to volumes without a class. @default - the cluster's default StorageClass */
  readonly storageClassName?: string;
  /** How the volume may be mounted. @default [VolumeAccessMode.READ_WRITE_ONCE] */
  readonly accessModes?: VolumeAccessMode[];
}

/** A Secret or a ConfigMap of yours, mounted read-only in the main container. Give exactly one of `secretName` and `configMapName`. */
export interface ReadOnlyVolumeOptions {
  /** Name of the volume in the pod (a DNS-1123 label). */
  readonly name: string;
  /** Where it appears in the container. */
  readonly mountPath: string;
  /** The Secret (in the tier's namespace) whose keys become files. @default - none: give configMapName */
  readonly secretName?: string;
  /** The ConfigMap (in the tier's namespace) whose keys become files. @default - none: give secretName */
  readonly configMapName?: string;
}
