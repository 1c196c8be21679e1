/**
 * The writer when the file system fails half way: the previous tree stays,
 * and nothing is left behind. (fs is wrapped so that single calls can fail.)
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { shopApp, snapshotTree, tempDir } from './gitops-fixture';

jest.mock('node:fs', () => {
  const actual = jest.requireActual('node:fs');
  return { ...actual, writeFileSync: jest.fn(actual.writeFileSync), renameSync: jest.fn(actual.renameSync) };
});

const actual = jest.requireActual<typeof fs>('node:fs');
const writeFileSync = fs.writeFileSync as jest.MockedFunction<typeof fs.writeFileSync>;
const renameSync = fs.renameSync as jest.MockedFunction<typeof fs.renameSync>;

let dir: string;
beforeEach(() => {
  dir = tempDir();
});
afterEach(() => {
  writeFileSync.mockImplementation(actual.writeFileSync);
  renameSync.mockImplementation(actual.renameSync);
  actual.rmSync(dir, { recursive: true, force: true });
});

const leftovers = () => actual.readdirSync(dir).filter((n) => n !== 'dist');

test('a failure while writing the new tree leaves the previous one and no staging folder', () => {
  const dist = path.join(dir, 'dist');
  shopApp({ outdir: dist }).synth();
  const before = snapshotTree(dist);
  let calls = 0;
  writeFileSync.mockImplementation((...args: Parameters<typeof fs.writeFileSync>) => {
    if (++calls === 5) throw new Error('ENOSPC: no space left on device');
    return actual.writeFileSync(...args);
  });
  expect(() => shopApp({ outdir: dist, frontReplicas: 4 }).synth()).toThrow(/ENOSPC/);
  expect(calls).toBe(5);
  expect(snapshotTree(dist)).toEqual(before);
  expect(leftovers()).toEqual([]);
});

test('a failure while swapping puts the previous tree back', () => {
  const dist = path.join(dir, 'dist');
  shopApp({ outdir: dist }).synth();
  const before = snapshotTree(dist);
  renameSync.mockImplementation((from, to) => {
    if (String(from).includes('.dist.staging-')) throw new Error('EXDEV: cross-device link not permitted');
    return actual.renameSync(from, to);
  });
  expect(() => shopApp({ outdir: dist, frontReplicas: 4 }).synth()).toThrow(/EXDEV/);
  expect(snapshotTree(dist)).toEqual(before);
  expect(leftovers()).toEqual([]);
});

test('a failure while moving the previous tree aside changes nothing', () => {
  const dist = path.join(dir, 'dist');
  shopApp({ outdir: dist }).synth();
  const before = snapshotTree(dist);
  renameSync.mockImplementation(() => {
    throw new Error('EBUSY: resource busy or locked');
  });
  expect(() => shopApp({ outdir: dist, frontReplicas: 4 }).synth()).toThrow(/EBUSY/);
  expect(snapshotTree(dist)).toEqual(before);
  expect(leftovers()).toEqual([]);
});
