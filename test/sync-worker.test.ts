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

test("throws the worker's error, naming the worker file, and goes on answering later calls", () => {
  const file = workerFile('fails', '(n) => { if (n < 0) throw new RangeError("negative: " + n); return n; }');
  const worker = new SyncWorker<number, number>(file);
  expect(() => worker.call(-3)).toThrow(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: RangeError: negative: -3`));
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
  const file = workerFile('loading', '(x) => x');
  const script = `const { SyncWorker } = require(${JSON.stringify(path.join(__dirname, '..', 'src', 'guardrails', '_sync-worker.ts'))}); new SyncWorker(${JSON.stringify(file)}); console.log('done');`;
  const r = spawnSync(process.execPath, ['-r', 'ts-node/register', '-e', script], { encoding: 'utf8', timeout: 30_000, cwd: path.join(__dirname, '..') });
  expect(r.status).toBe(0);
  expect(r.stdout).toBe('done\n');
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
