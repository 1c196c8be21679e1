/**
 * Drift check: does a folder hold exactly what the sources render? Used in
 * CI so that a hand edit, a forgotten synth, a stale file or folder, a file
 * replaced by a link, or a changed mode fails the build.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { throwProblem } from '../_errors';
import { isObject, obj } from '../_json';
import { expectedModes, walkTree } from './_tree';

/** A path whose type or mode on disk is not the one a synth writes. */
export interface DriftMismatch {
  /** Path relative to the folder, with "/"; folders end with "/" ("" is the folder itself). */
  readonly path: string;
  /** What is on disk ("symbolic link", "folder", "0755" ...). */
  readonly found: string;
  /** What a synth writes ("regular file", "0644" ...). */
  readonly expected: string;
}

/** How a folder differs from the rendered tree. Folders end with "/". */
export interface DriftReport {
  /** Files whose bytes differ. */
  readonly changed: string[];
  /** Files the sources render that the folder lacks. */
  readonly missing: string[];
  /** Files, links and folders (empty or not) in the folder that the sources do not render. */
  readonly extra: string[];
  /** Rendered files that are something else on disk (a symbolic link, a folder). */
  readonly wrongType: DriftMismatch[];
  /** Files and folders whose mode is not what a write (or a git checkout) gives under the current umask. */
  readonly wrongMode: DriftMismatch[];
  /** True when the folder holds exactly the rendered files, as regular files with the expected modes. */
  readonly clean: boolean;
}

/** Compares a folder with the files the sources render. */
export class DriftCheck {
  /**
   * Compares `dir` with `files` (paths relative to `dir`, with "/", to their
   * content): bytes, types, modes, and extra files and folders.
   */
  public static compare(files: { [path: string]: string }, dir: string): DriftReport {
    checkArgs('DriftCheck.compare', dir, 'files', files);
    return compare(files, dir);
  }

  /** One line per difference, `<dir>/<path>: <how>`, for messages. */
  public static describe(report: DriftReport, dir: string): string[] {
    checkArgs('DriftCheck.describe', dir, 'report', report);
    if (!['changed', 'missing', 'extra', 'wrongType', 'wrongMode'].every((k) => Array.isArray(obj(report)[k]))) {
      throwProblem('DriftCheck.describe', { prop: 'report', value: report, rule: 'must be a DriftReport', fix: 'pass the report DriftCheck.compare returned' });
    }
    return describe(report, dir);
  }

  private constructor() {}
}

const TYPE_NAMES: { [type: string]: string } = { symlink: 'symbolic link', folder: 'folder', other: 'special file' };
const octal = (n: number) => `0${n.toString(8)}`;

function compare(files: { [path: string]: string }, dir: string): DriftReport {
  const modes = expectedModes();
  const folders = new Set<string>();
  for (const rel of Object.keys(files)) {
    for (let i = rel.indexOf('/'); i >= 0; i = rel.indexOf('/', i + 1)) folders.add(rel.slice(0, i));
  }
  const changed: string[] = [];
  const extra: string[] = [];
  const wrongType: DriftMismatch[] = [];
  const wrongMode: DriftMismatch[] = [];
  const seen = new Set<string>();
  const mode = (rel: string, actual: number, expected: number) => {
    if (actual !== expected) wrongMode.push({ path: rel, found: octal(actual), expected: octal(expected) });
  };
  if (fs.existsSync(dir) && fs.statSync(dir).isDirectory()) {
    mode('', fs.statSync(dir).mode & 0o777, modes.folder);
    for (const e of walkTree(dir)) {
      const expected = Object.prototype.hasOwnProperty.call(files, e.rel);
      if (expected) seen.add(e.rel);
      if (e.type === 'folder' && folders.has(e.rel)) mode(`${e.rel}/`, e.mode, modes.folder);
      else if (expected && e.type !== 'file') wrongType.push({ path: e.rel, found: TYPE_NAMES[e.type], expected: 'regular file' });
      else if (expected) {
        mode(e.rel, e.mode, modes.file);
        if (!fs.readFileSync(path.join(dir, ...e.rel.split('/'))).equals(Buffer.from(files[e.rel], 'utf8'))) changed.push(e.rel);
      } else if (!extra.some((x) => x.endsWith('/') && e.rel.startsWith(x))) extra.push(e.type === 'folder' ? `${e.rel}/` : e.rel);
    }
  }
  const missing = Object.keys(files)
    .filter((rel) => !seen.has(rel))
    .sort();
  const clean = changed.length + missing.length + extra.length + wrongType.length + wrongMode.length === 0;
  return { changed, missing, extra, wrongType, wrongMode, clean };
}

function describe(report: DriftReport, dir: string): string[] {
  const at = (rel: string) => `${dir.split(path.sep).join('/').replace(/\/+$/, '')}/${rel}`;
  return [
    ...report.changed.map((f) => `${at(f)}: differs from what the sources render (edited by hand, or not synthesized since the sources changed)`),
    ...report.missing.map((f) => `${at(f)}: missing (the sources render it)`),
    ...report.extra.map(
      (f) => `${at(f)}: not rendered by the sources (stale or added by hand${f.endsWith('/') ? '; a folder, reported once for everything in it' : ''})`,
    ),
    ...report.wrongType.map(
      (m) =>
        `${at(m.path)}: is a ${m.found}, not the ${m.expected} the sources render (kubectl kustomize, Argo CD and Flux may read it differently or not at all)`,
    ),
    ...report.wrongMode.map((m) => `${at(m.path)}: has mode ${m.found}; a synth or a git checkout gives ${m.expected} under this umask`),
  ];
}

/** Throws the library's error when `dir` is not a folder name or `value` (the argument `name`) not an object. */
function checkArgs(method: string, dir: unknown, name: string, value: unknown): void {
  if (typeof dir !== 'string' || dir === '')
    throwProblem(method, { prop: 'dir', value: dir, rule: 'must be a folder path', fix: 'pass the folder to compare, e.g. "dist"' });
  if (!isObject(value))
    throwProblem(method, {
      prop: name,
      value,
      rule: 'must be an object',
      fix: name === 'files' ? 'pass the files the sources render (GitOpsApp.render().files)' : 'pass the report DriftCheck.compare returned',
    });
}
