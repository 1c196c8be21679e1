/**
 * All or nothing: a failed synth leaves the previous tree byte for byte,
 * removed objects disappear, the drift check catches hand edits, and both
 * the project's command and the real cdk8s CLI go through the same path.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DriftCheck, GitOpsApp, IManifestCheck } from '../src/gitops';
import { replaceFolder } from '../src/gitops/_writer';
import { CLI_ARGS, FIXTURE, NODE_ENV, scratchFolders, TS_NODE } from './cli-process';
import { ENVIRONMENTS, shopApp, ShopAppOptions, snapshotTree } from './gitops-fixture';

const workdir = scratchFolders();

/** Writes an app file into `dir` that renders the example into `dir/dist`; FRONT_REPLICAS and WITHOUT_API change it. */
function appFile(dir: string): string {
  const file = path.join(dir, 'main.ts');
  fs.writeFileSync(
    file,
    [
      `import { shopApp } from ${JSON.stringify(FIXTURE)};`,
      'shopApp({',
      `  outdir: ${JSON.stringify(path.join(dir, 'dist'))},`,
      '  frontReplicas: process.env.FRONT_REPLICAS ? Number(process.env.FRONT_REPLICAS) : undefined,',
      '  withoutApi: process.env.WITHOUT_API === "1",',
      '}).synth();',
      '',
    ].join('\n'),
  );
  return file;
}

/** Runs src/gitops/cli.ts as the project's scripts do. */
function cli(args: string[], env: NodeJS.ProcessEnv = {}) {
  return spawnSync(process.execPath, CLI_ARGS(...args), { env: { ...NODE_ENV, ...env }, encoding: 'utf8' });
}

/** The modes a write gives under this process's umask (the tests run under any). */
const FILE_MODE = `0${(0o666 & ~process.umask()).toString(8)}`;
const FOLDER_MODE = `0${(0o777 & ~process.umask()).toString(8)}`;
const leftovers = (dir: string) => fs.readdirSync(path.dirname(dir)).filter((n) => n.startsWith('.dist.'));
const failing: IManifestCheck = { check: (objects, folder) => (folder === 'prod' ? [`policy: ${objects.length} objects, none may pass`] : []) };

