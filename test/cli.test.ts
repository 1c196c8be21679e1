/**
 * The `cdk8s-tiers` command (src/gitops/cli.ts, the package's bin): exit codes,
 * what it prints, and that a user never sees a stack trace unless asking for one.
 * Run as a child process, as users run it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FIXTURE, runCli, scratchFolders } from './cli-process';
import { snapshotTree } from './gitops-fixture';

const STACK_LINE = /^\s+at .*[\\/:]/m;

const workdir = scratchFolders('cli-');

/** Runs the CLI in `cwd`, as `npm run synth` does. */
function cli(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}) {
  const r = runCli(args, { cwd, env });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** An app file in `dir` that renders the test shop into `dir/dist` (relative outdir); FRONT_REPLICAS changes it. */
function shopAppFile(dir: string, name = 'main.ts'): string {
  const file = path.join(dir, name);
  fs.writeFileSync(
    file,
    [
      `import { shopApp } from ${JSON.stringify(FIXTURE)};`,
      "shopApp({ outdir: 'dist', frontReplicas: process.env.FRONT_REPLICAS ? Number(process.env.FRONT_REPLICAS) : undefined }).synth();",
      '',
    ].join('\n'),
  );
  return file;
}

const countFiles = (dir: string) => snapshotTree(dir).size;

describe('usage', () => {
  test('--help prints both commands, the app file rules and the exit codes, and exits 0', () => {
    const r = cli(['--help'], workdir());
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^usage: cdk8s-tiers <command> \[app\] \[options\]/);
    expect(r.stdout).toMatch(/synth \[app\] +write the GitOps tree/);
    expect(r.stdout).toMatch(/drift \[app\] +compare the tree on disk/);
    expect(r.stdout).toContain('Default: the first of main.ts, src/main.ts, main.js that exists');
    expect(r.stdout).toMatch(/2 +usage error/);
    expect(cli(['synth', '-h'], workdir()).stdout).toBe(r.stdout);
  });

  test.each([
    [[], /cdk8s-tiers: no command given\nusage: cdk8s-tiers synth\|drift \[app\]/],
    [['deploy'], /cdk8s-tiers: unknown command "deploy"; the commands are synth and drift/],
    [['synth', '--frobnicate'], /cdk8s-tiers: Unknown option '--frobnicate'/],
    [['synth', 'a.ts', 'b.ts'], /cdk8s-tiers: one app file at most; also got "b.ts"/],
    [['synth', 'missing.ts'], /cdk8s-tiers: app file not found: missing.ts/],
    [['drift'], /cdk8s-tiers: no app file given, and none of main.ts, src\/main.ts, main.js exists in /],
  ])('%j is a usage error: exit 2, one message and the usage line, no stack', (args, message) => {
    const r = cli(args, workdir());
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toMatch(/\nusage: cdk8s-tiers synth\|drift \[app\] \[--stack\] +\(cdk8s-tiers --help for more\)\n$/);
    expect(r.stderr).not.toMatch(STACK_LINE);
  });

  test('an ES module or an unknown kind of app file is a usage error', () => {
    const dir = workdir();
    fs.writeFileSync(path.join(dir, 'main.mjs'), 'export {};\n');
    fs.writeFileSync(path.join(dir, 'main.yaml'), 'a: 1\n');
    const esm = cli(['synth', 'main.mjs'], dir);
    expect(esm.status).toBe(2);
    expect(esm.stderr).toContain('main.mjs is an ES module; the app file must be CommonJS');
    const yaml = cli(['synth', 'main.yaml'], dir);
    expect(yaml.status).toBe(2);
    expect(yaml.stderr).toContain('main.yaml: the app file must end in .js, .cjs, .ts or .cts');
  });
});

