/**
 * How a tier's Service is published.
 * @see https://kubernetes.io/docs/concepts/services-networking/service/#publishing-services-service-types
 */
export enum ServiceType {
  /** On a port of every node (30000-32767), for clients outside the cluster. */
  NODE_PORT = 'NodePort',
  /** On a cluster-internal virtual IP only, for internal tiers. */
  CLUSTER_IP = 'ClusterIP',
}
