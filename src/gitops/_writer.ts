/**
 * All-or-nothing replacement of a tree the writer owns (see _ownership.ts).
 *
 * Under a lock (one synth per tree, see _lock.ts) the new tree is written into
 * a staging folder next to the target (same file system), then the target is
 * renamed to a backup and the staging folder renamed into its place; the
 * backup is deleted only after that succeeded, and put back if it failed.
 * A target that is a symbolic link is followed: the folder it points at is
 * replaced and the link stays.
 *
 * Every scratch entry is named `.<tree>.cdk8s-tiers-<kind>-<pid>-<hex>` next
 * to the tree (the lock is `.<tree>.cdk8s-tiers-lock`); each synth removes
 * those of runs that no longer run, and first puts back a previous tree that
 * a killed run had moved aside but not yet replaced.
 *
 * Every file-system failure is one TiersError line: what failed, on which
 * path, and the state of the tree. Before the swap the previous tree is
 * intact; after the swap the new tree is complete and what could not be
 * cleaned up is returned as a warning, never thrown.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TiersError } from '../_errors';
import { acquireLock, isRunning } from './_lock';
import { MARKER, markerContent, ownership } from './_ownership';
import { shown } from './_tree';

export { listFiles } from './_tree';

/** What a write did. */
export interface WriteResult {
  /** The folder that was replaced (the target of `outdir` when it is a link). */
  readonly target: string;
  /** Clean-up that failed after the new tree was in place, one line each. */
  readonly warnings: string[];
}

const TAG = 'cdk8s-tiers';

/** Refuses targets whose replacement would destroy more than generated output. */
export function unsafeTarget(target: string): string | undefined {
  const abs = path.resolve(target);
  const cwd = process.cwd();
  if (abs === path.parse(abs).root) return 'is the root of the file system';
  if (abs === cwd || cwd.startsWith(abs + path.sep)) return 'is the working folder or one of its parents';
  if (fs.existsSync(path.join(abs, '.git'))) return 'holds a .git folder';
  return undefined;
}

/** `outdir` with every symbolic link along the last step followed (the target may not exist yet). */
export function resolveTarget(outdir: string): string {
  let p = path.resolve(outdir);
  for (let hops = 0; hops < 40; hops++) {
    let st: fs.Stats;
    try {
      st = fs.lstatSync(p);
    } catch {
      return p;
    }
    if (!st.isSymbolicLink()) return p;
    p = path.resolve(path.dirname(p), fs.readlinkSync(p));
  }
  throw new TiersError([`could not follow ${shown(path.resolve(outdir))}: ELOOP (too many symbolic links); nothing was written`]);
}

/**
 * Why `outdir` may not be replaced, one problem per line (empty: it may). Run
 * before rendering, so a refused target fails fast; the writer checks again
 * under its lock.
 */
export function targetProblems(outdir: string): string[] {
  const unsafe = unsafeProblems(outdir);
  return unsafe.length > 0 ? unsafe : guarded('read', path.resolve(outdir), () => ownership(resolveTarget(outdir)).refusals);
}

/** The unsafe-target problem of `outdir` and of the folder it links to, if any. */
function unsafeProblems(outdir: string): string[] {
  return guarded('read', path.resolve(outdir), () => {
    const unsafe = [...new Set([path.resolve(outdir), resolveTarget(outdir)])].map(unsafeTarget).find((u) => u !== undefined);
    return unsafe
      ? [`outdir: got ${JSON.stringify(outdir)}; ${unsafe}; the GitOps tree replaces its folder as a whole. Fix: use a folder of its own, like "dist"`]
      : [];
  });
}

/** Runs `fn` (before anything was written): a file-system error becomes one line with the unchanged state of `target`. */
function guarded<T>(what: string, target: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof TiersError) throw e;
    throw fsFailure(what, target, e, `${unchanged(target)}, nothing was written`);
  }
}

/**
 * Writes `files` (relative paths with "/" and their content, read one at a
 * time, so a generator can make each when it is written; a content that is
 * not a string is the chunks of the file, written one after the other) and
 * the marker as the new content of `outdir`, in one step.
 */
