#!/usr/bin/env node
/**
 * The `cdk8s-tiers` command (the package's bin, and `npm run synth` / `npm run drift`
 * of this project): runs an app file that builds a GitOpsApp and calls synth(), then
 * says what it wrote. Every problem is printed once, without a stack trace.
 *
 *   cdk8s-tiers synth [app]     write the GitOps tree, all or nothing
 *   cdk8s-tiers drift [app]     compare the tree on disk with what the app renders (CI)
 *
 * Exit codes: 0 done, 1 problems (bad props, failed checks, drift, an error in the
 * app file), 2 usage errors (bad arguments, no app file, no way to load it).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { TiersError } from '../_errors';
import { GitOpsApp } from './app';
import { SynthTarget, synthsSoFar } from './_root';
import { listFiles } from './_writer';

/** Looked for, in this order, when no app file is given. */
const DEFAULT_APPS = ['main.ts', 'src/main.ts', 'main.js'];

const USAGE = 'usage: cdk8s-tiers synth|drift [app] [--stack]   (cdk8s-tiers --help for more)';

const HELP = `usage: cdk8s-tiers <command> [app] [options]

Runs an app file that builds a GitOpsApp and calls app.synth().

commands:
  synth [app]   write the GitOps tree (every environment folder), all or nothing
  drift [app]   compare the tree on disk with what the app renders, byte for byte;
                writes nothing (for CI)

app:
  a CommonJS app file: .js or .cjs, or .ts or .cts when ts-node is installed in
  your project (it compiles with your tsconfig.json). Relative paths, and the app's
  outdir, are taken from the current folder.
  Default: the first of ${DEFAULT_APPS.join(', ')} that exists.

options:
  -h, --help    show this help
  --stack       also print the stack trace of an unexpected error (a bug in the
                app file or in a library), not only its message

exit codes:
  0  done: the summary line says what was written or checked
  1  problems: each printed once; nothing was written
  2  usage error: bad arguments, or the app file cannot be found or loaded`;

type Command = 'synth' | 'drift';

/** Runs the command line `args` (without node and the script); returns the exit code. */
export function main(args: string[]): number {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(args);
  } catch (e) {
    return usageError((e as Error).message);
  }
  if (parsed.values.help) {
    console.log(HELP);
    return 0;
  }
  const [command, app, ...extra] = parsed.positionals;
  if (command === undefined) return usageError('no command given');
  if (command !== 'synth' && command !== 'drift') return usageError(`unknown command "${command}"; the commands are synth and drift`);
  if (extra.length > 0) return usageError(`one app file at most; also got ${extra.map((a) => JSON.stringify(a)).join(', ')}`);

  const appFile = app !== undefined ? path.resolve(app) : DEFAULT_APPS.map((f) => path.resolve(f)).find((f) => fs.existsSync(f));
  if (appFile === undefined) return usageError(`no app file given, and none of ${DEFAULT_APPS.join(', ')} exists in ${process.cwd()}`);
  if (!fs.statSync(appFile, { throwIfNoEntry: false })?.isFile()) return usageError(`app file not found: ${app ?? display(appFile)}`);
  const cannotLoad = prepareLoader(appFile);
  if (cannotLoad) return usageError(cannotLoad);
  return run(command, appFile, parsed.values.stack === true);
}

function parse(args: string[]) {
  return parseArgs({
    args,
    allowPositionals: true,
    strict: true,
    options: { help: { type: 'boolean', short: 'h' }, stack: { type: 'boolean' } },
  });
}

function usageError(message: string): number {
  console.error(`cdk8s-tiers: ${message}\n${USAGE}`);
  return 2;
}

