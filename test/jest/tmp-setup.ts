/**
 * One scratch folder per `jest` run for everything the tests (and cdk8s's Testing.app()) put in
 * the temporary folder: os.tmpdir() reads TMPDIR, and the workers inherit it. Mode 1777 like /tmp,
 * because some tests run child processes as another user. Removed again by tmp-teardown.ts.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export default function setup(): void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-tiers-jest-'));
  fs.chmodSync(dir, 0o1777);
  process.env.CDK8S_TIERS_JEST_TMP = dir;
  process.env.TMPDIR = dir;
}