export function replaceFolder(outdir: string, files: Iterable<readonly [string, string | Iterable<string>]>): WriteResult {
  const problems = unsafeProblems(outdir); // ownership is checked under the lock
  if (problems.length > 0) throw new TiersError(problems);
  const resolved = resolveTarget(outdir);
  const base = path.basename(resolved);
  let parent = path.dirname(resolved);
  try {
    fs.mkdirSync(parent, { recursive: true });
    parent = fs.realpathSync(parent);
  } catch (e) {
    throw fsFailure('create the folder', parent, e, 'nothing was written');
  }
  const target = path.join(parent, base);
  const at = `${shown(target)}/`;
  const scratch = (kind: string) => path.join(parent, `.${base}.${TAG}-${kind}-${process.pid}-${randomBytes(6).toString('hex')}`);
  const lockFile = path.join(parent, `.${base}.${TAG}-lock`);

  let lock;
  try {
    lock = acquireLock(lockFile, at, scratch);
  } catch (e) {
    throw fsFailure('create the lock', lockFile, e, `${unchanged(target)}, nothing was written`);
  }
  if (lock.held !== undefined || lock.release === undefined) throw new TiersError([lock.held ?? `${at}: could not take the lock`]);
  const warnings: string[] = [];
  try {
    warnings.push(...guarded('clean up next to', target, () => cleanUp(parent, base, target)));
    const refusals = guarded('read', target, () => ownership(target).refusals);
    if (refusals.length > 0) throw new TiersError(refusals);
    swap(target, stage(scratch('staging'), files, target), scratch('backup'), warnings);
  } finally {
    const warning = lock.release();
    if (warning) warnings.push(warning);
  }
  return { target, warnings };
}

/** Writes the staging folder; on failure removes it and throws with the (unchanged) state of `target`. */
function stage(staging: string, files: Iterable<readonly [string, string | Iterable<string>]>, target: string): string {
  let current = staging;
  try {
    fs.mkdirSync(staging, { mode: 0o777 }); // the umask decides, as for every folder below
    const made = new Set<string>([staging]);
    const write = (rel: string, content: string | Iterable<string>) => {
      current = path.join(staging, ...rel.split('/'));
      const dir = path.dirname(current);
      if (!made.has(dir)) {
        fs.mkdirSync(dir, { recursive: true });
        made.add(dir);
      }
      if (typeof content === 'string') fs.writeFileSync(current, content);
      else writeChunks(current, content);
    };
    const written: string[] = [];
    for (const [rel, content] of files) {
      write(rel, content);
      written.push(rel);
    }
    write(MARKER, markerContent(written)); // last: a staging folder with a marker is complete
    return staging;
  } catch (e) {
    const left = remove(staging);
    throw fsFailure('write', current, e, `${unchanged(target)}; ${left ? `could not delete ${left}` : 'nothing was left behind'}`);
  }
}

/** Writes a file chunk by chunk (as writeFileSync writes one text: created with mode 0o666 less the umask, truncated). */
function writeChunks(file: string, chunks: Iterable<string>): void {
  const fd = fs.openSync(file, 'w');
  try {
    for (const chunk of chunks) {
      const bytes = Buffer.from(chunk, 'utf8');
      for (let at = 0; at < bytes.length;) at += fs.writeSync(fd, bytes, at, bytes.length - at);
    }
  } finally {
    fs.closeSync(fd);
  }
}

/** Moves the previous tree aside and the staging folder into its place; rolls back on failure. */
function swap(target: string, staging: string, backupName: string, warnings: string[]): void {
  const backup = fs.existsSync(target) ? backupName : undefined;
  if (backup) {
    try {
      fs.renameSync(target, backup);
    } catch (e) {
      const left = remove(staging);
      throw fsFailure('move the previous tree aside:', target, e, `${unchanged(target)}; ${left ? `could not delete ${left}` : 'nothing was left behind'}`);
    }
  }
  try {
    fs.renameSync(staging, target);
  } catch (e) {
    let state = `${shown(target)}/ was not created`;
    if (backup) {
      try {
        fs.renameSync(backup, target);
        state = `${shown(target)}/ is unchanged (the previous tree was put back)`;
      } catch (back) {
        state = `${shown(target)}/ is missing, and putting the previous tree back failed too (${(back as Error).message}): it is complete in ${shown(backup)}; rename it to ${shown(target)}`;
      }
    }
    const left = remove(staging);
    throw fsFailure('move the new tree into place:', target, e, `${state}; ${left ? `could not delete ${left}` : 'nothing was left behind'}`);
  }
  if (backup) {
    const left = removeBackup(backup);
    if (left) warnings.push(`the new tree is in place in ${shown(target)}/, but the previous one could not be deleted: ${left}; the next synth tries again`);
  }
}

