/**
 * The writer when the file system fails at each step, through an injected
 * fs layer (each call can be made to fail with a Node-shaped errno error):
 * one line naming the step, the path, the code and the state of the tree;
 * before the swap the previous tree is intact, after it the new tree is
 * complete and the synth ends with a warning instead of an error. Real faults
 * (a full tmpfs, immutable files, read-only mounts, permissions) are in
 * gitops-writer-faults.test.ts.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { shopApp, snapshotTree, tempDir } from './gitops-fixture';

jest.mock('node:fs', () => {
  const actual = jest.requireActual('node:fs');
  const wrap = (name: string) => jest.fn(actual[name]);
  return { ...actual, ...Object.fromEntries(['writeFileSync', 'renameSync', 'rmSync', 'mkdirSync', 'linkSync', 'unlinkSync'].map((n) => [n, wrap(n)])) };
});

const actual = jest.requireActual<typeof fs>('node:fs');
const mocked = {
  writeFileSync: fs.writeFileSync as jest.Mock,
  renameSync: fs.renameSync as jest.Mock,
  rmSync: fs.rmSync as jest.Mock,
  mkdirSync: fs.mkdirSync as jest.Mock,
  linkSync: fs.linkSync as jest.Mock,
  unlinkSync: fs.unlinkSync as jest.Mock,
};
type Name = keyof typeof mocked;

const DESCRIPTIONS: { [code: string]: string } = {
  ENOSPC: 'no space left on device',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  EBUSY: 'resource busy or locked',
  ENOTEMPTY: 'directory not empty',
  ENOTDIR: 'not a directory',
  EXDEV: 'cross-device link not permitted',
};

/** An error as Node's fs throws it. */
function errno(code: string, syscall: string, p: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: ${DESCRIPTIONS[code]}, ${syscall} '${p}'`), { code, syscall, path: p, errno: -1 });
}

/** Makes `name` fail with `code` for calls whose first argument matches `when`. */
function failOn(name: Name, code: string, when: (p: string) => boolean): void {
  const real = (actual as unknown as { [n: string]: (...a: unknown[]) => unknown })[name];
  mocked[name].mockImplementation((...args: unknown[]) => {
    if (when(String(args[0]))) throw errno(code, name.replace(/Sync$/, ''), String(args[0]));
    return real(...args);
  });
}

let dir: string;
let dist: string;
let before: Map<string, Buffer>;
let warn: jest.SpyInstance;
beforeEach(() => {
  dir = tempDir();
  dist = path.join(dir, 'dist');
  shopApp({ outdir: dist }).synth();
  before = snapshotTree(dist);
  warn = jest.spyOn(console, 'error').mockImplementation(() => undefined);
});
afterEach(() => {
  for (const name of Object.keys(mocked) as Name[]) mocked[name].mockImplementation((actual as unknown as { [n: string]: jest.Mock })[name]);
  warn.mockRestore();
  actual.rmSync(dir, { recursive: true, force: true });
});

const leftovers = () => actual.readdirSync(dir).filter((n) => n !== 'dist');
const synthNew = () => shopApp({ outdir: dist, frontReplicas: 4 }).synth();
const STAGING = /\.dist\.cdk8s-tiers-staging-\d+-[0-9a-f]+/;
/** The message as the user sees it: the one problem line. */
function failure(): string {
  try {
    synthNew();
  } catch (e) {
    const lines = (e as Error).message.split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toBe('cdk8s-tiers found 1 problem:');
    return lines[1].trim();
  }
  throw new Error('the synth did not fail');
}

describe('before the swap: one line, the previous tree intact, nothing left behind', () => {
  test.each(['ENOSPC', 'EACCES', 'EROFS', 'EPERM'])('%s while writing a file of the new tree', (code) => {
    let calls = 0;
    failOn('writeFileSync', code, (p) => STAGING.test(p) && ++calls === 5);
    const line = failure();
    expect(line).toMatch(
      new RegExp(
        `^could not write /.*/\\.dist\\.cdk8s-tiers-staging-\\d+-[0-9a-f]+/\\w+/[\\w.-]+\\.yaml: ${code} \\(${DESCRIPTIONS[code]}\\); /.*/dist/ is unchanged; nothing was left behind$`,
      ),
    );
    expect(snapshotTree(dist)).toEqual(before);
    expect(leftovers()).toEqual([]);
  });

  test.each(['ENOTDIR', 'EACCES'])('%s while making the staging folder', (code) => {
    failOn('mkdirSync', code, (p) => STAGING.test(p));
    expect(failure()).toMatch(
      new RegExp(
        `^could not write /.*/\\.dist\\.cdk8s-tiers-staging-[\\w-]+: ${code} \\(${DESCRIPTIONS[code]}\\); /.*/dist/ is unchanged; nothing was left behind$`,
      ),
    );
    expect(snapshotTree(dist)).toEqual(before);
    expect(leftovers()).toEqual([]);
  });

  test.each(['EBUSY', 'EPERM', 'EACCES'])('%s while moving the previous tree aside', (code) => {
    failOn('renameSync', code, (p) => p === dist);
    expect(failure()).toMatch(
      new RegExp(`^could not move the previous tree aside: /.*/dist: ${code} \\(${DESCRIPTIONS[code]}\\); /.*/dist/ is unchanged; nothing was left behind$`),
    );
    expect(snapshotTree(dist)).toEqual(before);
    expect(leftovers()).toEqual([]);
  });

  test.each(['ENOTEMPTY', 'EXDEV', 'EBUSY'])('%s while moving the new tree into place: the previous tree is put back', (code) => {
    failOn('renameSync', code, (p) => STAGING.test(p));
    expect(failure()).toMatch(
      new RegExp(
        `^could not move the new tree into place: /.*/\\.dist\\.cdk8s-tiers-staging-[\\w-]+: ${code} \\(${DESCRIPTIONS[code]}\\); /.*/dist/ is unchanged \\(the previous tree was put back\\); nothing was left behind$`,
      ),
    );
    expect(snapshotTree(dist)).toEqual(before);
    expect(leftovers()).toEqual([]);
  });

  test('when putting the previous tree back fails too, the line says where it is', () => {
    failOn('renameSync', 'EBUSY', (p) => STAGING.test(p) || /\.dist\.cdk8s-tiers-backup-/.test(p));
    expect(failure()).toMatch(
      /^could not move the new tree into place: .*: EBUSY \(resource busy or locked\); \/.*\/dist\/ is missing, and putting the previous tree back failed too \(EBUSY: .*\): it is complete in \/.*\/\.dist\.cdk8s-tiers-backup-\d+-[0-9a-f]+; rename it to \/.*\/dist; nothing was left behind$/,
    );
    const backup = leftovers();
    expect(backup).toEqual([expect.stringMatching(/^\.dist\.cdk8s-tiers-backup-/)]);
    expect(snapshotTree(path.join(dir, backup[0]))).toEqual(before);
    // the next synth puts it back before anything else, and then writes
    mocked.renameSync.mockImplementation(actual.renameSync);
    synthNew();
    expect(leftovers()).toEqual([]);
    expect(snapshotTree(dist)).not.toEqual(before);
  });

  test.each(['EROFS', 'EACCES'])('%s while making the lock', (code) => {
    failOn('writeFileSync', code, (p) => /\.dist\.cdk8s-tiers-lock-/.test(p));
    expect(failure()).toMatch(
      new RegExp(
        `^could not create the lock /.*/\\.dist\\.cdk8s-tiers-lock-\\d+-[0-9a-f]+: ${code} \\(${DESCRIPTIONS[code]}\\); /.*/dist/ is unchanged, nothing was written$`,
      ),
    );
    expect(snapshotTree(dist)).toEqual(before);
    expect(leftovers()).toEqual([]);
  });

  test('ENOTDIR while making the parent folder of a new tree', () => {
    failOn('mkdirSync', 'ENOTDIR', (p) => p.endsWith('nested'));
    let line = '';
    try {
      shopApp({ outdir: path.join(dir, 'nested', 'dist') }).synth();
    } catch (e) {
      line = (e as Error).message;
    }
    expect(line).toMatch(/could not create the folder \/.*\/nested: ENOTDIR \(not a directory\); nothing was written$/);
    expect(leftovers()).toEqual([]);
  });
});

describe('after the swap: the new tree complete, a warning, no error', () => {
  test.each(['EPERM', 'EBUSY'])('%s while deleting the previous tree', (code) => {
    failOn('unlinkSync', code, (p) => /\.dist\.cdk8s-tiers-backup-[\w-]+\/prod\/README\.md$/.test(p));
    expect(() => synthNew()).not.toThrow();
    const expected = new Map(snapshotTree(dist));
    expect(expected).not.toEqual(before);
    shopApp({ outdir: dist, frontReplicas: 4 }).render(); // still renders the same
    expect(warn).toHaveBeenCalledWith(
      expect.stringMatching(
        new RegExp(
          `^warning: the new tree is in place in /.*/dist/, but the previous one could not be deleted: /.*/\\.dist\\.cdk8s-tiers-backup-[\\w-]+/prod/README\\.md \\(${code}\\), left in /.*/\\.dist\\.cdk8s-tiers-backup-[\\w-]+; the next synth tries again$`,
        ),
      ),
    );
    // the next synth deletes it
    mocked.unlinkSync.mockImplementation(actual.unlinkSync);
    synthNew();
    expect(leftovers()).toEqual([]);
    expect(snapshotTree(dist)).toEqual(expected);
  });

  test('EACCES while removing the lock', () => {
    failOn('unlinkSync', 'EACCES', (p) => p.endsWith('.dist.cdk8s-tiers-lock'));
    expect(() => synthNew()).not.toThrow();
    expect(warn).toHaveBeenCalledWith(
      expect.stringMatching(
        /^warning: could not remove the lock \/.*\/\.dist\.cdk8s-tiers-lock: EACCES: permission denied, unlink .*; the next synth takes it over$/,
      ),
    );
    expect(leftovers()).toEqual(['.dist.cdk8s-tiers-lock']);
    // the synth that held it is over: the next one takes it over and removes it
    mocked.unlinkSync.mockImplementation(actual.unlinkSync);
    synthNew();
    expect(leftovers()).toEqual([]);
  });

  test('a failure writing the copy for the cdk8s CLI is a warning', () => {
    const cli = path.join(dir, 'cli');
    failOn('writeFileSync', 'ENOSPC', (p) => p.startsWith(cli));
    expect(() => shopApp({ outdir: dist, frontReplicas: 4, cliOutdir: cli }).synth()).not.toThrow();
    expect(snapshotTree(dist)).not.toEqual(before);
    expect(warn).toHaveBeenCalledWith(
      expect.stringMatching(
        /^warning: the GitOps tree .*dist\/ is written, but its copy for the cdk8s CLI is not: ENOSPC: no space left on device, write\w* '.*\/cli\/dev\.k8s\.yaml'$/,
      ),
    );
  });
});
