/**
 * The app that cdk8s.yaml runs (scripts/example-app.cjs): the compiled example when lib/ is
 * built from the current sources, the sources through ts-node when not (and it says so), the
 * same dist/ either way. Run in a scratch copy of the repository, built there as `npm ci` builds.
 */
import { spawnSync, SpawnSyncOptions } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT, scratchFolders } from './cli-process';
import { snapshotTree } from './gitops-fixture';

const workdir = scratchFolders('example-app-');
const NOT_BUILT = 'lib/ is not built from the current sources, so src/main.ts runs through ts-node';

function run(command: string, args: string[], options: SpawnSyncOptions) {
  const r = spawnSync(command, args, { ...options, env: { ...process.env, CDK8S_CHECK_UPGRADE: 'false' }, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${r.status ?? r.signal}):\n${r.stderr}${r.stdout}`);
  return { stdout: String(r.stdout), stderr: String(r.stderr) };
}

/** The repository's sources, configuration and example in a scratch folder (node_modules linked), built with `npm run build`. */
function builtCopy(): string {
  const dir = workdir();
  for (const entry of ['cdk8s.yaml', 'package.json', 'tsconfig.json', 'src', 'scripts', 'schema', 'workers']) {
    fs.cpSync(path.join(ROOT, entry), path.join(dir, entry), { recursive: true });
  }
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  run('npm', ['run', 'build', '--silent'], { cwd: dir });
  return dir;
}

/** A preload that writes, at exit, the packages (and their files) the run loaded, as `package/path`. */
function loadedProbe(dir: string): string {
  const probe = path.join(dir, 'probe.cjs');
  fs.writeFileSync(
    probe,
    `process.on('exit', () => require('fs').writeFileSync(${JSON.stringify(path.join(dir, 'loaded.json'))}, JSON.stringify(Object.keys(require.cache).map((f) => f.split(/[\\\\/]node_modules[\\\\/]/).pop().split('\\\\').join('/')))));\n`,
  );
  return probe;
}

/** What the last probed run loaded. */
function loaded(dir: string): string[] {
  return JSON.parse(fs.readFileSync(path.join(dir, 'loaded.json'), 'utf8'));
}
/** Whether the last probed run loaded TypeScript (ts-node, typescript). */
const typescriptLoaded = (dir: string) => loaded(dir).some((f) => /^(ts-node|typescript)\//.test(f));

const dist = (dir: string) => snapshotTree(path.join(dir, 'dist'));

test('cdk8s synth runs the compiled example after a build, without TypeScript, writing the committed dist/; after an edit of src/, the sources through ts-node, saying so, and the same dist/; compiled again once the sources are as built', () => {
  const dir = builtCopy();
  expect(fs.readFileSync(path.join(dir, 'lib', '.sources.sha256'), 'utf8')).toMatch(/^[0-9a-f]{64}\n$/);
  const probe = loadedProbe(dir);
  const committed = dist(ROOT);

  // as `cdk8s synth` runs it (cdk8s.yaml's app line), after the build
  const compiled = run('npx', ['cdk8s', 'synth'], { cwd: dir, env: {} });
  expect(compiled.stderr).not.toContain(NOT_BUILT);
  expect(compiled.stdout).toContain('cdk8s.out/prod.k8s.yaml');
  expect(dist(dir)).toEqual(committed);
  run(process.execPath, ['-r', probe, 'scripts/example-app.cjs'], { cwd: dir });
  expect(typescriptLoaded(dir)).toBe(false);
  // start-up: of cdk8s-plus-28 only its k8s classes (the library uses none of its constructs); no ajv, no definitions (all kinds precompiled)
  expect(loaded(dir)).toContain('cdk8s-plus-28/lib/imports/k8s.js');
  expect(loaded(dir).filter((f) => /^cdk8s-plus-28\/lib\/(index|deployment)\.js$|^ajv\//.test(f))).toEqual([]);

  // a source edited since the build: lib/ is stale, so the sources run
  const source = path.join(dir, 'src', 'web-tier.ts');
  const original = fs.readFileSync(source, 'utf8');
  fs.appendFileSync(source, '\n// edited\n');
  fs.rmSync(path.join(dir, 'dist'), { recursive: true });
  const fromSources = run(process.execPath, ['-r', probe, 'scripts/example-app.cjs'], { cwd: dir });
  expect(fromSources.stderr).toContain(`${NOT_BUILT} (slower); \`npm run build\` makes the next synth start fast`);
  expect(typescriptLoaded(dir)).toBe(true);
  expect(dist(dir)).toEqual(committed);

  // the edit undone (the file newer than the build, its content as built): compiled again
  fs.writeFileSync(source, original);
  expect(run(process.execPath, ['-r', probe, 'scripts/example-app.cjs'], { cwd: dir }).stderr).not.toContain(NOT_BUILT);
  expect(typescriptLoaded(dir)).toBe(false);
}, 120_000);
