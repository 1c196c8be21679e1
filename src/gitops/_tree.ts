/**
 * What is on disk below a folder: every entry with its type and permission
 * bits, without following symbolic links inside the tree (the folder itself
 * may be a link). Shared by the writer (ownership) and the drift check.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** One entry below the folder; `rel` uses "/". */
export interface TreeEntry {
  readonly rel: string;
  readonly type: 'file' | 'symlink' | 'folder' | 'other';
  /** Permission bits (`mode & 0o777`). */
  readonly mode: number;
  /** For folders: whether it holds nothing. */
  readonly empty: boolean;
}

function typeOf(st: fs.Stats): TreeEntry['type'] {
  if (st.isSymbolicLink()) return 'symlink';
  if (st.isDirectory()) return 'folder';
  return st.isFile() ? 'file' : 'other';
}

/** Every entry below `dir`, sorted by path; empty when `dir` does not exist. */
export function walkTree(dir: string): TreeEntry[] {
  if (!fs.existsSync(dir)) return [];
  const out: TreeEntry[] = [];
  const walk = (rel: string): void => {
    for (const name of fs.readdirSync(path.join(dir, rel))) {
      const child = rel ? `${rel}/${name}` : name;
      const st = fs.lstatSync(path.join(dir, child));
      const type = typeOf(st);
      const empty = type === 'folder' && fs.readdirSync(path.join(dir, child)).length === 0;
      out.push({ rel: child, type, mode: st.mode & 0o777, empty });
      if (type === 'folder') walk(child);
    }
  };
  walk('');
  return out.sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
}

/** Every file (anything but a folder) below `dir` (relative paths with "/"), sorted; empty when `dir` does not exist. */
export function listFiles(dir: string): string[] {
  return walkTree(dir)
    .filter((e) => e.type !== 'folder')
    .map((e) => e.rel);
}

/** The modes a plain write gives under the process's umask (as git checks files out): [file, folder]. */
export function expectedModes(): { file: number; folder: number } {
  const umask = process.umask();
  return { file: 0o666 & ~umask, folder: 0o777 & ~umask };
}

/** A path for messages: relative to the working folder when inside it, with "/". */
export function shown(p: string): string {
  const rel = path.relative(process.cwd(), p);
  const out = rel === '' ? '.' : rel.startsWith('..') || path.isAbsolute(rel) ? p : rel;
  return out.split(path.sep).join('/');
}
