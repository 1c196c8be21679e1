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

/** What one GitOpsApp synth writes or checks: its outdir and the folders in it. */
export interface SynthTarget {
  readonly outdir: string;
  /** The environment folders, and "argocd" when Applications are written. */
  readonly folders: readonly string[];
}

// on globalThis, so that an app file that loads another copy of the library is still seen by the CLI
const SYNTHS = Symbol.for('cdk8s-tiers.gitops-synths');
const registry = globalThis as unknown as { [SYNTHS]?: SynthTarget[] };

/** Records a GitOpsApp synth (so the CLI can say what was written, or tell an app file that never synthesized one). */
export function recordSynth(target: SynthTarget): void {
  (registry[SYNTHS] ??= []).push(target);
}

/** The GitOpsApp synths of this process so far, in order. */
export function synthsSoFar(): readonly SynthTarget[] {
  return registry[SYNTHS] ?? [];
}
