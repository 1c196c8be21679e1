/**
 * Runs a GitOps app file: writes its tree, or with `--check` only compares
 * it with what is on disk (for CI). Prints every problem and exits 1 on any.
 *
 *   ts-node --swc src/gitops/cli.ts [--check] [APP_FILE]     (APP_FILE: src/main.ts)
 */
import * as path from 'node:path';
import { TiersError } from '../_errors';
import { GitOpsApp } from './app';
import { synthCount } from './_root';

const USAGE = 'usage: cli.ts [--check] [APP_FILE]   (APP_FILE defaults to src/main.ts)';

/** Runs the CLI; returns the exit code. */
export function main(args: string[]): number {
  const check = args.includes('--check');
  const rest = args.filter((a) => a !== '--check');
  if (rest.some((a) => a.startsWith('-')) || rest.length > 1) {
    console.error(USAGE);
    return 2;
  }
  const appFile = path.resolve(rest[0] ?? 'src/main.ts');
  process.env[GitOpsApp.MODE_VARIABLE] = check ? 'check' : 'write';
  try {
    // the app file runs (and synthesizes) when loaded, like `cdk8s synth` runs it
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require(appFile);
    if (synthCount() === 0) {
      console.error(`${path.relative(process.cwd(), appFile)} did not call synth() on a GitOpsApp, so nothing was ${check ? 'checked' : 'written'}`);
      return 1;
    }
    return 0;
  } catch (e) {
    if (e instanceof TiersError || (e as Error)?.name === 'TiersError') {
      console.error((e as Error).message);
      if (check) console.error('The GitOps tree is not what the sources render.');
    } else {
      console.error(e);
    }
    return 1;
  }
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
