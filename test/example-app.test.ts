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

/** A preload that writes, at exit, whether TypeScript (ts-node, typescript) was loaded. */
function loadedProbe(dir: string): string {
  const probe = path.join(dir, 'probe.cjs');
  fs.writeFileSync(
    probe,
    `process.on('exit', () => require('fs').writeFileSync(${JSON.stringify(path.join(dir, 'typescript-loaded'))}, String(Object.keys(require.cache).some((f) => /[\\\\/]node_modules[\\\\/](ts-node|typescript)[\\\\/]/.test(f)))));\n`,
  );
  return probe;
}

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
  expect(fs.readFileSync(path.join(dir, 'typescript-loaded'), 'utf8')).toBe('false');

  // a source edited since the build: lib/ is stale, so the sources run
  const source = path.join(dir, 'src', 'web-tier.ts');
  const original = fs.readFileSync(source, 'utf8');
  fs.appendFileSync(source, '\n// edited\n');
  fs.rmSync(path.join(dir, 'dist'), { recursive: true });
  const fromSources = run(process.execPath, ['-r', probe, 'scripts/example-app.cjs'], { cwd: dir });
  expect(fromSources.stderr).toContain(`${NOT_BUILT} (slower); \`npm run build\` makes the next synth start fast`);
  expect(fs.readFileSync(path.join(dir, 'typescript-loaded'), 'utf8')).toBe('true');
  expect(dist(dir)).toEqual(committed);

  // the edit undone (the file newer than the build, its content as built): compiled again
  fs.writeFileSync(source, original);
  expect(run(process.execPath, ['-r', probe, 'scripts/example-app.cjs'], { cwd: dir }).stderr).not.toContain(NOT_BUILT);
  expect(fs.readFileSync(path.join(dir, 'typescript-loaded'), 'utf8')).toBe('false');
}, 120_000);
