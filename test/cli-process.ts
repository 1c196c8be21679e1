/**
 * What the tests that run the project's command (src/gitops/cli.ts) as a real process share:
 * the paths, the environment, the command line and scratch folders removed after the file.
 */
import { SpawnSyncOptions, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { tempDir } from './gitops-fixture';

export const ROOT = path.resolve(__dirname, '..');
/** The GitOps fixture, for app files the tests write (`import { shopApp } from FIXTURE`). */
export const FIXTURE = path.resolve(__dirname, 'gitops-fixture');
export const TS_NODE = require.resolve('ts-node/register');
/** The environment of a child that runs TypeScript with the project's tsconfig. */
export const NODE_ENV: NodeJS.ProcessEnv = { ...process.env, TS_NODE_PROJECT: path.join(ROOT, 'tsconfig.json'), CDK8S_CHECK_UPGRADE: 'false' };
/** `node -r ts-node/register src/gitops/cli.ts ARGS...`, as `npm run synth` runs it. */
export const CLI_ARGS = (...args: string[]): string[] => ['-r', TS_NODE, path.join(ROOT, 'src/gitops/cli.ts'), ...args];

/** Runs the command; `options.env` is added to NODE_ENV. */
export function runCli(args: string[], options: SpawnSyncOptions = {}) {
  return spawnSync(process.execPath, CLI_ARGS(...args), { ...options, env: { ...NODE_ENV, ...options.env }, encoding: 'utf8' });
}

/** A maker of scratch folders that are removed after the test file (call it at the top level of the file). */
export function scratchFolders(prefix?: string): () => string {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
  return () => {
    const d = tempDir(prefix);
    dirs.push(d);
    return d;
  };
}