/** Makes `appFile` loadable by require(); returns why it cannot be, if it cannot. */
function prepareLoader(appFile: string): string | undefined {
  const ext = path.extname(appFile);
  if (ext === '.js' || ext === '.cjs') return undefined;
  if (ext === '.mjs' || ext === '.mts')
    return `${display(appFile)} is an ES module; the app file must be CommonJS (.js, .cjs, .ts or .cts compiled to CommonJS)`;
  if (ext !== '.ts' && ext !== '.cts') return `${display(appFile)}: the app file must end in .js, .cjs, .ts or .cts`;
  if (require.extensions['.ts']) return undefined; // already running under ts-node (or another TypeScript loader)
  let tsNode: string;
  try {
    tsNode = require.resolve('ts-node', { paths: [path.dirname(appFile), process.cwd()] });
  } catch {
    return `${display(appFile)} is TypeScript, and ts-node is not installed in this project. Fix: npm install --save-dev ts-node typescript, or pass the compiled .js file`;
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  (require(tsNode) as { register(): unknown }).register();
  return undefined;
}

function run(command: Command, appFile: string, showStack: boolean): number {
  process.env[GitOpsApp.MODE_VARIABLE] = command === 'drift' ? 'check' : 'write';
  const before = synthsSoFar().length;
  try {
    // the app file runs (and synthesizes) when loaded, as `cdk8s synth` runs it
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require(appFile);
  } catch (e) {
    reportError(e, appFile, showStack);
    return 1;
  }
  const done = synthsSoFar().slice(before);
  if (done.length === 0) {
    console.error(
      `cdk8s-tiers: ${display(appFile)} did not call synth() on a GitOpsApp, so nothing was ${command === 'drift' ? 'checked' : 'written'}. ` +
        'Fix: build the app with new GitOpsApp() and end the file with app.synth()',
    );
    return 1;
  }
  for (const target of done) console.log(summary(command, target));
  return 0;
}

/**
 * The library's own errors are printed as they are (every problem, once); a file that
 * does not compile by its compiler's message (which names file and line); anything else
 * by its message, the stack only when asked for.
 */
function reportError(e: unknown, appFile: string, showStack: boolean): void {
  // by name too: the app file may have loaded another copy of the library
  if (e instanceof TiersError || (e as { name?: unknown } | null)?.name === 'TiersError') {
    console.error((e as { message: string }).message);
    return;
  }
  const error = e instanceof Error ? e : undefined;
  if (error?.name === 'TSError' && !showStack) {
    console.error(`cdk8s-tiers: ${display(appFile)} does not compile:\n${error.message.replace(/^\S* ?Unable to compile TypeScript:\n/, '').trimEnd()}`);
    return;
  }
  console.error(`cdk8s-tiers: ${display(appFile)} failed: ${error ? `${error.name}: ${error.message}` : String(e)}`);
  if (showStack && error?.stack) {
    console.error(error.stack);
    return;
  }
  // a SyntaxError's stack starts with the place ("file.js:2", the line, a caret) before its name
  const place = error?.stack?.split(`\n${error.name}: `)[0];
  if (error?.name === 'SyntaxError' && place && !place.startsWith(error.name)) console.error(place.trimEnd());
  console.error('(an unexpected error, not a problem cdk8s-tiers found; run again with --stack to see where it happened)');
}

/** "wrote 40 files to dist/: dev 13, prod 13, staging 14" (naming the folder a linked outdir points at) */
function summary(command: Command, target: SynthTarget): string {
  const counts = target.folders.map((f) => ({ folder: f, files: listFiles(path.join(target.outdir, f)).length }));
  const total = counts.reduce((n, c) => n + c.files, 0);
  const list = counts.map((c) => `${c.folder} ${c.files}`).join(', ');
  const real = fs.existsSync(target.outdir) ? fs.realpathSync(target.outdir) : path.resolve(target.outdir);
  const dir = `${display(target.outdir)}/${real === path.resolve(target.outdir) ? '' : ` (the link's target ${real})`}`;
  return command === 'drift' ? `${dir} is up to date: ${total} files (${list})` : `wrote ${total} files to ${dir}: ${list}`;
}

/** A path relative to the current folder when it is inside it, else absolute. */
function display(p: string): string {
  const rel = path.relative(process.cwd(), path.resolve(p));
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel.split(path.sep).join('/') : path.resolve(p);
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