describe('all or nothing', () => {
  test('a failed synth (bad props and a failed check) leaves the previous tree byte for byte and lists every problem', () => {
    const dist = path.join(workdir(), 'dist');
    shopApp({ outdir: dist }).synth();
    const before = snapshotTree(dist);
    const bad: ShopAppOptions = { outdir: dist, frontReplicas: -1, checks: [failing] };
    let message = '';
    try {
      shopApp(bad).synth();
    } catch (e) {
      message = (e as Error).message;
    }
    // dev and prod override the front's replicas; staging uses the definition's
    expect(message).toMatch(/^cdk8s-tiers found \d+ problems:/);
    expect(message).toContain('[staging/shop/front] replicas: got -1; must be a whole number >= 0');
    expect(message).toContain('[prod] policy: 12 objects, none may pass');
    expect(snapshotTree(dist)).toEqual(before);
    expect(leftovers(dist)).toEqual([]);
  });

  test('a failed synth without a previous tree writes nothing', () => {
    const dist = path.join(workdir(), 'dist');
    expect(() => shopApp({ outdir: dist, checks: [failing] }).synth()).toThrow(/\[prod\] policy: /);
    expect(fs.existsSync(dist)).toBe(false);
    expect(leftovers(dist)).toEqual([]);
  });

  test('the checks see copies: changing them changes nothing', () => {
    const a = path.join(workdir(), 'dist');
    const b = path.join(workdir(), 'dist');
    const vandal: IManifestCheck = {
      check: (objects) => {
        objects.forEach((o) => {
          o.kind = 'Changed';
        });
        return [];
      },
    };
    shopApp({ outdir: a }).synth();
    shopApp({ outdir: b, checks: [vandal] }).synth();
    expect(snapshotTree(b)).toEqual(snapshotTree(a));
  });

  test("a removed resource's files are gone after the next synth, and so is a removed environment", () => {
    const dist = path.join(workdir(), 'dist');
    shopApp({ outdir: dist }).synth();
    expect(fs.existsSync(path.join(dist, 'dev', 'deployment-shop-dev-api.yaml'))).toBe(true);
    const dev = ENVIRONMENTS.dev;
    shopApp({ outdir: dist, withoutApi: true, environments: { dev: { ...dev, tiers: { front: dev.tiers!.front } } } }).synth();
    expect(fs.readdirSync(dist).sort()).toEqual(['.cdk8s-tiers', 'dev']);
    const files = fs.readdirSync(path.join(dist, 'dev'));
    expect(files.filter((f) => f.includes('-api'))).toEqual([]);
    expect(fs.readFileSync(path.join(dist, 'dev', 'kustomization.yaml'), 'utf8')).not.toContain('-api');
    expect(leftovers(dist)).toEqual([]);
  });

  test('a folder the writer did not write is refused, naming what is there, and left as it was', () => {
    const dist = path.join(workdir(), 'dist');
    fs.mkdirSync(path.join(dist, 'old'), { recursive: true });
    fs.writeFileSync(path.join(dist, 'shop.k8s.yaml'), 'kind: Old\n');
    expect(() => shopApp({ outdir: dist }).synth()).toThrow(
      /dist: holds files that cdk8s-tiers did not write \(no \.cdk8s-tiers marker; "old\/", "shop\.k8s\.yaml"\); replacing it would delete what is there, so nothing was written/,
    );
    expect(fs.readdirSync(dist).sort()).toEqual(['old', 'shop.k8s.yaml']);
    expect(leftovers(dist)).toEqual([]);
  });

  test('rejects an outdir that holds more than generated output', () => {
    const repo = workdir();
    fs.mkdirSync(path.join(repo, '.git'));
    expect(() => shopApp({ outdir: repo }).synth()).toThrow(/outdir: got ".*"; holds a \.git folder; the GitOps tree replaces its folder as a whole/);
    expect(() => shopApp({ outdir: process.cwd() }).synth()).toThrow(/is the working folder or one of its parents/);
    expect(() => shopApp({ outdir: path.dirname(process.cwd()) }).synth()).toThrow(/is the working folder or one of its parents/);
    expect(fs.readdirSync(repo)).toEqual(['.git']);
  });
});

