/**
 * What the writer may replace, and what it leaves around: the ownership
 * marker, foreign folders and files, a symlinked outdir, the lock, the
 * scratch folders of killed runs, and the modes of what it writes.
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CLI_ARGS, FIXTURE, NODE_ENV, scratchFolders, TS_NODE } from './cli-process';
import { shopApp, snapshotTree } from './gitops-fixture';

const workdir = scratchFolders();

const scratch = (parent: string) => fs.readdirSync(parent).filter((n) => n.includes('cdk8s-tiers-') || /^\.dist\.(staging|backup)-/.test(n));
const synthOf = (outdir: string, frontReplicas?: number) => () => shopApp({ outdir, frontReplicas }).synth();

describe('ownership', () => {
  test('the marker names the library, the format and every file written', () => {
    const dist = path.join(workdir(), 'dist');
    shopApp({ outdir: dist }).synth();
    const lines = fs.readFileSync(path.join(dist, '.cdk8s-tiers'), 'utf8').split('\n');
    expect(lines[0]).toBe('cdk8s-tiers tree, format 1');
    const listed = lines.filter((l) => l !== '' && !l.startsWith('#') && l !== lines[0]);
    const onDisk = [...snapshotTree(dist).keys()].filter((f) => f !== '.cdk8s-tiers').sort();
    expect(listed).toEqual(onDisk);
    expect(listed).toContain('dev/kustomization.yaml');
  });

  test.each([
    ['docs', { 'guardrails.md': '# Guardrails\n' }],
    ['schema', { 'k8s-validators.js': 'module.exports = {};\n', 'README.md': 'from the cdk8s project\n' }],
  ])('refuses a folder it did not write ("%s"), naming what is there, and changes nothing', (name, files) => {
    const folder = path.join(workdir(), name);
    fs.mkdirSync(folder);
    for (const [f, c] of Object.entries(files)) fs.writeFileSync(path.join(folder, f), c);
    const before = snapshotTree(folder);
    expect(synthOf(folder)).toThrow(
      new RegExp(
        `${name}: holds files that cdk8s-tiers did not write \\(no \\.cdk8s-tiers marker; "[^"]+"(, "[^"]+")?\\); replacing it would delete what is there, so nothing was written\\. Fix: point outdir at a missing or empty folder of its own, like "dist", or move those files away`,
      ),
    );
    expect(snapshotTree(folder)).toEqual(before);
    expect(scratch(path.dirname(folder))).toEqual([]);
  });

  test('writes into a missing folder and into an empty one', () => {
    const missing = path.join(workdir(), 'a', 'b', 'dist');
    synthOf(missing)();
    const empty = path.join(workdir(), 'dist');
    fs.mkdirSync(empty);
    synthOf(empty)();
    expect(snapshotTree(empty)).toEqual(snapshotTree(missing));
  });

  test('refuses a file the writer did not write inside its tree, reporting each by path, and keeps the tree', () => {
    const dist = path.join(workdir(), 'dist');
    synthOf(dist)();
    fs.writeFileSync(path.join(dist, 'dev', 'NOTES.md'), 'hand-written\n');
    fs.mkdirSync(path.join(dist, 'notes', 'deep'), { recursive: true });
    fs.writeFileSync(path.join(dist, 'notes', 'deep', 'a.txt'), 'a\n');
    fs.mkdirSync(path.join(dist, 'prod', 'empty'));
    fs.symlinkSync('/etc/hostname', path.join(dist, 'staging', 'link.yaml'));
    const before = snapshotTree(dist);
    let message = '';
    try {
      synthOf(dist, 4)();
    } catch (e) {
      message = (e as Error).message;
    }
    const tail =
      ' not written by cdk8s-tiers (/TMP/dist/.cdk8s-tiers does not list it), and replacing the tree would delete it, so nothing was written. Fix: move it out of /TMP/dist/ (or delete it), then synth again';
    const t = path.dirname(dist);
    expect(message.split(t).join('/TMP').split('\n')).toEqual([
      'cdk8s-tiers found 4 problems:',
      `  /TMP/dist/dev/NOTES.md:${tail}`,
      `  /TMP/dist/notes/:${tail}`,
      `  /TMP/dist/prod/empty/:${tail}`,
      `  /TMP/dist/staging/link.yaml:${tail}`,
    ]);
    expect(snapshotTree(dist)).toEqual(before);
    expect(fs.existsSync(path.join(dist, 'prod', 'empty'))).toBe(true);
  });

  test('replaces a generated file edited by hand (the drift check catches the edit first)', () => {
    const dist = path.join(workdir(), 'dist');
    synthOf(dist)();
    const clean = snapshotTree(dist);
    fs.appendFileSync(path.join(dist, 'dev', 'service-shop-dev-front.yaml'), '# edited\n');
    synthOf(dist)();
    expect(snapshotTree(dist)).toEqual(clean);
  });

  test('adopts a tree written before the marker existed (its generated kustomizations name its files)', () => {
    const dist = path.join(workdir(), 'dist');
    synthOf(dist)();
    const clean = snapshotTree(dist);
    fs.rmSync(path.join(dist, '.cdk8s-tiers'));
    synthOf(dist)();
    expect(snapshotTree(dist)).toEqual(clean);
    // ... but not a file its kustomizations do not list
    fs.rmSync(path.join(dist, '.cdk8s-tiers'));
    fs.writeFileSync(path.join(dist, 'dev', 'extra.yaml'), 'kind: X\n');
    expect(synthOf(dist)).toThrow(/dist\/dev\/extra\.yaml: not written by cdk8s-tiers/);
  });

  test('refuses a tree of a newer format and a marker it did not write', () => {
    const dist = path.join(workdir(), 'dist');
    synthOf(dist)();
    const marker = path.join(dist, '.cdk8s-tiers');
    fs.writeFileSync(marker, fs.readFileSync(marker, 'utf8').replace('format 1', 'format 2'));
    expect(synthOf(dist)).toThrow(
      /dist: was written by a newer cdk8s-tiers \(tree format 2; this one writes 1\); replacing it would delete what is there, so nothing was written/,
    );
    fs.writeFileSync(marker, 'something else\n');
    expect(synthOf(dist)).toThrow(/dist: holds a \.cdk8s-tiers file that cdk8s-tiers did not write \(its first line is not "cdk8s-tiers tree, format <n>"\)/);
  });

  test('refuses a file where the tree should be', () => {
    const file = path.join(workdir(), 'dist');
    fs.writeFileSync(file, 'x\n');
    expect(synthOf(file)).toThrow(/dist: is a file, not a folder; the GitOps tree replaces its folder as a whole/);
    expect(fs.readFileSync(file, 'utf8')).toBe('x\n');
  });
});

describe('a symlinked outdir', () => {
  test('is followed: the folder it points at is replaced atomically and the link stays', () => {
    const dir = workdir();
    const checkout = path.join(dir, 'gitops-checkout', 'clusters', 'shop');
    fs.mkdirSync(checkout, { recursive: true });
    fs.writeFileSync(path.join(dir, 'gitops-checkout', 'README.md'), 'the GitOps repository\n');
    const link = path.join(dir, 'dist');
    fs.symlinkSync(path.relative(dir, checkout), link);
    synthOf(link)();
    expect(fs.lstatSync(link).isSymbolicLink()).toBe(true);
    expect(fs.readdirSync(checkout).sort()).toEqual(['.cdk8s-tiers', 'dev', 'prod', 'staging']);
    const first = snapshotTree(checkout);

    shopApp({ outdir: link, withoutApi: true, environments: { dev: { namespace: 'shop-dev', tiers: { front: { nodePort: 30080 } } } } }).synth();
    expect(fs.lstatSync(link).isSymbolicLink()).toBe(true);
    expect(fs.readdirSync(checkout).sort()).toEqual(['.cdk8s-tiers', 'dev']);
    expect(snapshotTree(checkout)).not.toEqual(first);
    expect(fs.readFileSync(path.join(dir, 'gitops-checkout', 'README.md'), 'utf8')).toBe('the GitOps repository\n');
    expect(scratch(path.dirname(checkout))).toEqual([]);
    expect(scratch(dir)).toEqual([]);
  });

  test('a dangling link gets its target written; a link to a foreign folder is refused', () => {
    const dir = workdir();
    const link = path.join(dir, 'dist');
    fs.symlinkSync(path.join(dir, 'out', 'tree'), link);
    synthOf(link)();
    expect(fs.readdirSync(path.join(dir, 'out', 'tree'))).toContain('dev');
    const other = path.join(dir, 'docs');
    fs.mkdirSync(other);
    fs.writeFileSync(path.join(other, 'a.md'), 'a\n');
    const link2 = path.join(dir, 'dist2');
    fs.symlinkSync(other, link2);
    expect(synthOf(link2)).toThrow(/docs: holds files that cdk8s-tiers did not write/);
  });

  test('the CLI says where the tree went', () => {
    const dir = workdir();
    fs.mkdirSync(path.join(dir, 'real'));
    fs.symlinkSync('real', path.join(dir, 'dist'));
    const app = path.join(dir, 'main.ts');
    fs.writeFileSync(app, `import { shopApp } from ${JSON.stringify(FIXTURE)};\nshopApp({ outdir: 'dist' }).synth();\n`);
    const r = spawnSync(process.execPath, CLI_ARGS('synth', app), { cwd: dir, env: NODE_ENV, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^wrote 40 files to dist\/ \(the link's target \/.*\/real\): dev 13, prod 14, staging 13$/m);
  });
});

describe('one synth at a time', () => {
  test('a second synth while one is writing fails at once with one line, and the first one finishes', async () => {
    const dir = workdir();
    const dist = path.join(dir, 'dist');
    synthOf(dist)();
    // a synth that holds the lock: a live process whose pid is in the lock file
    const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 20000)']);
    try {
      const lock = path.join(dir, '.dist.cdk8s-tiers-lock');
      fs.writeFileSync(lock, `${JSON.stringify({ pid: holder.pid, host: os.hostname(), started: '2026-12-01T09:00:00.000Z', token: 'abc' })}\n`);
      const before = snapshotTree(dist);
      expect(synthOf(dist, 4)).toThrow(
        new RegExp(
          `^cdk8s-tiers found 1 problem:\\n  /.*/dist/: another synth \\(pid ${holder.pid}, started 2026-12-01T09:00:00.000Z\\) is writing this tree, so nothing was written\\. Fix: wait for it to finish and synth again$`,
        ),
      );
      expect(snapshotTree(dist)).toEqual(before);
      expect(fs.existsSync(lock)).toBe(true);
    } finally {
      holder.kill('SIGKILL');
    }
    await new Promise((r) => holder.once('exit', r));
    // its process is gone: the next synth takes the lock over
    synthOf(dist, 4)();
    expect(scratch(dir)).toEqual([]);
  });

  test('a lock of another host is never taken over; a lock that is not one (garbage) is', () => {
    const dir = workdir();
    const dist = path.join(dir, 'dist');
    const lock = path.join(dir, '.dist.cdk8s-tiers-lock');
    fs.writeFileSync(lock, `${JSON.stringify({ pid: 1, host: 'ci-runner-7', started: '2026-12-01T09:00:00.000Z', token: 'abc' })}\n`);
    expect(synthOf(dist)).toThrow(
      /\/dist\/: another synth \(pid 1 on host ci-runner-7, started 2026-12-01T09:00:00\.000Z\) is writing this tree, so nothing was written\. Fix: wait for it to finish and synth again \(if no synth runs there, delete \/.*\/\.dist\.cdk8s-tiers-lock\)$/,
    );
    expect(fs.existsSync(dist)).toBe(false);
    fs.writeFileSync(lock, 'not a lock\n');
    synthOf(dist)();
    expect(scratch(dir)).toEqual([]);
  });

  test('two synths racing for real: one writes, the other fails with one line or waits its turn; never a raw error or a leftover', async () => {
    const dir = workdir();
    const app = path.join(dir, 'main.ts');
    fs.writeFileSync(
      app,
      `import { shopApp } from ${JSON.stringify(FIXTURE)};\nshopApp({ outdir: ${JSON.stringify(path.join(dir, 'dist'))}, frontReplicas: Number(process.env.N) }).synth();\n`,
    );
    const run = (n: number) =>
      new Promise<{ code: number | null; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, CLI_ARGS('synth', app), { env: { ...NODE_ENV, N: String(n) } });
        let stderr = '';
        child.stderr.on('data', (d) => {
          stderr += d;
        });
        child.on('exit', (code) => resolve({ code, stderr }));
      });
    const results = await Promise.all([run(2), run(3), run(4)]);
    expect(results.filter((r) => r.code === 0).length).toBeGreaterThanOrEqual(1);
    for (const r of results.filter((x) => x.code !== 0)) {
      expect(r.stderr).toMatch(
        /^cdk8s-tiers found 1 problem:\n {2}.*dist\/: another synth \(pid \d+, started [\d\-T:.Z]+\) is writing this tree, so nothing was written\. Fix: wait for it to finish and synth again\n$/,
      );
    }
    for (const r of results.filter((x) => x.code === 0)) expect(r.stderr).toBe('');
    expect(scratch(dir)).toEqual([]);
    expect(fs.readdirSync(path.join(dir, 'dist')).sort()).toEqual(['.cdk8s-tiers', 'dev', 'prod', 'staging']);
  }, 60000);
});

describe('leftovers', () => {
  test('staging and backup folders of runs that are gone, and those of the previous writer, are removed by the next synth', () => {
    const dir = workdir();
    const dist = path.join(dir, 'dist');
    synthOf(dist)();
    for (const name of [
      '.dist.cdk8s-tiers-staging-999999-0a1b2c3d4e5f',
      '.dist.cdk8s-tiers-backup-999998-0a1b2c3d4e5f',
      '.dist.staging-Ab12Cd',
      '.dist.backup-0123456789ab',
    ]) {
      fs.mkdirSync(path.join(dir, name, 'dev'), { recursive: true });
      fs.writeFileSync(path.join(dir, name, 'dev', 'x.yaml'), 'kind: X\n');
    }
    fs.writeFileSync(path.join(dir, '.dist.cdk8s-tiers-lock-999997-0a1b2c3d4e5f'), '{}\n');
    fs.mkdirSync(path.join(dir, '.other.cdk8s-tiers-staging-1-00'));
    fs.mkdirSync(path.join(dir, 'keep-me'));
    synthOf(dist, 4)();
    expect(fs.readdirSync(dir).sort()).toEqual(['.other.cdk8s-tiers-staging-1-00', 'dist', 'keep-me']);
  });

  test('a tree missing after a run was killed between its two renames is put back from the backup, then replaced', () => {
    const dir = workdir();
    const dist = path.join(dir, 'dist');
    synthOf(dist)();
    const old = snapshotTree(dist);
    synthOf(path.join(dir, 'expected'), 4)();
    const expected = snapshotTree(path.join(dir, 'expected'));
    const backup = path.join(dir, '.dist.cdk8s-tiers-backup-999999-0a1b2c3d4e5f');
    fs.renameSync(dist, backup);
    fs.mkdirSync(path.join(dir, '.dist.cdk8s-tiers-staging-999999-0b1b2c3d4e5f'));
    // a hand-added file in that tree makes the writer stop right after putting it back: it shows the tree is back
    fs.writeFileSync(path.join(backup, 'dev', 'NOTES.md'), 'notes\n');
    expect(synthOf(dist, 4)).toThrow(/dist\/dev\/NOTES\.md: not written by cdk8s-tiers/);
    expect(snapshotTree(dist)).toEqual(new Map([...old, ['dev/NOTES.md', Buffer.from('notes\n')]]));
    expect(scratch(dir)).toEqual([]);
    fs.rmSync(path.join(dist, 'dev', 'NOTES.md'));
    synthOf(dist, 4)();
    expect(snapshotTree(dist)).toEqual(expected);
    expect(expected).not.toEqual(old);
    expect(scratch(dir)).toEqual([]);
  });
});

describe('modes', () => {
  /** Runs a synth in a child process under `umask`; returns the modes of the tree, its folders and files. */
  function modesUnder(umask: number): { root: number; folders: number[]; files: number[] } {
    const dir = workdir();
    const dist = path.join(dir, 'dist');
    const script = `process.umask(${umask}); require(${JSON.stringify(FIXTURE)}).shopApp({ outdir: ${JSON.stringify(dist)} }).synth();`;
    const r = spawnSync(process.execPath, ['-r', TS_NODE, '-e', script], { env: NODE_ENV, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    const folders: number[] = [];
    const files: number[] = [];
    const walk = (d: string): void => {
      for (const e of fs.readdirSync(d, { withFileTypes: true })) {
        const mode = fs.statSync(path.join(d, e.name)).mode & 0o777;
        if (e.isDirectory()) {
          folders.push(mode);
          walk(path.join(d, e.name));
        } else files.push(mode);
      }
    };
    walk(dist);
    return { root: fs.statSync(dist).mode & 0o777, folders: [...new Set(folders)], files: [...new Set(files)] };
  }

  test.each([
    ['022', '755', '644'],
    ['002', '775', '664'],
    ['027', '750', '640'],
    ['077', '700', '600'],
  ])('under umask %s folders get %s and files %s, the tree itself included (as a git checkout)', (umask, folder, file) => {
    const octal = (s: string) => parseInt(s, 8);
    expect(modesUnder(octal(umask))).toEqual({ root: octal(folder), folders: [octal(folder)], files: [octal(file)] });
  });
});
