/**
 * All-or-nothing replacement of a folder: the new tree is written into a
 * staging folder next to the target (same file system), then the target is
 * renamed to a backup and the staging folder renamed into its place; the
 * backup is deleted only after that succeeded, and put back if it failed.
 * Nothing else is touched, so a failure before the swap leaves the target
 * exactly as it was.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Refuses targets whose replacement would destroy more than generated output. */
export function unsafeTarget(target: string): string | undefined {
  const abs = path.resolve(target);
  const cwd = process.cwd();
  if (abs === path.parse(abs).root) return 'is the root of the file system';
  if (abs === cwd || cwd.startsWith(abs + path.sep)) return 'is the working folder or one of its parents';
  if (fs.existsSync(path.join(abs, '.git'))) return 'holds a .git folder';
  if (fs.existsSync(abs) && !fs.statSync(abs).isDirectory()) return 'is a file, not a folder';
  return undefined;
}

/** Writes `files` (relative paths with "/" to content) as the new content of `target`, in one step. */
export function replaceFolder(target: string, files: ReadonlyMap<string, string>): void {
  const abs = path.resolve(target);
  const parent = path.dirname(abs);
  const base = path.basename(abs);
  fs.mkdirSync(parent, { recursive: true });
  const staging = fs.mkdtempSync(path.join(parent, `.${base}.staging-`));
  try {
    const made = new Set<string>([staging]);
    for (const [rel, content] of files) {
      const file = path.join(staging, ...rel.split('/'));
      const dir = path.dirname(file);
      if (!made.has(dir)) {
        fs.mkdirSync(dir, { recursive: true });
        made.add(dir);
      }
      fs.writeFileSync(file, content);
    }
  } catch (e) {
    fs.rmSync(staging, { recursive: true, force: true });
    throw e;
  }
  const backup = fs.existsSync(abs) ? path.join(parent, `.${base}.backup-${randomBytes(6).toString('hex')}`) : undefined;
  try {
    if (backup) fs.renameSync(abs, backup);
  } catch (e) {
    fs.rmSync(staging, { recursive: true, force: true });
    throw e;
  }
  try {
    fs.renameSync(staging, abs);
  } catch (e) {
    if (backup) fs.renameSync(backup, abs);
    fs.rmSync(staging, { recursive: true, force: true });
    throw e;
  }
  if (backup) fs.rmSync(backup, { recursive: true, force: true });
}

/** Every file below `dir` (relative paths with "/"), sorted; empty when `dir` does not exist. */
export function listFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  const out: string[] = [];
  const walk = (rel: string): void => {
    for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const child = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(child);
      else out.push(child);
    }
  };
  walk('');
  return out.sort();
}