describe('drift check', () => {
  test('is clean right after a synth', () => {
    const dist = path.join(workdir(), 'dist');
    shopApp({ outdir: dist }).synth();
    expect(shopApp({ outdir: dist }).checkDrift()).toEqual({ changed: [], missing: [], extra: [], wrongType: [], wrongMode: [], clean: true });
  });

  test('fails on a hand-edited file, a missing file and an extra file, naming each', () => {
    const dist = path.join(workdir(), 'dist');
    shopApp({ outdir: dist }).synth();
    const edited = path.join(dist, 'prod', 'deployment-shop-prod-api.yaml');
    fs.writeFileSync(edited, fs.readFileSync(edited, 'utf8').replace('revisionHistoryLimit: 10', 'revisionHistoryLimit: 3'));
    fs.rmSync(path.join(dist, 'dev', 'README.md'));
    fs.writeFileSync(path.join(dist, 'staging', 'notes.txt'), 'hand-written\n');
    const report = shopApp({ outdir: dist }).checkDrift();
    expect(report).toEqual({
      changed: ['prod/deployment-shop-prod-api.yaml'],
      missing: ['dev/README.md'],
      extra: ['staging/notes.txt'],
      wrongType: [],
      wrongMode: [],
      clean: false,
    });

    process.env[GitOpsApp.MODE_VARIABLE] = 'check';
    try {
      const before = snapshotTree(dist);
      expect(() => shopApp({ outdir: dist }).synth()).toThrow(
        /prod\/deployment-shop-prod-api\.yaml: differs from what the sources render[\s\S]*dev\/README\.md: missing[\s\S]*staging\/notes\.txt: not rendered/,
      );
      expect(snapshotTree(dist)).toEqual(before);
    } finally {
      delete process.env[GitOpsApp.MODE_VARIABLE];
    }
  });

  test('fails on a changed mode, a file replaced by a link to an identical copy, and extra folders, empty or not, naming each', () => {
    const dir = workdir();
    const dist = path.join(dir, 'dist');
    shopApp({ outdir: dist }).synth();
    fs.chmodSync(path.join(dist, 'dev', 'service-shop-dev-front.yaml'), 0o755);
    fs.chmodSync(path.join(dist, 'prod'), 0o700);
    const copy = path.join(dir, 'copy.yaml');
    fs.copyFileSync(path.join(dist, 'dev', 'deployment-shop-dev-api.yaml'), copy);
    fs.rmSync(path.join(dist, 'dev', 'deployment-shop-dev-api.yaml'));
    fs.symlinkSync(copy, path.join(dist, 'dev', 'deployment-shop-dev-api.yaml'));
    fs.mkdirSync(path.join(dist, 'qa'));
    fs.mkdirSync(path.join(dist, 'notes', 'deep'), { recursive: true });
    fs.writeFileSync(path.join(dist, 'notes', 'deep', 'a.md'), 'a\n');
    fs.mkdirSync(path.join(dist, 'staging', 'empty'));
    // the link is what kubectl kustomize refuses (a file outside the folder): drift must not call it up to date
    expect(spawnSync('kubectl', ['kustomize', path.join(dist, 'dev')], { encoding: 'utf8' }).status).not.toBe(0);

    const report = shopApp({ outdir: dist }).checkDrift();
    expect(report).toEqual({
      changed: [],
      missing: [],
      clean: false,
      extra: ['notes/', 'qa/', 'staging/empty/'],
      wrongType: [{ path: 'dev/deployment-shop-dev-api.yaml', found: 'symbolic link', expected: 'regular file' }],
      wrongMode: [
        { path: 'dev/service-shop-dev-front.yaml', found: '0755', expected: FILE_MODE },
        { path: 'prod/', found: '0700', expected: FOLDER_MODE },
      ],
    });
    expect(DriftCheck.describe(report, 'dist')).toEqual([
      'dist/notes/: not rendered by the sources (stale or added by hand; a folder, reported once for everything in it)',
      'dist/qa/: not rendered by the sources (stale or added by hand; a folder, reported once for everything in it)',
      'dist/staging/empty/: not rendered by the sources (stale or added by hand; a folder, reported once for everything in it)',
      'dist/dev/deployment-shop-dev-api.yaml: is a symbolic link, not the regular file the sources render (kubectl kustomize, Argo CD and Flux may read it differently or not at all)',
      `dist/dev/service-shop-dev-front.yaml: has mode 0755; a synth or a git checkout gives ${FILE_MODE} under this umask`,
      `dist/prod/: has mode 0700; a synth or a git checkout gives ${FOLDER_MODE} under this umask`,
    ]);
  });

  test('fails on the tree itself with a wrong mode (the 0700 of a temporary folder)', () => {
    const dist = path.join(workdir(), 'dist');
    shopApp({ outdir: dist }).synth();
    fs.chmodSync(dist, 0o700);
    expect(shopApp({ outdir: dist }).checkDrift().wrongMode).toEqual([{ path: '', found: '0700', expected: FOLDER_MODE }]);
  });

  test('DriftCheck compares any folder with rendered files', () => {
    const dir = workdir();
    fs.chmodSync(dir, 0o777 & ~process.umask());
    fs.mkdirSync(path.join(dir, 'a'));
    fs.writeFileSync(path.join(dir, 'a', 'x.yaml'), 'kind: X\n');
    expect(DriftCheck.compare({ 'a/x.yaml': 'kind: X\n' }, dir).clean).toBe(true);
    const report = DriftCheck.compare({ 'a/x.yaml': 'kind: Y\n', 'b.yaml': '' }, dir);
    expect(DriftCheck.describe(report, 'dist')).toEqual([
      'dist/a/x.yaml: differs from what the sources render (edited by hand, or not synthesized since the sources changed)',
      'dist/b.yaml: missing (the sources render it)',
    ]);
    expect(DriftCheck.compare({}, path.join(dir, 'none')).clean).toBe(true);
  });

  test('fails when the sources changed but the tree was not synthesized', () => {
    const dist = path.join(workdir(), 'dist');
    shopApp({ outdir: dist }).synth();
    expect(shopApp({ outdir: dist, frontReplicas: 4 }).checkDrift().changed).toEqual(['staging/README.md', 'staging/deployment-shop-staging-front.yaml']);
  });

  test('the CLI: writes, checks, exits 1 naming the edited file, and prints problems without a stack trace', () => {
    const dir = workdir();
    const app = appFile(dir);
    const write = cli(['synth', app]);
    expect(write.stderr).toBe('');
    expect(write.status).toBe(0);
    expect(write.stdout).toMatch(/wrote 40 files to .*dist\/: dev 13, prod 14, staging 13\n$/);
    expect(cli(['drift', app]).status).toBe(0);

    fs.appendFileSync(path.join(dir, 'dist', 'dev', 'service-shop-dev-front.yaml'), '# edited\n');
    const check = cli(['drift', app]);
    expect(check.status).toBe(1);
    expect(check.stderr).toContain('dist/dev/service-shop-dev-front.yaml: differs from what the sources render');

    const before = snapshotTree(path.join(dir, 'dist'));
    const bad = cli(['synth', app], { FRONT_REPLICAS: '1.5' });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('[staging/shop/front] replicas: got 1.5; must be a whole number >= 0');
    expect(bad.stderr).not.toMatch(/\bat .*\.ts:\d+/);
    expect(snapshotTree(path.join(dir, 'dist'))).toEqual(before);
  });

  test('the CLI fails when the app file synthesizes no GitOpsApp', () => {
    const dir = workdir();
    const file = path.join(dir, 'plain.ts');
    fs.writeFileSync(file, 'export const x = 1;\n');
    const r = cli(['drift', file]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/did not call synth\(\) on a GitOpsApp, so nothing was checked/);
  });
});

