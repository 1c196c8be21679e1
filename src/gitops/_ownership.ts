/**
 * Which trees the writer may replace: a missing folder, an empty one, or one
 * it wrote itself, recognised by the marker file `.cdk8s-tiers` at its top
 * (the library's name, the format version and every file it wrote). A tree
 * written before the marker existed is recognised by its generated
 * kustomization.yaml files. Anything else is refused, and so is an owned tree
 * that holds a file the writer did not write: replacing it would delete that
 * file.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { GENERATED_NOTE, KUSTOMIZATION } from './_render';
import { shown, TreeEntry, walkTree } from './_tree';

/** The marker's file name, at the top of the tree. */
export const MARKER = '.cdk8s-tiers';
/** Version of the tree format this writer writes. */
export const MARKER_FORMAT = 1;
const SIGNATURE = /^cdk8s-tiers tree, format (\d+)$/;
const README = 'README.md';

/** The marker of a tree holding `files` (paths relative to the tree, with "/"). */
export function markerContent(files: Iterable<string>): string {
  return [
    `cdk8s-tiers tree, format ${MARKER_FORMAT}`,
    '# Written by cdk8s-tiers, which replaces this folder as a whole on every synth.',
    '# A file not listed below stops the synth instead of being deleted. Do not edit by hand.',
    ...[...files].filter((f) => f !== MARKER).sort(),
    '',
  ].join('\n');
}

/** What the tree at a path is to the writer. */
export interface Ownership {
  /** Why the writer must not replace it (one problem per line), or empty when it may. */
  readonly refusals: string[];
}

/** Decides whether the writer may replace `dir` (an absolute, resolved path). */
export function ownership(dir: string): Ownership {
  let st: fs.Stats;
  try {
    st = fs.statSync(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { refusals: [] };
    throw e;
  }
  const at = shown(dir);
  if (!st.isDirectory())
    return {
      refusals: [`${at}: is a file, not a folder; the GitOps tree replaces its folder as a whole. Fix: point outdir at a folder of its own, like "dist"`],
    };
  const entries = walkTree(dir);
  if (entries.length === 0) return { refusals: [] };
  const written = writtenFiles(dir, entries);
  if (typeof written === 'string')
    return {
      refusals: [
        `${at}: ${written}; replacing it would delete what is there, so nothing was written. Fix: point outdir at a missing or empty folder of its own, like "dist", or move those files away`,
      ],
    };
  return {
    refusals: foreign(entries, written).map(
      (rel) =>
        `${at}/${rel}: not written by cdk8s-tiers (${at}/${MARKER} does not list it), and replacing the tree would delete it, so nothing was written. Fix: move it out of ${at}/ (or delete it), then synth again`,
    ),
  };
}

/** The files the writer wrote into `dir`, or why it cannot tell. */
function writtenFiles(dir: string, entries: TreeEntry[]): Set<string> | string {
  const marker = entries.find((e) => e.rel === MARKER);
  if (marker) {
    if (marker.type !== 'file') return `${MARKER} is not a file`;
    const lines = fs.readFileSync(path.join(dir, MARKER), 'utf8').split('\n');
    const format = SIGNATURE.exec(lines[0] ?? '');
    if (!format) return `holds a ${MARKER} file that cdk8s-tiers did not write (its first line is not "cdk8s-tiers tree, format <n>")`;
    if (Number(format[1]) > MARKER_FORMAT) return `was written by a newer cdk8s-tiers (tree format ${format[1]}; this one writes ${MARKER_FORMAT})`;
    return new Set(lines.slice(1).filter((l) => l !== '' && !l.startsWith('#')));
  }
  return legacyFiles(dir, entries);
}

/**
 * A tree written before the marker: every top-level entry is a folder whose
 * kustomization.yaml starts with the generated note; it wrote the files that
 * kustomization lists, the kustomization and the README.
 */
function legacyFiles(dir: string, entries: TreeEntry[]): Set<string> | string {
  const top = entries.filter((e) => !e.rel.includes('/'));
  const notOurs = top.filter((e) => e.type !== 'folder' || !isGenerated(path.join(dir, e.rel, KUSTOMIZATION)));
  if (notOurs.length > 0) {
    const names = notOurs
      .slice(0, 3)
      .map((e) => `"${e.rel}${e.type === 'folder' ? '/' : ''}"`)
      .join(', ');
    return `holds files that cdk8s-tiers did not write (no ${MARKER} marker; ${names}${notOurs.length > 3 ? ` and ${notOurs.length - 3} more` : ''})`;
  }
  const written = new Set<string>();
  for (const folder of top) {
    written.add(`${folder.rel}/${KUSTOMIZATION}`);
    written.add(`${folder.rel}/${README}`);
    const text = fs.readFileSync(path.join(dir, folder.rel, KUSTOMIZATION), 'utf8');
    for (const m of text.matchAll(/^ {2}- (\S+)$/gm)) written.add(`${folder.rel}/${m[1]}`);
  }
  return written;
}

function isGenerated(file: string): boolean {
  try {
    return fs.readFileSync(file, 'utf8').startsWith(`# ${GENERATED_NOTE}\n`);
  } catch {
    return false;
  }
}

/**
 * Entries the writer did not write: files, links and other entries not in
 * `written`, and folders that hold none of its files (reported once, with "/",
 * instead of every entry below them).
 */
function foreign(entries: TreeEntry[], written: Set<string>): string[] {
  const holdsWritten = new Set<string>();
  for (const w of written) {
    for (let i = w.indexOf('/'); i >= 0; i = w.indexOf('/', i + 1)) holdsWritten.add(w.slice(0, i));
  }
  const out: string[] = [];
  const reported: string[] = [];
  for (const e of entries) {
    if (e.rel === MARKER || reported.some((r) => e.rel.startsWith(`${r}/`))) continue;
    if (e.type === 'folder') {
      if (!holdsWritten.has(e.rel)) {
        out.push(`${e.rel}/`);
        reported.push(e.rel);
      }
      continue;
    }
    if (!written.has(e.rel)) out.push(e.rel);
  }
  return out;
}
