/**
 * What a user gets: the library packed with `npm pack` and installed for real into
 * fresh projects that pin the lowest `cdk8s`, `constructs` and `cdk8s-plus-28` the
 * peer ranges allow, once from the tarball and once by path (`--install-links`, as
 * README says). There the README's examples (read from README.md, so it cannot
 * drift) are type-checked, run and compared byte for byte with what the project
 * itself renders from its sources. Needs the npm registry or a warm npm cache.
 *
 *   npm run test:consumer        (not part of `npm test`: it installs packages)
 */
import { spawnSync, SpawnSyncOptions } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { snapshotTree } from './gitops-fixture';

const ROOT = path.resolve(__dirname, '..');
const PKG = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const PEERS = ['cdk8s', 'constructs', 'cdk8s-plus-28'];
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const TS_NODE = require.resolve('ts-node/register');
const STACK_LINE = /^\s+at .*[\\/:]/m;

/** The lowest version a peer range allows: the ranges are all "^x.y.z". */
function lowest(name: string): string {
  const range: string = PKG.peerDependencies[name];
  const m = /^\^(\d+\.\d+\.\d+)$/.exec(range);
  if (!m) throw new Error(`peerDependencies.${name} is "${range}"; this test expects a caret range "^x.y.z"`);
  return m[1];
}
const LOWEST: { [name: string]: string } = Object.fromEntries(PEERS.map((p) => [p, lowest(p)]));

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}
function run(cmd: string, args: string[], options: SpawnSyncOptions): Run {
  const r = spawnSync(cmd, args, { encoding: 'utf8', ...options, env: { ...process.env, CDK8S_CHECK_UPGRADE: 'false', ...options.env } });
  return { status: r.status, stdout: String(r.stdout), stderr: String(r.stderr) };
}
/** Runs a setup step; fails the suite with its output when it fails. */
function must(cmd: string, args: string[], options: SpawnSyncOptions): Run {
  const r = run(cmd, args, options);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} (in ${String(options.cwd)}) exited ${r.status}:\n${r.stdout}\n${r.stderr}`);
  return r;
}

// ---- the README's examples ----------------------------------------------------------

const README = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
function section(heading: string): string {
  const start = README.indexOf(`\n${heading}\n`);
  if (start < 0) throw new Error(`README.md has no "${heading}" section`);
  const end = README.indexOf('\n## ', start + heading.length + 2);
  return README.slice(start, end < 0 ? undefined : end);
}
function blocks(text: string, lang: string): string[] {
  return [...text.matchAll(new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1]);
}
const USAGE = blocks(section('## Usage'), 'ts')[0];
const OWN = section('## Use it in your project');
const GITOPS_APP = blocks(OWN, 'ts').find((b) => b.includes('new GitOpsApp('))!;
const JEST_TEST = blocks(OWN, 'ts').find((b) => b.includes('test('))!;
const CDK8S_YAML = blocks(OWN, 'yaml')[0];
const SYNTH_LINE = /`(wrote \d+ files to [^`]+)`/.exec(OWN)?.[1];
const DRIFT_LINE = /`([^`]+ is up to date: [^`]+)`/.exec(OWN)?.[1];

// ---- fixtures --------------------------------------------------------------------------

const WORK = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-tiers-consumer-'));
// the project's own renders of the same examples, from its sources (a git-ignored folder of the repo)
fs.mkdirSync(path.join(ROOT, '.scratch'), { recursive: true });
const SCRATCH = fs.mkdtempSync(path.join(ROOT, '.scratch', 'consumer-'));
afterAll(() => {
  fs.rmSync(WORK, { recursive: true, force: true });
  fs.rmSync(SCRATCH, { recursive: true, force: true });
});

/** A consumer project as `cdk8s init typescript-app` makes one, with the lowest peers pinned. */
function consumer(name: string, spec: string, npmrc: string): string {
  const dir = path.join(WORK, name);
  fs.mkdirSync(dir);
  const version = (p: string) => JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', p, 'package.json'), 'utf8')).version;
  fs.writeFileSync(
    path.join(dir, 'package.json'),
    JSON.stringify(
      {
        name: `consumer-${name}`,
        version: '1.0.0',
        private: true,
        dependencies: { ...LOWEST, 'cdk8s-tiers': spec },
        devDependencies: { typescript: version('typescript'), 'ts-node': version('ts-node') },
      },
      null,
      2,
    ),
  );
  fs.writeFileSync(path.join(dir, '.npmrc'), npmrc);
  fs.writeFileSync(
    path.join(dir, 'tsconfig.json'),
    JSON.stringify(
      {
        compilerOptions: {
          target: 'ES2020',
          module: 'CommonJS',
          lib: ['es2020'],
          strict: true,
          noImplicitReturns: true,
          noUnusedLocals: true,
          esModuleInterop: true,
          skipLibCheck: false,
          types: [],
          noEmit: true,
        },
        include: ['main.ts', 'usage.ts'],
      },
      null,
      2,
    ),
  );
  fs.writeFileSync(path.join(dir, 'main.ts'), GITOPS_APP);
  fs.writeFileSync(path.join(dir, 'usage.ts'), USAGE);
  fs.writeFileSync(path.join(dir, 'guardrails.test.ts'), JEST_TEST);
  fs.writeFileSync(path.join(dir, 'cdk8s.yaml'), CDK8S_YAML);
  must(NPM, ['install', '--no-audit', '--no-fund'], { cwd: dir });
  return dir;
}

/** The same file rendered by the project from its sources (cdk8s-tiers → src/). */
function projectRender(file: string, source: string, command: string[], env: NodeJS.ProcessEnv = {}): string {
  const dir = fs.mkdtempSync(path.join(SCRATCH, 'render-'));
  fs.writeFileSync(path.join(dir, file), source.replace(/from 'cdk8s-tiers'/g, `from ${JSON.stringify(path.join(ROOT, 'src'))}`));
  must(process.execPath, ['-r', TS_NODE, ...command, file], { cwd: dir, env: { TS_NODE_PROJECT: path.join(ROOT, 'tsconfig.json'), ...env } });
  return dir;
}

let pack: { filename: string; files: { path: string }[] };
const installs: { [kind: string]: string } = {};

beforeAll(() => {
  expect(USAGE).toContain("from 'cdk8s-tiers'");
  expect(GITOPS_APP).toContain("from 'cdk8s-tiers'");
  expect(JEST_TEST).toContain("from 'cdk8s-tiers'");
  expect(CDK8S_YAML).toMatch(/^output: /m);
  // npm pack runs `prepare`, which builds lib/ from the sources
  pack = JSON.parse(must(NPM, ['pack', '--json', '--pack-destination', WORK], { cwd: ROOT }).stdout)[0];
  installs.tarball = consumer('tarball', `file:${path.join(WORK, pack.filename)}`, '');
  installs.path = consumer('path', `file:${ROOT}`, 'install-links=true\n');
}, 600_000);

describe('the package', () => {
  test('ships the public API and what it needs at run time, nothing else', () => {
    const files = pack.files.map((f) => f.path).sort();
    for (const needed of [
      'package.json',
      'README.md',
      'lib/index.js',
      'lib/index.d.ts',
      'lib/gitops/cli.js',
      'schema/k8s-1.28-definitions.json',
      'schema/k8s-validators.js',
      'schema/k8s-shapes.json',
      'plugins/cdk8s-tiers-guardrails/index.js',
      'workers/secretlint.cjs',
      'workers/serve.cjs',
      'LICENSE',
    ])
      expect(files).toContain(needed);
    // .jsii: the jsii assembly, exported for jsii tools once the jsii build writes it; node_modules/<dep>: the
    // runtime dependencies, bundled as jsii requires of dependencies that are not jsii modules
    expect(
      files.filter(
        (f) => !/^(lib|schema|plugins|workers)\//.test(f) && !['package.json', 'README.md', 'LICENSE', '.jsii'].includes(f) && !/^node_modules\//.test(f),
      ),
    ).toEqual([]);
    // (and what those need: npm bundles each with its own dependencies)
    for (const d of PKG.bundleDependencies as string[]) expect(files).toContain(`node_modules/${d}/package.json`);
    expect(files.filter((f) => /^node_modules\/(cdk8s|constructs|cdk8s-plus-28)\//.test(f))).toEqual([]);
    expect(files.filter((f) => /^lib\/main\./.test(f) || (/\.ts$/.test(f) && !/\.d\.ts$/.test(f) && !/^node_modules\//.test(f)))).toEqual([]);
    // the hash of the sources lib/ was built from (scripts/example-app.cjs) is the repository's, not the package's
    expect(files).not.toContain('lib/.sources.sha256');
    for (const p of PEERS) expect(PKG.dependencies[p]).toBeUndefined();
  });
});

describe.each(['tarball', 'path'])('installed from the %s', (kind) => {
  const dir = () => installs[kind];

  test('one copy of cdk8s, constructs and cdk8s-plus-28: the lowest the peer ranges allow', () => {
    expect(run(NPM, ['ls', '--all'], { cwd: dir() }).status).toBe(0); // no missing, invalid or extraneous package
    for (const p of PEERS) {
      const copies = must(NPM, ['ls', p, '--all', '--parseable'], { cwd: dir() })
        .stdout.split('\n')
        .filter((l) => l.endsWith(`${path.sep}node_modules${path.sep}${p}`));
      expect(copies).toEqual([path.join(dir(), 'node_modules', p)]);
      expect(JSON.parse(fs.readFileSync(path.join(copies[0], 'package.json'), 'utf8')).version).toBe(LOWEST[p]);
    }
    // a real copy, not a symlink into the checkout (whose node_modules hold other copies)
    expect(fs.lstatSync(path.join(dir(), 'node_modules', 'cdk8s-tiers')).isSymbolicLink()).toBe(false);
  });

  test('only the exported entry points can be loaded', () => {
    const r = run(
      process.execPath,
      [
        '-e',
        [
          "console.log(typeof require('cdk8s-tiers').StatelessWebTier, require('cdk8s-tiers/package.json').name);",
          "try { require('cdk8s-tiers/lib/_errors'); } catch (e) { console.log(e.code); }",
        ].join('\n'),
      ],
      { cwd: dir() },
    );
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('function cdk8s-tiers\nERR_PACKAGE_PATH_NOT_EXPORTED\n');
  });

  test("the README's examples type-check against the installed package", () => {
    const r = run(process.execPath, [path.join(dir(), 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], { cwd: dir() });
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  test("the README's usage example synthesizes with zero guardrail findings, to the YAML the project renders", () => {
    must(process.execPath, [path.join(dir(), 'node_modules', 'ts-node', 'dist', 'bin.js'), 'usage.ts'], { cwd: dir(), env: { CDK8S_OUTDIR: 'usage-out' } });
    const out = path.join(dir(), 'usage-out');
    const check = must(
      process.execPath,
      [
        '-e',
        [
          "const fs = require('fs'); const yaml = require(require.resolve('js-yaml', { paths: [require.resolve('cdk8s-tiers')] }));",
          "const objects = fs.readdirSync('usage-out').flatMap((f) => yaml.loadAll(fs.readFileSync('usage-out/' + f, 'utf8')));",
          "const report = require('cdk8s-tiers').Guardrails.checkManifests(objects);",
          'console.log(JSON.stringify({ objects: objects.length, findings: report.findings }));',
        ].join('\n'),
      ],
      { cwd: dir() },
    );
    const { objects, findings } = JSON.parse(check.stdout);
    expect(findings).toEqual([]);
    expect(objects).toBeGreaterThanOrEqual(8);

    const project = projectRender('usage.ts', USAGE, [], { CDK8S_OUTDIR: 'out' });
    expect(snapshotTree(out)).toEqual(snapshotTree(path.join(project, 'out')));
  });

  test("the README's GitOps app through the bin and through cdk8s synth with the README's cdk8s.yaml: the summary README shows, drift clean, the tree the project renders", () => {
    const bin = path.join(dir(), 'node_modules', '.bin', 'cdk8s-tiers');
    const synth = run(bin, ['synth', 'main.ts'], { cwd: dir() });
    expect(synth.stderr).toBe('');
    expect(synth.status).toBe(0);
    expect(synth.stdout).toBe(`${SYNTH_LINE}\n`);
    const drift = run(bin, ['drift', 'main.ts'], { cwd: dir() });
    expect(drift.status).toBe(0);
    expect(drift.stdout).toBe(`${DRIFT_LINE}\n`);

    const project = projectRender('main.ts', GITOPS_APP, [path.join(ROOT, 'src', 'gitops', 'cli.ts'), 'synth']);
    expect(snapshotTree(path.join(dir(), 'dist'))).toEqual(snapshotTree(path.join(project, 'dist')));

    // `cdk8s synth` with the README's cdk8s.yaml: the same tree, and the CLI's copy in its own folder
    const cdk8s = run(process.execPath, [path.join(path.dirname(require.resolve('cdk8s-cli/package.json')), 'bin', 'cdk8s'), 'synth'], { cwd: dir() });
    expect(cdk8s.stderr).toBe('');
    expect(cdk8s.status).toBe(0);
    expect(fs.readdirSync(path.join(dir(), 'cdk8s.out')).sort()).toEqual(['dev.k8s.yaml', 'prod.k8s.yaml']);
    expect(snapshotTree(path.join(dir(), 'dist'))).toEqual(snapshotTree(path.join(project, 'dist')));
  });

  test("the README's jest test passes in the consumer project", () => {
    const config = {
      rootDir: dir(),
      testEnvironment: 'node',
      testMatch: ['<rootDir>/guardrails.test.ts'],
      transform: { '^.+\\.ts$': [require.resolve('@swc/jest'), { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } }] },
    };
    const r = run(process.execPath, [require.resolve('jest/bin/jest'), '--config', JSON.stringify(config), '--ci'], { cwd: dir() });
    expect(r.stderr).toMatch(/Tests: +1 passed, 1 total/);
    expect(r.status).toBe(0);
  });
});

describe('the installed bin, on failures', () => {
  test('a bad prop once without a stack and nothing written, a type error by the compiler, usage errors exit 2', () => {
    const dir = installs.tarball;
    const bin = path.join(dir, 'node_modules', '.bin', 'cdk8s-tiers');
    expect(run(bin, ['synth', 'main.ts'], { cwd: dir }).status).toBe(0);

    // a problem is printed once, in the library's format, without a stack; nothing is written
    fs.writeFileSync(path.join(dir, 'bad.ts'), GITOPS_APP.replace("replicas: env.replicas('api', 2)", 'replicas: -1'));
    const before = snapshotTree(path.join(dir, 'dist'));
    const bad = run(bin, ['synth', 'bad.ts'], { cwd: dir });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('[dev/shop/api] replicas: got -1; must be a whole number >= 0');
    expect(bad.stderr).not.toMatch(STACK_LINE);
    expect(snapshotTree(path.join(dir, 'dist'))).toEqual(before);
    expect(run(bin, ['--help'], { cwd: dir }).status).toBe(0);
    expect(run(bin, ['publish'], { cwd: dir }).status).toBe(2);

    // a type error: the compiler's message (file and line), no stack
    fs.writeFileSync(path.join(dir, 'bad-types.ts'), GITOPS_APP.replace("replicas: env.replicas('api', 2)", "replicas: 'two'"));
    const types = run(bin, ['synth', 'bad-types.ts'], { cwd: dir });
    expect(types.status).toBe(1);
    expect(types.stderr).toMatch(
      /^cdk8s-tiers: bad-types.ts does not compile:\nbad-types\.ts\(\d+,\d+\): error TS2322: Type 'string' is not assignable to type 'number'\.\n$/,
    );

    // a TypeScript app file where no ts-node can be found: a usage error that says what to install
    const elsewhere = fs.mkdtempSync(path.join(WORK, 'no-ts-node-'));
    fs.writeFileSync(path.join(elsewhere, 'main.ts'), 'export {};\n');
    const noTsNode = run(bin, ['synth'], { cwd: elsewhere });
    expect(noTsNode.stderr).toMatch(
      /^cdk8s-tiers: main.ts is TypeScript, and ts-node is not installed in this project. Fix: npm install --save-dev ts-node typescript, or pass the compiled .js file\n/,
    );
    expect(noTsNode.status).toBe(2);
  });
});
