/**
 * The writer under real file-system faults (this file needs root, as CI runs:
 * it mounts tmpfs, makes read-only bind mounts and immutable files with
 * chattr, and runs a synth as the user nobody so that permissions apply):
 * each failure is one line naming the step, the path, the code and the state
 * of the tree; before the swap the previous tree is intact and nothing is
 * left behind; after it the new tree is complete and the synth exits 0 with a
 * warning.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CLI_ARGS, FIXTURE, NODE_ENV } from './cli-process';
import { shopApp, snapshotTree, tempDir } from './gitops-fixture';

const mounts: string[] = [];
const dirs: string[] = [];
// (not scratchFolders: these folders need chattr -i before they can be removed)
function workdir(): string {
  const d = tempDir('gitops-faults-');
  fs.chmodSync(d, 0o755);
  dirs.push(d);
  return d;
}
const sh = (cmd: string, ...args: string[]) => execFileSync(cmd, args, { encoding: 'utf8' });
function mount(...args: string[]): void {
  sh('mount', ...args);
  mounts.unshift(args[args.length - 1]);
}
beforeAll(() => {
  if (process.getuid?.() !== 0) throw new Error('gitops-writer-faults.test.ts makes real file-system faults and needs root (as CI runs it)');
});
afterAll(() => {
  for (const m of mounts) spawnSync('umount', ['-l', m]);
  for (const d of dirs) {
    spawnSync('chattr', ['-R', '-i', d]);
    fs.rmSync(d, { recursive: true, force: true });
  }
});

const scratch = (parent: string) => fs.readdirSync(parent).filter((n) => n.includes('.cdk8s-tiers-'));
/** The one problem line of a failed synth. */
function failure(run: () => void): string {
  try {
    run();
  } catch (e) {
    const lines = (e as Error).message.split('\n');
    expect(lines[0]).toBe('cdk8s-tiers found 1 problem:');
    expect(lines).toHaveLength(2);
    return lines[1].trim();
  }
  throw new Error('the synth did not fail');
}
/** Runs the CLI on the example app writing `outdir`, as `uid` (default: root), in `cwd`. */
function cli(outdir: string, options: { uid?: number; frontReplicas?: number } = {}) {
  const dir = workdir();
  const app = path.join(dir, 'main.ts');
  fs.writeFileSync(
    app,
    `import { shopApp } from ${JSON.stringify(FIXTURE)};\nshopApp({ outdir: ${JSON.stringify(outdir)}, frontReplicas: ${options.frontReplicas ?? 3} }).synth();\n`,
  );
  return spawnSync(process.execPath, CLI_ARGS('synth', app), {
    cwd: dir,
    env: { ...NODE_ENV, HOME: dir },
    encoding: 'utf8',
    uid: options.uid,
    gid: options.uid,
  });
}

test('ENOSPC on a full tmpfs: the previous tree stays and nothing is left behind; with room again the synth succeeds', () => {
  const disk = path.join(workdir(), 'disk');
  fs.mkdirSync(disk);
  mount('-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', disk);
  const dist = path.join(disk, 'dist');
  shopApp({ outdir: dist }).synth();
  const before = snapshotTree(dist);
  // fill the disk up to 8 KiB
  const free = () => {
    const s = fs.statfsSync(disk);
    return s.bavail * s.bsize;
  };
  fs.writeFileSync(path.join(disk, 'filler'), Buffer.alloc(free() - 8192));
  const line = failure(() => shopApp({ outdir: dist, frontReplicas: 4 }).synth());
  expect(line).toMatch(
    /^could not write \/.*\/disk\/\.dist\.cdk8s-tiers-staging-\d+-[0-9a-f]+\/[\w/.-]+: ENOSPC \(no space left on device\); \/.*\/disk\/dist\/ is unchanged; nothing was left behind$/,
  );
  expect(snapshotTree(dist)).toEqual(before);
  expect(scratch(disk)).toEqual([]);
  fs.rmSync(path.join(disk, 'filler'));
  shopApp({ outdir: dist, frontReplicas: 4 }).synth();
  expect(snapshotTree(dist)).not.toEqual(before);
  expect(scratch(disk)).toEqual([]);
});

test('EROFS on a read-only bind mount: one line, nothing written', () => {
  const rw = workdir();
  const ro = path.join(workdir(), 'ro');
  fs.mkdirSync(ro);
  shopApp({ outdir: path.join(rw, 'dist') }).synth();
  mount('--bind', rw, ro);
  sh('mount', '-o', 'remount,bind,ro', ro);
  const before = snapshotTree(path.join(ro, 'dist'));
  const line = failure(() => shopApp({ outdir: path.join(ro, 'dist'), frontReplicas: 4 }).synth());
  expect(line).toMatch(
    /^could not create the lock \/.*\/ro\/\.dist\.cdk8s-tiers-lock-\d+-[0-9a-f]+: EROFS \(read-only file system\); \/.*\/ro\/dist\/ is unchanged, nothing was written$/,
  );
  expect(snapshotTree(path.join(ro, 'dist'))).toEqual(before);
  expect(scratch(rw)).toEqual([]);
});

