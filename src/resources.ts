/**
 * Compute and storage a container asks for (requests) and may use at most
 * (limits), as Kubernetes quantities ("250m", "128Mi", "1Gi").
 *
 * A CPU limit is not set unless asked for: it throttles a container that has
 * idle CPU next to it, while the request already guarantees its share.
 * @see https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/
 */
export interface ResourceOptions {
  /** CPU reserved for the container. @default - "100m" for web containers, "50m" for sidecars, "250m" for databases */
  readonly cpuRequest?: string;
  /** Hard CPU cap. @default - none */
  readonly cpuLimit?: string;
  /** Memory reserved for the container. @default - "128Mi" web, "64Mi" sidecar, "512Mi" database */
  readonly memoryRequest?: string;
  /** Memory above which the container is killed. @default - "256Mi" web, "128Mi" sidecar, "1Gi" database */
  readonly memoryLimit?: string;
  /** Local disk (logs, emptyDir volumes) reserved. @default - "64Mi" web, "32Mi" sidecar, "128Mi" database */
  readonly ephemeralStorageRequest?: string;
  /** Local disk above which the pod is evicted. @default - "256Mi" web, "128Mi" sidecar, "1Gi" database */
  readonly ephemeralStorageLimit?: string;
}
