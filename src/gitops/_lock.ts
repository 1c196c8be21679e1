/**
 * One synth at a time per tree: a lock file next to the tree, created
 * exclusively (link(2) of a complete file, so it is never seen half
 * written), holding the pid, host and start of its synth. A lock whose
 * process is gone (killed) is taken over; a live one fails the second synth
 * at once, with one line. The writer is synchronous (cdk8s synth is), so a
 * lock kept fresh by timers could not be refreshed during a long write, and
 * a killed synth's lock would block the next one until it aged out: the pid
 * says at once whether its synth still runs.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import { shown } from './_tree';

interface Holder {
  readonly pid: number;
  readonly host: string;
  readonly started: string;
  readonly token: string;
}

/**
 * Whether another process with this pid runs on this host (this process's own
 * earlier synths are over: the writer is synchronous).
 */
export function isRunning(pid: number): boolean {
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readHolder(file: string): Holder | undefined {
  try {
    const h = JSON.parse(fs.readFileSync(file, 'utf8')) as Holder;
    return typeof h.pid === 'number' && typeof h.token === 'string' ? h : { pid: 0, host: '', started: '', token: '' };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    // unreadable or not ours: a lock nobody can release
    return { pid: 0, host: '', started: '', token: '' };
  }
}

/** The lock taken (`release` returns a warning when the lock could not be removed), or why not (`held`, one line). */
export interface LockResult {
  readonly release?: () => string | undefined;
  readonly held?: string;
}

/**
 * Takes the lock `file` for `tree` (a path for messages); `scratch(kind)`
 * names a temporary file next to it. Throws the file-system error when the
 * lock cannot be made.
 */
export function acquireLock(file: string, tree: string, scratch: (kind: string) => string): LockResult {
  const me: Holder = { pid: process.pid, host: os.hostname(), started: new Date().toISOString(), token: randomBytes(8).toString('hex') };
  const candidate = scratch('lock');
  fs.writeFileSync(candidate, `${JSON.stringify(me)}\n`);
  try {
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        fs.linkSync(candidate, file);
        return { release: () => release(file, me) };
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
      const holder = readHolder(file);
      if (holder === undefined) continue; // released meanwhile
      const here = holder.host === me.host;
      if (holder.token !== '' && (!here || isRunning(holder.pid))) {
        return {
          held:
            `${tree}: another synth (pid ${holder.pid}${here ? '' : ` on host ${holder.host}`}, started ${holder.started}) is writing this tree, so nothing was written. ` +
            `Fix: wait for it to finish and synth again${here ? '' : ` (if no synth runs there, delete ${shown(file)})`}`,
        };
      }
      takeOver(file, holder, scratch('stale'));
    }
    return { held: `${tree}: the lock ${shown(file)} changed hands 5 times while this synth tried to take it, so nothing was written. Fix: synth again` };
  } finally {
    fs.rmSync(candidate, { force: true });
  }
}

/** Removes the lock of a synth that no longer runs, unless another synth replaced it meanwhile. */
function takeOver(file: string, stale: Holder, grave: string): void {
  try {
    fs.renameSync(file, grave);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw e;
  }
  const moved = readHolder(grave);
  if (moved !== undefined && moved.token !== stale.token) {
    // a live synth took the lock between our read and the rename: give it back
    try {
      fs.linkSync(grave, file);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
  fs.rmSync(grave, { force: true });
}

function release(file: string, me: Holder): string | undefined {
  try {
    if (readHolder(file)?.token === me.token) fs.unlinkSync(file);
    return undefined;
  } catch (e) {
    return `could not remove the lock ${shown(file)}: ${(e as Error).message}; the next synth takes it over`;
  }
}
