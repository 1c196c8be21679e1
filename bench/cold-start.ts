/**
 * Cold start of `npx cdk8s synth` on the example app (the repository's
 * cdk8s.yaml) against the same command with an app that does nothing
 * (`--app 'node -e 0'`; see EMPTY_APP), alternating, in a scratch copy of the repository
 * (sources, their build in lib/, schema and configuration copied, node_modules linked), so that
 * the repository's dist/ is never touched. The example runs compiled, as after `npm ci`: a
 * lib/ that is not built from the current sources stops the run (run `npm run build`).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { median } from './stats';

export interface ColdStartResult {
  /** Wall times of `npx cdk8s synth` on the example, ms. */
  readonly app: number[];
  /** Wall times of `npx cdk8s synth --app 'node -e 0'`, ms. */
  readonly empty: number[];
  readonly appMs: number;
  readonly emptyMs: number;
}

/**
 * The app that does nothing. `node -e 0` itself fails with this CLI, which
 * insists that the app create its output folder; creating it costs nothing measurable.
 */
export const EMPTY_APP = 'node -e "require(\'fs\').mkdirSync(process.env.CDK8S_OUTDIR,{recursive:true})"';

const COPIED = ['cdk8s.yaml', 'package.json', 'tsconfig.json', 'src', 'lib', 'scripts', 'schema', 'workers', 'plugins'];

/** What scripts/example-app.cjs says when it runs the sources through ts-node instead of lib/. */
const NOT_BUILT = 'lib/ is not built from the current sources';

/** Makes the scratch copy of the repository under `work`; returns its path. */
function scratchCopy(root: string, work: string): string {
  const copy = path.join(work, 'cold-start-repo');
  fs.mkdirSync(copy, { recursive: true });
  for (const entry of COPIED) {
    if (fs.existsSync(path.join(root, entry))) fs.cpSync(path.join(root, entry), path.join(copy, entry), { recursive: true });
  }
  fs.symlinkSync(path.join(root, 'node_modules'), path.join(copy, 'node_modules'), 'dir');
  return copy;
}

function timeSynth(cwd: string, outdir: string, extra: string[]): number {
  fs.rmSync(outdir, { recursive: true, force: true });
  const t0 = performance.now();
  const r = spawnSync('npx', ['cdk8s', 'synth', ...extra, '-o', outdir], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, CDK8S_CHECK_UPGRADE: 'false' },
  });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`npx cdk8s synth ${extra.join(' ')} failed (${r.status ?? r.signal}):\n${r.stderr}${r.stdout}`);
  if (r.stderr.includes(NOT_BUILT)) throw new Error(`the example ran through ts-node, not compiled: ${NOT_BUILT}. Run npm run build first`);
  return ms;
}

/** Runs `repeats` alternating pairs (example, empty) and returns the times and their medians. */
export function coldStart(root: string, work: string, repeats: number): ColdStartResult {
  const cwd = scratchCopy(root, work);
  const outdir = path.join(work, 'cold-start-out');
  const app: number[] = [];
  const empty: number[] = [];
  for (let i = 0; i < repeats; i++) {
    app.push(timeSynth(cwd, outdir, []));
    empty.push(timeSynth(cwd, outdir, ['--app', EMPTY_APP]));
    process.stderr.write(`cold start ${i + 1}/${repeats}: cdk8s synth ${app[i].toFixed(0)} ms, empty app ${empty[i].toFixed(0)} ms\n`);
  }
  return { app, empty, appMs: median(app), emptyMs: median(empty) };
}