describe('synth and drift', () => {
  test('synth writes the tree and ends with the folder, the environments and their file counts; drift agrees', () => {
    const dir = workdir();
    shopAppFile(dir);
    const write = cli(['synth'], dir); // main.ts is the default app file
    expect(write.stderr).toBe('');
    expect(write.status).toBe(0);
    const counts = ['dev', 'prod', 'staging'].map((e) => countFiles(path.join(dir, 'dist', e)));
    expect(counts.every((n) => n > 10)).toBe(true);
    const total = counts[0] + counts[1] + counts[2];
    expect(write.stdout).toBe(`wrote ${total} files to dist/: dev ${counts[0]}, prod ${counts[1]}, staging ${counts[2]}\n`);

    const check = cli(['drift', 'main.ts'], dir);
    expect(check.status).toBe(0);
    expect(check.stdout).toBe(`dist/ is up to date: ${total} files (dev ${counts[0]}, prod ${counts[1]}, staging ${counts[2]})\n`);
  });

  test('drift exits 1 naming each changed, missing and extra file, and writes nothing', () => {
    const dir = workdir();
    shopAppFile(dir);
    expect(cli(['synth'], dir).status).toBe(0);
    fs.appendFileSync(path.join(dir, 'dist', 'dev', 'service-shop-dev-front.yaml'), '# edited\n');
    fs.rmSync(path.join(dir, 'dist', 'prod', 'README.md'));
    fs.writeFileSync(path.join(dir, 'dist', 'staging', 'extra.yaml'), 'a: 1\n');
    const before = snapshotTree(path.join(dir, 'dist'));
    const r = cli(['drift'], dir);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('dist/dev/service-shop-dev-front.yaml: differs from what the sources render');
    expect(r.stderr).toContain('dist/prod/README.md: missing (the sources render it)');
    expect(r.stderr).toContain('dist/staging/extra.yaml: not rendered by the sources');
    expect(r.stderr).not.toMatch(STACK_LINE);
    expect(snapshotTree(path.join(dir, 'dist'))).toEqual(before);
  });

  test('bad props: exit 1, every problem printed once in the library format, no stack, the tree as it was', () => {
    const dir = workdir();
    shopAppFile(dir);
    expect(cli(['synth'], dir).status).toBe(0);
    const before = snapshotTree(path.join(dir, 'dist'));
    const r = cli(['synth'], dir, { FRONT_REPLICAS: '-1' });
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    const problems = r.stderr.split('\n').filter((l) => l.startsWith('  ['));
    expect(problems).toContain(
      '  [staging/shop/front] replicas: got -1; must be a whole number >= 0. Fix: set replicas to a whole number >= 0, or leave it out for the default',
    );
    expect(new Set(problems).size).toBe(problems.length);
    expect(r.stderr).toMatch(/^cdk8s-tiers found \d+ problems?:\n/);
    expect(r.stderr).not.toMatch(STACK_LINE);
    expect(snapshotTree(path.join(dir, 'dist'))).toEqual(before);
  });

  test('an unexpected error in the app file: exit 1, its message, no stack unless --stack', () => {
    const dir = workdir();
    fs.writeFileSync(path.join(dir, 'broken.js'), 'const x = undefined;\nx.y = 1;\n');
    const r = cli(['synth', 'broken.js'], dir);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^cdk8s-tiers: broken.js failed: TypeError: Cannot set properties of undefined \(setting 'y'\)\n/);
    expect(r.stderr).toContain('run again with --stack to see where it happened');
    expect(r.stderr).not.toMatch(STACK_LINE);
    const withStack = cli(['synth', 'broken.js', '--stack'], dir);
    expect(withStack.status).toBe(1);
    expect(withStack.stderr).toMatch(/^\s+at .*broken\.js:2/m);
  });

  test('a syntax error in the app file: exit 1, the message and where it is, no stack', () => {
    const dir = workdir();
    fs.writeFileSync(path.join(dir, 'syntax.js'), 'const a = 1;\nconst b = = 2;\n');
    const r = cli(['synth', 'syntax.js'], dir);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^cdk8s-tiers: syntax.js failed: SyntaxError: Unexpected token '='\n.*syntax\.js:2\nconst b = = 2;\n/);
    expect(r.stderr).not.toMatch(STACK_LINE);
  });

  test('an app file that never synthesizes a GitOpsApp: exit 1 and the fix', () => {
    const dir = workdir();
    fs.writeFileSync(path.join(dir, 'plain.js'), 'module.exports = 1;\n');
    const r = cli(['drift', 'plain.js'], dir);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(
      'cdk8s-tiers: plain.js did not call synth() on a GitOpsApp, so nothing was checked. Fix: build the app with new GitOpsApp() and end the file with app.synth()\n',
    );
  });
});