describe('through the cdk8s CLI', () => {
  const CDK8S = path.join(path.dirname(require.resolve('cdk8s-cli/package.json')), 'bin', 'cdk8s');

  test('with output: a scratch folder, a failed `cdk8s synth` keeps dist/ and a good one replaces it', () => {
    const dir = workdir();
    appFile(dir);
    fs.writeFileSync(path.join(dir, 'cdk8s.yaml'), `language: typescript\napp: node -r ${TS_NODE} main.ts\noutput: cdk8s.out\n`);
    const synth = (env: NodeJS.ProcessEnv = {}) => spawnSync(process.execPath, [CDK8S, 'synth'], { cwd: dir, env: { ...NODE_ENV, ...env }, encoding: 'utf8' });

    const ok = synth();
    expect(ok.status).toBe(0);
    expect(fs.readdirSync(path.join(dir, 'dist')).sort()).toEqual(['.cdk8s-tiers', 'dev', 'prod', 'staging']);
    expect(fs.readdirSync(path.join(dir, 'cdk8s.out')).sort()).toEqual(['dev.k8s.yaml', 'prod.k8s.yaml', 'staging.k8s.yaml']);
    expect(ok.stdout).toContain('cdk8s.out/dev.k8s.yaml');
    const before = snapshotTree(path.join(dir, 'dist'));

    const bad = synth({ FRONT_REPLICAS: '-2' });
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toContain('[staging/shop/front] replicas: got -2; must be a whole number >= 0');
    expect(snapshotTree(path.join(dir, 'dist'))).toEqual(before);

    expect(synth({ WITHOUT_API: '1' }).status).not.toBe(0); // the environments still override the api tier
    expect(snapshotTree(path.join(dir, 'dist'))).toEqual(before);
    expect(leftovers(path.join(dir, 'dist'))).toEqual([]);
  });

  test('the multi-document copy holds the same objects as the tree', () => {
    const dir = workdir();
    appFile(dir);
    execFileSync(process.execPath, ['-r', TS_NODE, path.join(dir, 'main.ts')], { env: { ...NODE_ENV, CDK8S_OUTDIR: path.join(dir, 'out') } });
    const copy = fs.readFileSync(path.join(dir, 'out', 'dev.k8s.yaml'), 'utf8');
    const kustomization = fs.readFileSync(path.join(dir, 'dist', 'dev', 'kustomization.yaml'), 'utf8');
    const files = kustomization
      .split('\n')
      .filter((l) => l.startsWith('  - '))
      .map((l) => l.slice(4));
    expect(copy).toBe(files.map((f) => `---\n${fs.readFileSync(path.join(dir, 'dist', 'dev', f), 'utf8')}`).join(''));
  });

  test.each([
    ['is', 'dist', 'is the GitOps tree'],
    ['holds', '.', 'holds the GitOps tree'],
    ['lies inside', 'dist/cli', 'lies inside the GitOps tree'],
  ])('an output: folder that %s the GitOps tree fails every run at once, naming the cdk8s.yaml line; the tree stays', (_how, output, rule) => {
    const dir = workdir();
    appFile(dir);
    fs.writeFileSync(path.join(dir, 'cdk8s.yaml'), `language: typescript\napp: node main.ts\noutput: ${output}\n`);
    const run = (env: NodeJS.ProcessEnv = {}) =>
      spawnSync(process.execPath, ['-r', TS_NODE, path.join(dir, 'main.ts')], {
        cwd: dir,
        env: { ...NODE_ENV, CDK8S_OUTDIR: output, ...env },
        encoding: 'utf8',
      });
    shopApp({ outdir: path.join(dir, 'dist') }).synth();
    const before = snapshotTree(path.join(dir, 'dist'));
    for (const r of [run(), run({ FRONT_REPLICAS: '-2' })]) {
      expect(r.status).not.toBe(0);
      const shown = output === '.' ? '.' : output;
      expect(r.stderr).toContain(
        `the cdk8s CLI output folder "${shown}" ${rule} "dist/": the CLI deletes that folder before it runs the app, so every synth under the CLI would lose the tree; nothing was written. ` +
          'Fix: in cdk8s.yaml, change line 3 "output: ' +
          output +
          '" to "output: cdk8s.out"',
      );
      expect(r.stderr).not.toContain('replicas: got -2'); // it fails before anything else
    }
    expect(snapshotTree(path.join(dir, 'dist'))).toEqual(before);
  });

  test('under the real cdk8s CLI with the default output folder: fails at once, says the tree is already gone and which line to add', () => {
    const dir = workdir();
    appFile(dir);
    fs.writeFileSync(path.join(dir, 'cdk8s.yaml'), `language: typescript\napp: node -r ${TS_NODE} main.ts\n`);
    shopApp({ outdir: path.join(dir, 'dist') }).synth();
    const r = spawnSync(process.execPath, [CDK8S, 'synth'], { cwd: dir, env: NODE_ENV, encoding: 'utf8' });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('the cdk8s CLI output folder "dist" is the GitOps tree "dist/"');
    expect(r.stderr).toContain("(this run's already did: after the fix, synth again or restore it with git checkout -- dist)");
    expect(r.stderr).toContain('Fix: cdk8s.yaml has no "output:" line, so the CLI uses "dist": add the line "output: cdk8s.out"');
  });

  test('a cliOutdir given in the props inside the tree is a problem of its own', () => {
    const dir = workdir();
    expect(() => shopApp({ outdir: path.join(dir, 'dist'), cliOutdir: path.join(dir, 'dist', 'cli') }).synth()).toThrow(
      /cliOutdir: got ".*\/dist\/cli"; lies inside the GitOps tree ".*\/dist\/", and the copy for the cdk8s CLI must stay out of it\. Fix: set cliOutdir to a folder of its own, like "cdk8s\.out"/,
    );
    expect(fs.existsSync(path.join(dir, 'dist'))).toBe(false);
  });
});

