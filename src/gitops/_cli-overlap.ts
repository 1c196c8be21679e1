/**
 * The cdk8s CLI deletes its output folder (`output:` in cdk8s.yaml, "dist"
 * when the line is missing) before it runs the app. When that folder is the
 * GitOps tree, holds it or lies inside it, every run under the CLI loses the
 * tree before the app can keep it: such a run fails at once, successful or
 * not, naming the cdk8s.yaml line to change.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { resolveTarget } from './_writer';
import { shown } from './_tree';

const CONFIG = 'cdk8s.yaml';
const SCRATCH = 'cdk8s.out';

/** How `cliOutdir` overlaps `outdir`, or undefined when they are apart. */
function overlap(cliOutdir: string, outdir: string): string | undefined {
  const cli = resolveTarget(cliOutdir);
  const trees = [...new Set([path.resolve(outdir), resolveTarget(outdir)])];
  if (trees.includes(cli)) return 'is the GitOps tree';
  if (trees.some((t) => t.startsWith(cli + path.sep))) return 'holds the GitOps tree';
  if (trees.some((t) => cli.startsWith(t + path.sep))) return 'lies inside the GitOps tree';
  return undefined;
}

/** The cdk8s.yaml line to change (in the working folder, where the CLI runs the app). */
function configFix(): string {
  let text: string;
  try {
    text = fs.readFileSync(CONFIG, 'utf8');
  } catch {
    return `set "output: ${SCRATCH}" in the project's ${CONFIG} (and git-ignore ${SCRATCH}/)`;
  }
  const lines = text.split('\n');
  const at = lines.findIndex((l) => /^output\s*:/.test(l));
  if (at < 0)
    return `${CONFIG} has no "output:" line, so the CLI uses "dist": add the line "output: ${SCRATCH}" (and git-ignore ${SCRATCH}/), and do not pass --output`;
  return `in ${CONFIG}, change line ${at + 1} "${lines[at].trim()}" to "output: ${SCRATCH}" (and git-ignore ${SCRATCH}/), and do not pass --output`;
}

/**
 * The problem when the copy folder for the cdk8s CLI overlaps the GitOps
 * tree, or undefined. `fromCli`: the folder is the CLI's (CDK8S_OUTDIR).
 */
export function cliOverlapProblem(cliOutdir: string | undefined, outdir: string, fromCli: boolean): string | undefined {
  if (!cliOutdir) return undefined;
  const how = overlap(cliOutdir, outdir);
  if (!how) return undefined;
  const tree = `${shown(path.resolve(outdir))}/`;
  if (!fromCli) {
    return `cliOutdir: got ${JSON.stringify(cliOutdir)}; ${how} "${tree}", and the copy for the cdk8s CLI must stay out of it. Fix: set cliOutdir to a folder of its own, like "${SCRATCH}"`;
  }
  const lost = fs.existsSync(outdir)
    ? ''
    : ` (this run's already did: after the fix, synth again or restore it with git checkout -- ${shown(path.resolve(outdir))})`;
  return (
    `the cdk8s CLI output folder "${shown(path.resolve(cliOutdir))}" ${how} "${tree}": the CLI deletes that folder before it runs the app, ` +
    `so every synth under the CLI would lose the tree${lost}; nothing was written. Fix: ${configFix()}`
  );
}
