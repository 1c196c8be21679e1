/**
 * The synchronous call into a worker thread (src/guardrails/_sync-worker.ts with
 * workers/serve.cjs on the worker's side), which the secret scan runs secretlint through.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SyncWorker } from '../src/guardrails/_sync-worker';

const SERVE = path.join(__dirname, '..', 'workers', 'serve.cjs');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sync-worker-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A worker file that serves `body` (the source of a function of one argument). */
function workerFile(name: string, body: string): string {
  const file = path.join(dir, `${name}.cjs`);
  fs.writeFileSync(file, `require(${JSON.stringify(SERVE)}).serveInWorker(${body});\n`);
  return file;
}

test('answers each call with what the worker function returns or resolves, in order, also a large argument', () => {
  const worker = new SyncWorker<{ n: number; text: string }, { n: number; length: number }>(
    workerFile('double', 'async ({ n, text }) => { await new Promise((r) => setTimeout(r, 5)); return { n: 2 * n, length: text.length }; }'),
  );
  expect(worker.call({ n: 21, text: 'x' })).toEqual({ n: 42, length: 1 });
  expect(worker.call({ n: -1, text: 'é'.repeat(3_000_000) })).toEqual({ n: -2, length: 3_000_000 });
  expect(worker.call({ n: 0.5, text: '' })).toEqual({ n: 1, length: 0 });
});

test('a stopped worker answers no more calls: each throws at once, saying it was stopped', () => {
  const file = workerFile('stopped', '(n) => n + 1');
  // a short timeout: a call that waited for the stopped thread would throw "no answer within" instead
  const worker = new SyncWorker<number, number>(file, 2_000);
  expect(worker.call(1)).toBe(2);
  worker.stop();
  for (let i = 0; i < 2; i++) expect(() => worker.call(1)).toThrow(`${file}: the worker was stopped by its owner`);
});

test("throws the worker's error, naming the worker file, and goes on answering later calls", () => {
  const file = workerFile('fails', '(n) => { if (n < 0) throw new RangeError("negative: " + n); return n; }');
  const worker = new SyncWorker<number, number>(file);
  // its name and message, not its stack
  expect(() => worker.call(-3)).toThrow(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: RangeError: negative: -3$`));
  expect(worker.call(3)).toBe(3);
});

test('a worker that never answers is an error after the timeout, not a hang; a late answer is not taken for the next call', () => {
  const file = workerFile('slow', '(ms) => new Promise((r) => setTimeout(() => r(ms), ms))');
  const worker = new SyncWorker<number, number>(file, 300);
  expect(() => worker.call(500)).toThrow(/: no answer within 0\.3 s \(call 1\)$/);
  // the first call's answer (500) comes while nobody waits; the second call finds it first, and still gets its own
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 400);
  expect(worker.call(50)).toBe(50);
  expect(worker.call(1)).toBe(1);
});

test('a process ends when its work is done, with the worker still loading', () => {
  // the worker's file takes a minute to load (bounded): the process must not wait for it
  const file = path.join(dir, 'loading.cjs');
  fs.writeFileSync(file, `const end = Date.now() + 60000; while (Date.now() < end) {}\nrequire(${JSON.stringify(SERVE)}).serveInWorker((x) => x);\n`);
  const script = `const { SyncWorker } = require(${JSON.stringify(path.join(__dirname, '..', 'src', 'guardrails', '_sync-worker.ts'))}); new SyncWorker(${JSON.stringify(file)}); console.log('done');`;
  const r = spawnSync(process.execPath, ['-r', 'ts-node/register', '-e', script], { encoding: 'utf8', timeout: 30_000, cwd: path.join(__dirname, '..') });
  expect(r.signal).toBeNull();
  expect(r.status).toBe(0);
  expect(r.stdout).toBe('done\n');
});

describe('a worker that stops is reported at once, with why, not after the timeout', () => {
  // a call that waited for the timeout would throw "no answer within 10 s" instead of the reason
  const patient = <A, R>(file: string) => new SyncWorker<A, R>(file, 10_000);
  const quoted = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

  test('its file fails to load', () => {
    const file = path.join(dir, 'broken.cjs');
    fs.writeFileSync(file, "require('no-such-module-of-cdk8s-tiers');\n");
    expect(() => patient<number, number>(file).call(1)).toThrow(
      new RegExp(`^${quoted(file)}: the worker stopped \\(exit code 1\\): Error: Cannot find module 'no-such-module-of-cdk8s-tiers'`),
    );
  });

  test('its file does not exist', () => {
    const file = path.join(dir, 'missing.cjs');
    expect(() => patient<number, number>(file).call(1)).toThrow(
      new RegExp(`^${quoted(file)}: the worker stopped \\(exit code 1\\): Error: Cannot find module`),
    );
  });

  test('it exits during a call; later calls throw the same at once', () => {
    const file = workerFile('exits', '(code) => process.exit(code)');
    const worker = patient<number, number>(file);
    const stopped = `${file}: the worker stopped (exit code 3)`;
    expect(() => worker.call(3)).toThrow(stopped);
    expect(() => worker.call(0)).toThrow(stopped);
  });

  test('an error thrown outside a call stops it, and the reason is its message, without a stack', () => {
    const file = workerFile('throws-later', '(ms) => { setTimeout(() => { throw new TypeError("late"); }, ms); return new Promise(() => undefined); }');
    expect(() => patient<number, number>(file).call(10)).toThrow(new RegExp(`^${quoted(file)}: the worker stopped \\(exit code 1\\): TypeError: late$`));
  });

  test("the process goes on after the failed call: the worker's error does not end it later", () => {
    const file = path.join(dir, 'broken-later.cjs');
    fs.writeFileSync(file, "require('no-such-module-of-cdk8s-tiers');\n");
    const script = [
      `const { SyncWorker } = require(${JSON.stringify(path.join(__dirname, '..', 'src', 'guardrails', '_sync-worker.ts'))});`,
      `try { new SyncWorker(${JSON.stringify(file)}).call(0); } catch (e) { console.log('caught'); }`,
      "setTimeout(() => console.log('alive'), 300);",
    ].join('\n');
    const r = spawnSync(process.execPath, ['-r', 'ts-node/register', '-e', script], { encoding: 'utf8', timeout: 30_000, cwd: path.join(__dirname, '..') });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('caught\nalive\n');
    expect(r.status).toBe(0);
  });
});

test("the worker starts without the caller's node options: under ts-node it does not load TypeScript", () => {
  const file = workerFile(
    'argv',
    '() => ({ execArgv: process.execArgv, typescript: Object.keys(require.cache).some((f) => /[\\/](ts-node|typescript)[\\/]/.test(f)) })',
  );
  const script = `const { SyncWorker } = require(${JSON.stringify(path.join(__dirname, '..', 'src', 'guardrails', '_sync-worker.ts'))}); console.log(JSON.stringify(new SyncWorker(${JSON.stringify(file)}).call(0)));`;
  const r = spawnSync(process.execPath, ['-r', 'ts-node/register', '-e', script], { encoding: 'utf8', timeout: 30_000, cwd: path.join(__dirname, '..') });
  expect(r.stderr).toBe('');
  expect(JSON.parse(r.stdout)).toEqual({ execArgv: [], typescript: false });
});
