/**
 * Argo CD `Application`s that deploy each environment folder of the GitOps
 * tree. They are written into `<outdir>/argocd/` (with its own
 * kustomization.yaml), never into an environment folder, so an environment
 * never manages the Application that manages it; bootstrap them once with
 * `kubectl apply -k dist/argocd` (or from an app-of-apps).
 * @see https://argo-cd.readthedocs.io/en/stable/operator-manual/declarative-setup/#applications
 */

/** Argo CD settings of the whole GitOps tree. */
export interface ArgoCdOptions {
  /** URL of the Git repository that holds the rendered tree, e.g. "https://github.com/acme/shop-gitops.git". */
  readonly repoURL: string;
  /** Branch, tag or commit Argo CD follows. @default "HEAD" */
  readonly targetRevision?: string;
  /**
   * Path of the GitOps tree inside the repository; each Application points at `<path>/<environment>`.
   * @default - the outdir of the GitOpsApp (which must then be a relative path)
   */
  readonly path?: string;
  /** Namespace Argo CD runs in (where the Applications live). @default "argocd" */
  readonly namespace?: string;
  /** Argo CD project. @default "default" */
  readonly project?: string;
  /** API server of the destination cluster. @default "https://kubernetes.default.svc" (the cluster Argo CD runs in) */
  readonly destinationServer?: string;
  /**
   * Sync automatically, prune objects removed from Git and undo changes made in the cluster.
   * Volumes of StatefulSets are never pruned: their claims are not in Git.
   * @default true
   */
  readonly autoSync?: boolean;
}

/** Argo CD settings of one environment, over those of the tree. */
export interface ArgoCdEnvironmentOptions {
  /** Name of the Application. @default - the environment's namespace */
  readonly applicationName?: string;
  /** Branch, tag or commit for this environment. @default - ArgoCdOptions.targetRevision */
  readonly targetRevision?: string;
  /** API server of this environment's cluster. @default - ArgoCdOptions.destinationServer */
  readonly destinationServer?: string;
  /** Sync automatically. @default - ArgoCdOptions.autoSync */
  readonly autoSync?: boolean;
}