test('EPERM on an immutable tree (chattr +i dist): it cannot be moved aside, so it stays as it was', () => {
  const dir = workdir();
  const dist = path.join(dir, 'dist');
  shopApp({ outdir: dist }).synth();
  const before = snapshotTree(dist);
  sh('chattr', '+i', dist);
  try {
    const line = failure(() => shopApp({ outdir: dist, frontReplicas: 4 }).synth());
    expect(line).toMatch(
      /^could not move the previous tree aside: \/.*\/dist: EPERM \(operation not permitted\); \/.*\/dist\/ is unchanged; nothing was left behind$/,
    );
  } finally {
    sh('chattr', '-i', dist);
  }
  expect(snapshotTree(dist)).toEqual(before);
  expect(scratch(dir)).toEqual([]);
});

test('EPERM on an immutable file of the previous tree: the new tree is in place, the CLI exits 0 with a warning, the next synth cleans up', () => {
  const dir = workdir();
  const dist = path.join(dir, 'dist');
  shopApp({ outdir: dist }).synth();
  sh('chattr', '+i', path.join(dist, 'dev', 'README.md'));
  const r = cli(dist, { frontReplicas: 4 });
  expect(r.status).toBe(0);
  expect(r.stderr).toMatch(
    /^warning: the new tree is in place in \/.*\/dist\/, but the previous one could not be deleted: \/.*\/\.dist\.cdk8s-tiers-backup-\d+-[0-9a-f]+\/dev\/README\.md \(EPERM\), left in \/.*\/\.dist\.cdk8s-tiers-backup-\d+-[0-9a-f]+; the next synth tries again\n$/,
  );
  shopApp({ outdir: path.join(dir, 'expected'), frontReplicas: 4 }).synth();
  expect(snapshotTree(dist)).toEqual(snapshotTree(path.join(dir, 'expected')));
  const [backup] = scratch(dir);
  expect(backup).toMatch(/^\.dist\.cdk8s-tiers-backup-/);
  // still immutable: the next synth warns again and keeps going
  const again = cli(dist, { frontReplicas: 4 });
  expect(again.status).toBe(0);
  expect(again.stderr).toMatch(/^warning: could not delete the leftover .*\/dev\/README\.md \(EPERM\), left in .*; the next synth tries again\n$/);
  sh('chattr', '-i', path.join(dir, backup, 'dev', 'README.md'));
  shopApp({ outdir: dist }).synth();
  expect(scratch(dir)).toEqual([]);
});

test('EBUSY when the tree is a mount point: it cannot be moved aside, so it stays', () => {
  const dir = workdir();
  const dist = path.join(dir, 'dist');
  fs.mkdirSync(dist);
  mount('-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', dist);
  const line = failure(() => shopApp({ outdir: dist }).synth());
  expect(line).toMatch(
    /^could not move the previous tree aside: \/.*\/dist: EBUSY \(resource busy or locked\); \/.*\/dist\/ is unchanged; nothing was left behind$/,
  );
  expect(fs.readdirSync(dist)).toEqual([]);
  expect(scratch(dir)).toEqual([]);
});

test('EACCES as a user who may not write next to the tree: the CLI exits 1 with one line, nothing written', () => {
  const dir = workdir();
  const dist = path.join(dir, 'dist');
  shopApp({ outdir: dist }).synth();
  const before = snapshotTree(dist);
  const r = cli(dist, { uid: 65534, frontReplicas: 4 });
  expect(r.status).toBe(1);
  expect(r.stderr).toMatch(
    /^cdk8s-tiers found 1 problem:\n {2}could not create the lock \/.*\/\.dist\.cdk8s-tiers-lock-\d+-[0-9a-f]+: EACCES \(permission denied\); \/.*\/dist\/ is unchanged, nothing was written\n$/,
  );
  expect(snapshotTree(dist)).toEqual(before);
  expect(scratch(dir)).toEqual([]);
});

test("EACCES after the swap (the previous tree's folders belong to another user): the new tree is in place, exit 0 and a warning", () => {
  const dir = workdir();
  fs.chmodSync(dir, 0o777);
  const dist = path.join(dir, 'dist');
  shopApp({ outdir: dist }).synth(); // written by root, folders 0755: nobody may not delete their files
  const r = cli(dist, { uid: 65534, frontReplicas: 4 });
  expect(r.status).toBe(0);
  expect(r.stderr).toMatch(
    /^warning: the new tree is in place in \/.*\/dist\/, but the previous one could not be deleted: \/.*\/\.dist\.cdk8s-tiers-backup-[\w-]+\/[\w./-]+ \(EACCES\), left in .*; the next synth tries again\n$/,
  );
  expect(fs.statSync(path.join(dist, 'dev')).uid).toBe(65534);
  const expected = path.join(workdir(), 'expected');
  shopApp({ outdir: expected, frontReplicas: 4 }).synth();
  expect(snapshotTree(dist)).toEqual(snapshotTree(expected));
  shopApp({ outdir: dist, frontReplicas: 4 }).synth(); // root cleans up
  expect(scratch(dir)).toEqual([]);
});

test('ENOTDIR when a file stands where a parent folder should be: one line, nothing written', () => {
  const dir = workdir();
  fs.writeFileSync(path.join(dir, 'file'), 'x\n');
  const line = failure(() => shopApp({ outdir: path.join(dir, 'file', 'dist') }).synth());
  expect(line).toMatch(/^could not read \/.*\/file\/dist: ENOTDIR \(not a directory\); \/.*\/file\/dist\/ was not created, nothing was written$/);
  expect(fs.readFileSync(path.join(dir, 'file'), 'utf8')).toBe('x\n');
});
