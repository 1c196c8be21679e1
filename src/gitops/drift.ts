/**
 * Drift check: does a folder hold exactly what the sources render? Used in
 * CI so that a hand edit, a forgotten synth or a stale file fails the build.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { throwProblem } from '../_errors';
import { isObject } from '../_rules';
import { listFiles } from './_writer';

/** How a folder differs from the rendered tree. */
export interface DriftReport {
  /** Files whose bytes differ. */
  readonly changed: string[];
  /** Files the sources render that the folder lacks. */
  readonly missing: string[];
  /** Files in the folder that the sources do not render. */
  readonly extra: string[];
  /** True when the folder holds exactly the rendered files. */
  readonly clean: boolean;
}

/** Compares a folder with the files the sources render. */
export class DriftCheck {
  /**
   * Compares `dir` with `files` (paths relative to `dir`, with "/", to their
   * content), byte for byte.
   */
  public static compare(files: { [path: string]: string }, dir: string): DriftReport {
    checkArgs('DriftCheck.compare', dir, 'files', files);
    return compare(files, dir);
  }

  /** One line per differing file, `<dir>/<file>: <how>`, for messages. */
  public static describe(report: DriftReport, dir: string): string[] {
    checkArgs('DriftCheck.describe', dir, 'report', report);
    if (!['changed', 'missing', 'extra'].every((k) => Array.isArray((report as unknown as Record<string, unknown>)[k]))) {
      throwProblem('DriftCheck.describe', { prop: 'report', value: report, rule: 'must be a DriftReport', fix: 'pass the report DriftCheck.compare returned' });
    }
    return describe(report, dir);
  }

  private constructor() {}
}

function compare(files: { [path: string]: string }, dir: string): DriftReport {
  const onDisk = new Set(listFiles(dir));
  const changed: string[] = [];
  const missing: string[] = [];
  for (const rel of Object.keys(files).sort()) {
    if (!onDisk.has(rel)) {
      missing.push(rel);
      continue;
    }
    onDisk.delete(rel);
    if (!fs.readFileSync(path.join(dir, ...rel.split('/'))).equals(Buffer.from(files[rel], 'utf8'))) changed.push(rel);
  }
  const extra = [...onDisk];
  return { changed, missing, extra, clean: changed.length + missing.length + extra.length === 0 };
}

function describe(report: DriftReport, dir: string): string[] {
  const at = (rel: string) => path.posix.join(dir.split(path.sep).join('/'), rel);
  return [
    ...report.changed.map((f) => `${at(f)}: differs from what the sources render (edited by hand, or not synthesized since the sources changed)`),
    ...report.missing.map((f) => `${at(f)}: missing (the sources render it)`),
    ...report.extra.map((f) => `${at(f)}: not rendered by the sources (stale or added by hand)`),
  ];
}

/** Throws the library's error when `dir` is not a folder name or `value` (the argument `name`) not an object. */
function checkArgs(method: string, dir: unknown, name: string, value: unknown): void {
  if (typeof dir !== 'string' || dir === '') throwProblem(method, { prop: 'dir', value: dir, rule: 'must be a folder path', fix: 'pass the folder to compare, e.g. "dist"' });
  if (!isObject(value)) throwProblem(method, { prop: name, value, rule: 'must be an object', fix: name === 'files' ? 'pass the files the sources render (GitOpsApp.render().files)' : 'pass the report DriftCheck.compare returned' });
}
