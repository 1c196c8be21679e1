/**
 * A HorizontalPodAutoscaler on CPU utilisation. With it, the workload leaves
 * `replicas` to the autoscaler (so a GitOps sync does not fight it).
 * @see https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/
 */
export interface AutoscalingOptions {
  /** Fewest replicas. @default 2 */
  readonly minReplicas?: number;
  /** Most replicas. */
  readonly maxReplicas: number;
  /** Average CPU utilisation (percent of the CPU request) to keep. @default 70 */
  readonly cpuUtilizationPercent?: number;
}