describe('one file at a time', () => {
  test('the writer reads its files one by one: each is on disk before the next is made, and the marker lists them all', () => {
    const dir = workdir();
    const target = path.join(dir, 'tree');
    const staged = (rel: string) => {
      const staging = fs.readdirSync(dir).filter((n) => /^\.tree\.cdk8s-tiers-staging-/.test(n));
      return staging.length === 1 && fs.existsSync(path.join(dir, staging[0], ...rel.split('/')));
    };
    const made: string[] = [];
    function* files(): Generator<[string, string]> {
      for (const rel of ['dev/a.yaml', 'dev/b.yaml', 'prod/c.yaml']) {
        for (const earlier of made) expect(staged(earlier)).toBe(true);
        made.push(rel);
        yield [rel, `file: ${rel}\n`];
      }
    }
    replaceFolder(target, files());
    expect(made).toEqual(['dev/a.yaml', 'dev/b.yaml', 'prod/c.yaml']);
    expect(fs.readFileSync(path.join(target, 'prod', 'c.yaml'), 'utf8')).toBe('file: prod/c.yaml\n');
    expect(fs.readFileSync(path.join(target, '.cdk8s-tiers'), 'utf8').split('\n').slice(3)).toEqual(['dev/a.yaml', 'dev/b.yaml', 'prod/c.yaml', '']);
  });

  test('a file given as chunks is their text byte for byte (non-ASCII included), with the mode of a file given as one text', () => {
    const dir = workdir();
    const target = path.join(dir, 'tree');
    const chunks = ['# title\n', '', 'a → b … ', 'é'.repeat(70000), '\u{1F600}\n', 'end\n'];
    replaceFolder(target, [
      ['dev/README.md', chunks],
      ['dev/one.md', chunks.join('')],
    ]);
    const bytes = fs.readFileSync(path.join(target, 'dev', 'README.md'));
    expect(bytes.equals(Buffer.from(chunks.join(''), 'utf8'))).toBe(true);
    expect(bytes.equals(fs.readFileSync(path.join(target, 'dev', 'one.md')))).toBe(true);
    expect(fs.statSync(path.join(target, 'dev', 'README.md')).mode & 0o777).toBe(fs.statSync(path.join(target, 'dev', 'one.md')).mode & 0o777);
  });

  test('chunks that fail half-way leave the previous tree byte for byte and no staging folder', () => {
    const dir = workdir();
    const target = path.join(dir, 'tree');
    replaceFolder(target, [['dev/README.md', 'before\n']]);
    function* failing(): Generator<string> {
      yield 'half of it\n';
      throw new Error('the topology failed');
    }
    expect(() => replaceFolder(target, [['dev/README.md', failing()]])).toThrow(
      /could not write \/.*\/\.tree\.cdk8s-tiers-staging-\d+-[0-9a-f]+\/dev\/README\.md: Error \(the topology failed\); \/.*\/tree\/ is unchanged; nothing was left behind$/,
    );
    expect(fs.readFileSync(path.join(target, 'dev', 'README.md'), 'utf8')).toBe('before\n');
    expect(fs.readdirSync(dir).filter((n) => n.includes('staging'))).toEqual([]);
  });
});

describe('the copy for the cdk8s CLI', () => {
  test("each environment's copy is its objects' files in apply order, one document each, byte for byte", () => {
    const dir = workdir();
    const dist = path.join(dir, 'dist');
    const cli = path.join(dir, 'cli');
    shopApp({ outdir: dist, cliOutdir: cli }).synth();
    expect(fs.readdirSync(cli).sort()).toEqual(['dev.k8s.yaml', 'prod.k8s.yaml', 'staging.k8s.yaml']);
    for (const env of ['dev', 'prod', 'staging']) {
      const kustomization = fs.readFileSync(path.join(dist, env, 'kustomization.yaml'), 'utf8');
      const resources = [...kustomization.matchAll(/^ {2}- (.+)$/gm)].map((m) => m[1]);
      expect(resources.length).toBeGreaterThan(10);
      const documents = resources.map((file) => `---\n${fs.readFileSync(path.join(dist, env, file), 'utf8')}`).join('');
      expect(fs.readFileSync(path.join(cli, `${env}.k8s.yaml`), 'utf8')).toBe(documents);
    }
  });
});
