/**
 * Identity the pod's processes run with. The rest of the hardening (non-root,
 * no privilege escalation, no capabilities, RuntimeDefault seccomp, read-only
 * root file system, no service account token) is not optional.
 * @see https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted
 */
export interface PodSecurityOptions {
  /** User id of every container. Must be >= 10000 so that it never maps to a host user. @default 10001 */
  readonly runAsUser?: number;
  /** Group id of every container. Must be >= 10000. @default 10001 */
  readonly runAsGroup?: number;
  /** Group that owns mounted volumes. @default - not set for web tiers; the runAsGroup for databases */
  readonly fsGroup?: number;
}
