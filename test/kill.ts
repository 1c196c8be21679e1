/**
 * The kill test (npm run test:kill, a CI step of its own): synthesizes an
 * estate large enough that writing the tree takes over a second, kills the
 * synth with SIGKILL at random moments (most of them while it writes, some
 * just after the swap, timed from what a watch on the folder sees in that
 * run), and checks after each kill that the tree is exactly the old one or
 * exactly the new one, and that the next synth (run to the end) writes the
 * new tree and leaves nothing behind. Two lanes (two trees) run side by side
 * to keep the runtime down on two cores. Prints where the kills landed.
 *
 *   npm run test:kill [-- --kills 50 --lanes 2 --seed 20261201]
 *   (KIB, CONFIGMAPS, ENVIRONMENTS set the starting size of the estate; it grows by half until writing takes over a second)
 */
import { ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const KILLS = arg('kills', 50);
const LANES = arg('lanes', 2);
let seed = arg('seed', 20261201);
/** mulberry32: one seed, one sequence of kill moments. */
function random(): number {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

const ROOT = path.resolve(__dirname, '..');
const ESTATE = path.join(__dirname, 'fixtures', 'kill-estate.ts');
const base = fs.mkdtempSync(path.join(os.tmpdir(), 'kill-test-'));
const size = { KIB: process.env.KIB ?? '64', CONFIGMAPS: process.env.CONFIGMAPS ?? '300', ENVIRONMENTS: process.env.ENVIRONMENTS ?? '4' };

/**
 * Digest of every file below `dir` (paths and bytes), or undefined when it
 * does not exist. Reads asynchronously, so the other lane's timers and folder
 * events are not held up while it reads.
 */
async function digest(dir: string): Promise<string | undefined> {
  if (!fs.existsSync(dir)) return undefined;
  const h = createHash('sha256');
  const walk = async (rel: string): Promise<void> => {
    for (const name of (await fs.promises.readdir(path.join(dir, rel))).sort()) {
      const child = path.join(rel, name);
      if ((await fs.promises.lstat(path.join(dir, child))).isDirectory()) await walk(child);
      else
        h.update(`${child}\0`)
          .update(await fs.promises.readFile(path.join(dir, child)))
          .update('\0');
    }
  };
  await walk('');
  return h.digest('hex');
}

interface Run {
  readonly ms: number;
  readonly code: number | null;
  readonly signal: string | null;
  readonly stderr: string;
  /** ms after the start when the staging folder appeared, and when the tree was first renamed (the swap). */
  readonly staged?: number;
  readonly swapped?: number;
}

/** When to kill: `ms` after the start, after the staging folder appeared, or after the swap began. */
interface Kill {
  readonly from: 'start' | 'staging' | 'swap';
  readonly ms: number;
}

function fail(message: string): never {
  console.error(`kill test FAILED: ${message}`);
  console.error(`(the trees and their neighbours are kept in ${base})`);
  process.exit(1);
}

/** One tree, synthesized and killed in turn. */
class Lane {
  public readonly work: string;
  public readonly dist: string;
  /** ms each complete synth spent writing (staging folder to swap). */
  public readonly writes: number[] = [];
  private readonly digests: { [variant: string]: string | undefined } = {};
  private current = 'a';

  constructor(public readonly id: number) {
    this.work = path.join(base, `lane${id}`);
    this.dist = path.join(this.work, 'dist');
    fs.mkdirSync(this.work);
  }

  /** Runs one synth of `variant`; kills it as `kill` says. */
  public synth(variant: string, kill?: Kill): Promise<Run> {
    return new Promise((resolve) => {
      const t0 = Date.now();
      let staged: number | undefined;
      let swapped: number | undefined;
      let timer: NodeJS.Timeout | undefined;
      const env = {
        ...process.env,
        ...size,
        OUTDIR: this.dist,
        VARIANT: variant,
        TS_NODE_PROJECT: path.join(ROOT, 'tsconfig.json'),
        CDK8S_CHECK_UPGRADE: 'false',
      };
      const child: ChildProcess = spawn(process.execPath, ['-r', 'ts-node/register', ESTATE], { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'pipe'] });
      const at = (from: Kill['from']) => {
        if (kill?.from === from) timer = setTimeout(() => child.kill('SIGKILL'), kill.ms);
      };
      const watcher = fs.watch(this.work, (_type, name) => {
        if (staged === undefined && name?.includes('cdk8s-tiers-staging')) {
          staged = Date.now() - t0;
          at('staging');
        } else if (staged !== undefined && swapped === undefined && name === 'dist') {
          swapped = Date.now() - t0;
          at('swap');
        }
      });
      let stderr = '';
      child.stderr?.on('data', (d) => {
        stderr += d;
      });
      at('start');
      child.on('exit', (code, signal) => {
        if (timer) clearTimeout(timer);
        watcher.close();
        resolve({ ms: Date.now() - t0, code, signal, stderr, staged, swapped });
      });
    });
  }

  /** A synth run to the end: it must succeed, print nothing, write `variant`'s tree and leave nothing behind. */
  public async complete(variant: string, after: string): Promise<Run> {
    const r = await this.synth(variant);
    if (r.code !== 0) fail(`lane ${this.id}: the synth ${after} exited ${r.code}: ${r.stderr}`);
    if (r.stderr !== '') fail(`lane ${this.id}: the synth ${after} printed: ${r.stderr}`);
    if (r.staged !== undefined && r.swapped !== undefined) this.writes.push(r.swapped - r.staged);
    const now = await digest(this.dist);
    if (this.digests[variant] !== undefined && now !== this.digests[variant])
      fail(`lane ${this.id}: the synth ${after} did not write the tree of variant ${variant}`);
    this.digests[variant] = now;
    const left = this.leftovers();
    if (left.length > 0) fail(`lane ${this.id}: the synth ${after} left ${left.join(', ')}`);
    this.current = variant;
    return r;
  }

  /** Kills a synth of the other variant at `kill`; returns where it landed. Fails unless the tree is the old or the new one. */
  public async kill(kill: Kill, n: number): Promise<string> {
    const old = this.current;
    const next = old === 'a' ? 'b' : 'a';
    const r = await this.synth(next, kill);
    const now = await digest(this.dist);
    const left = this.leftovers();
    const where = `${kill.ms} ms after the ${kill.from === 'start' ? 'start' : kill.from === 'staging' ? 'staging folder appeared' : 'swap began'}`;
    let state: string;
    if (r.signal !== 'SIGKILL') {
      if (r.code !== 0) fail(`lane ${this.id}: synth ${n} exited ${r.code}: ${r.stderr}`);
      state = 'finished before the kill: new tree';
      if (now !== this.digests[next]) fail(`lane ${this.id}: synth ${n} finished but the tree is not the new one`);
    } else if (now === this.digests[old]) {
      state = left.some((e) => e.includes('staging')) ? 'killed while writing: old tree' : 'killed before writing: old tree';
    } else if (now === this.digests[next]) {
      state = left.length > 0 ? 'killed after the swap: new tree, scratch left' : 'killed after the swap: new tree';
    } else if (
      now === undefined &&
      (await Promise.all(left.filter((e) => e.includes('backup')).map((e) => digest(path.join(this.work, e))))).includes(this.digests[old])
    ) {
      state = 'killed between the two renames: old tree complete in the backup';
    } else {
      fail(`lane ${this.id}: after kill ${n} (${where}) the tree is neither the old nor the new one (next to it: ${left.join(', ') || 'nothing'})`);
    }
    console.log(`kill ${String(n).padStart(2)} lane ${this.id}: ${where}: ${state}`);
    await this.complete(next, `after kill ${n}`);
    return state;
  }

  private leftovers(): string[] {
    return fs.readdirSync(this.work).filter((e) => e !== 'dist');
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fileCount = (dist: string) =>
  fs
    .readFileSync(path.join(dist, '.cdk8s-tiers'), 'utf8')
    .split('\n')
    .filter((l) => l && !l.startsWith('#')).length - 1;

async function main(): Promise<void> {
  const started = Date.now();
  let lanes: Lane[] = [];
  // size the estate: every lane writes a and b side by side; grow it by half until writing takes over a second
  let write = 0;
  let timing: Run | undefined;
  for (let round = 0; ; round++) {
    fs.rmSync(base, { recursive: true, force: true });
    fs.mkdirSync(base);
    lanes = Array.from({ length: LANES }, (_, i) => new Lane(i + 1));
    const runs = await Promise.all(
      lanes.map(async (l) => {
        await l.complete('a', 'writing variant a');
        return l.complete('b', 'writing variant b');
      }),
    );
    timing = runs[0];
    const measured = lanes.flatMap((l) => l.writes);
    write = median(measured);
    console.log(
      `estate: ${fileCount(lanes[0].dist)} files of ${size.KIB} KiB; a synth takes ${timing.ms} ms, of which writing ${measured.join(', ')} ms (median ${write})`,
    );
    if (write > 1000) break;
    if (round === 4) fail(`writing still takes ${write} ms after growing the estate 4 times`);
    size.CONFIGMAPS = String(Math.ceil(Number(size.CONFIGMAPS) * 1.5));
  }

  const landed: { [state: string]: number } = {};
  const per = Math.ceil(KILLS / LANES);
  const plan = (): Kill => {
    // 75% while writing, 15% from the swap on (the rename window, deleting the old tree, the lock), 10% anywhere
    const u = random();
    if (u < 0.75) return { from: 'staging', ms: Math.round(random() * write) };
    if (u < 0.9) return { from: 'swap', ms: Math.round(random() * random() * 200) };
    return { from: 'start', ms: Math.round(random() * timing!.ms) };
  };
  let n = 0;
  let killed = 0;
  await Promise.all(
    lanes.map(async (l) => {
      // only runs that were killed count: a run that finished before its kill moment is checked and run again
      for (let mine = 0; mine < per && killed < KILLS;) {
        const state = await l.kill(plan(), ++n);
        landed[state] = (landed[state] ?? 0) + 1;
        if (!state.startsWith('finished')) {
          mine++;
          killed++;
        }
      }
    }),
  );
  const writes = lanes.flatMap((l) => l.writes);
  const m = median(writes);
  console.log(`writing the tree took ${Math.min(...writes)}-${Math.max(...writes)} ms, median ${m} ms, over ${writes.length} complete synths`);
  if (m <= 1000) fail(`the median write took ${m} ms, not over a second`);
  console.log(
    `${killed} synths killed with SIGKILL (of ${n} started); after each the tree was the old or the new one, and the next synth wrote the new tree and left nothing behind:`,
  );
  for (const [state, count] of Object.entries(landed).sort()) console.log(`  ${String(count).padStart(3)}  ${state}`);
  console.log(`kill test passed in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  fs.rmSync(base, { recursive: true, force: true });
}

main().catch((e) => fail(String(e)));
