/**
 * What an Environment needs from the GitOpsApp above it, without importing it
 * (the app imports the environment): found on the root of the construct tree.
 */
import { Chart } from 'cdk8s';
import { IConstruct } from 'constructs';
import { ArgoCdOptions } from './argo-cd';

/** Folder of the Argo CD Applications, next to the environment folders. */
export const ARGOCD_FOLDER = 'argocd';

export interface GitOpsRoot {
  /** Argo CD settings, when Applications are wanted. */
  readonly argoCd?: ArgoCdOptions;
  /** The chart that holds the Applications (namespace: Argo CD's). */
  readonly argoCdChart?: Chart;
  /** Path of the tree inside the repository, as Applications name it. */
  readonly argoCdPath?: string;
}

const ROOT = Symbol.for('cdk8s-tiers.gitops-root');

/** Marks `app` as the root of a GitOps tree. */
export function registerRoot(app: IConstruct, root: GitOpsRoot): void {
  Object.defineProperty(app, ROOT, { value: root, enumerable: false });
}

/** The GitOps settings of the tree `c` is in, if it is in a GitOpsApp. */
export function rootOf(c: IConstruct): GitOpsRoot | undefined {
  return (c.node.root as unknown as { [ROOT]?: GitOpsRoot })[ROOT];
}

const SYNTHS = Symbol.for('cdk8s-tiers.gitops-synths');
const counter = globalThis as unknown as { [SYNTHS]?: number };

/** Counts a GitOpsApp synth (so the CLI can tell an app file that never synthesized one). */
export function countSynth(): void {
  counter[SYNTHS] = (counter[SYNTHS] ?? 0) + 1;
}

/** GitOpsApp synths so far in this process. */
export function synthCount(): number {
  return counter[SYNTHS] ?? 0;
}