/**
 * Scratch entries of runs that no longer run: puts back the newest complete
 * backup when the tree is missing (a run killed between its two renames),
 * then deletes the others. Returns a warning per entry it could not delete.
 */
function cleanUp(parent: string, base: string, target: string): string[] {
  const own = new RegExp(`^\\.${escape(base)}\\.${TAG}-(staging|backup|lock|stale)-(\\d+)-[0-9a-f]+$`);
  const legacy = new RegExp(`^\\.${escape(base)}\\.(staging|backup)-[0-9A-Za-z]+$`);
  const found: Array<{ file: string; kind: string; pid?: number }> = [];
  for (const name of fs.readdirSync(parent)) {
    const m = own.exec(name) ?? legacy.exec(name);
    if (!m) continue;
    const pid = m[2] === undefined ? undefined : Number(m[2]);
    // staging and backup folders: this run holds the lock, so their runs are over; lock candidates: only of dead runs
    if ((m[1] === 'lock' || m[1] === 'stale') && (pid === undefined || isRunning(pid))) continue;
    found.push({ file: path.join(parent, name), kind: m[1], pid });
  }
  if (!fs.existsSync(target)) {
    const complete = found.filter((f) => f.kind === 'backup' && (f.pid === undefined || fs.existsSync(path.join(f.file, MARKER))));
    const newest = complete.sort((a, b) => fs.statSync(b.file).ctimeMs - fs.statSync(a.file).ctimeMs)[0];
    if (newest) {
      fs.renameSync(newest.file, target);
      found.splice(found.indexOf(newest), 1);
    }
  }
  const warnings: string[] = [];
  for (const f of found) {
    const left = f.kind === 'backup' ? removeBackup(f.file) : remove(f.file);
    if (left) warnings.push(`could not delete the leftover ${left}; the next synth tries again`);
  }
  return warnings;
}

/** Deletes a backup, its marker first (so a backup with a marker is always complete); returns what is left, if anything. */
function removeBackup(dir: string): string | undefined {
  try {
    removeTree(path.join(dir, MARKER));
  } catch {
    // the marker stays: remove() below reports what is left
  }
  return remove(dir);
}

/** Deletes `p` (recursively); returns "<path> (<code>), left in <p>" for the first entry that could not be deleted. */
function remove(p: string): string | undefined {
  try {
    removeTree(p);
    return undefined;
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    return `${shown(err.path ?? p)} (${err.code ?? err.message}), left in ${shown(p)}`;
  }
}

/** fs.rmSync without its retries as a folder, so the error names the entry and its real code (EPERM, not ENOTDIR, for an immutable file). */
function removeTree(p: string): void {
  let st: fs.Stats;
  try {
    st = fs.lstatSync(p);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw e;
  }
  if (!st.isDirectory()) {
    fs.unlinkSync(p);
    return;
  }
  for (const name of fs.readdirSync(p)) removeTree(path.join(p, name));
  fs.rmdirSync(p);
}

function unchanged(target: string): string {
  return fs.existsSync(target) ? `${shown(target)}/ is unchanged` : `${shown(target)}/ was not created`;
}

/** One line: what failed, on which path, why, and the state of the tree. */
function fsFailure(what: string, p: string, e: unknown, state: string): TiersError {
  const err = e as NodeJS.ErrnoException;
  const code = err?.code ?? /^([A-Z][A-Z0-9_]+):/.exec(err?.message ?? '')?.[1] ?? err?.name ?? 'Error';
  const reason = (/^[A-Z0-9_]+: ([^,]+)/.exec(err?.message ?? '')?.[1] ?? err?.message ?? String(e)).trim();
  return new TiersError([`could not ${what} ${shown(err?.path ?? p)}: ${code} (${reason}); ${state}`]);
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
