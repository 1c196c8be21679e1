/**
 * The synth benchmark: `npm run bench [-- options]`.
 *
 *   --sizes 10,100,1000,2768   estate sizes (apps; default these four: 2768 is the largest, one node port each)
 *   --repeats K           repeats of every variant at every size
 *                         (default: 11 at N <= 10, 7 at N <= 100, 5 above)
 *   --cold-repeats K      pairs of `cdk8s synth` runs for the cold start (default 7; 0 skips it)
 *   --json FILE           also write the raw results as JSON
 *   --tmpdir DIR          where the variants write (default: /dev/shm when it exists, else the OS temp
 *                         folder; this VM's disk took 0.4 s to 9 s for the same 8000 small writes,
 *                         depending on what else ran, which drowned everything else)
 *   --check               exit 1 when a target is missed (off by default: the machine is noisy)
 *   --profile N           instead: CPU-profile one run of a variant at N apps and print where the time goes
 *   --variant V           the variant to profile: library (default), kplus or floor
 *   --profile-out FILE    also keep the .cpuprofile (open it in Chrome DevTools or speedscope)
 *   --before DIR          instead: a change measured before and after in one run: the variant (--variant, default
 *                         library) run by DIR (another checkout of this project with its node_modules, e.g. a
 *                         `git worktree` of the commit before the change) and by this checkout, alternately, at
 *                         each of --sizes (default 1000), --repeats K times each (default 7); prints the medians
 *                         and the after/before ratios (the median of the ratios of each pair)
 *
 * Smoke mode for CI: `npm run bench -- --sizes 10 --repeats 1` (seconds).
 * Each measurement runs in a fresh child process (bench/child.ts); the
 * variants alternate round-robin (1, 2, 3, 1, 2, 3, ...) and the medians are reported.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ChildResult, ChildTask } from './child';
import { coldStart, ColdStartResult } from './cold-start';
import { VARIANTS, VariantId, Written } from './estate';
import { CpuProfile, summarise as summariseProfile } from './profile';
import { fixed, median, range, table } from './stats';

const ROOT = path.resolve(__dirname, '..');
const CHILD_PATH = path.join('bench', 'child.ts');
/** The estate size at which the time and memory targets apply. */
const TARGET_SIZE = 1000;
const MAX_APPS = 32767 - 30000 + 1;
const LABELS: Record<VariantId, string> = {
  library: '(1) cdk8s-tiers: constructs + guardrails + GitOps writer',
  kplus: '(2) cdk8s-plus-28 by hand + app.synth()',
  floor: "(3) floor: yaml.stringify + write of (1)'s objects",
  jsyaml: "(4) serialiser floor: the library's toYaml + write of (1)'s objects",
};

interface Options {
  sizes: number[];
  repeats?: number;
  coldRepeats: number;
  json?: string;
  tmpdir?: string;
  check: boolean;
  profile?: number;
  variant: VariantId;
  profileOut?: string;
  before?: string;
}

function parseArgs(argv: string[]): Options {
  const o: Options = { sizes: [10, 100, TARGET_SIZE, MAX_APPS], coldRepeats: 7, check: false, variant: 'library' };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    const int = (v: string, min: number): number => {
      const x = Number(v);
      if (!Number.isInteger(x) || x < min) throw new Error(`${a}: got ${JSON.stringify(v)}; must be an integer >= ${min}`);
      return x;
    };
    if (a === '--sizes') {
      o.sizes = next()
        .split(',')
        .map((s) => int(s, 1));
      // app i gets node port 30000 + i, and node ports end at 32767
      if (o.sizes.some((n) => n > MAX_APPS)) throw new Error(`--sizes: at most ${MAX_APPS} apps (one node port each, 30000-32767)`);
    } else if (a === '--repeats') o.repeats = int(next(), 1);
    else if (a === '--cold-repeats') o.coldRepeats = int(next(), 0);
    else if (a === '--json') o.json = next();
    else if (a === '--tmpdir') o.tmpdir = next();
    else if (a === '--check') o.check = true;
    else if (a === '--profile') o.profile = int(next(), 1);
    else if (a === '--profile-out') o.profileOut = next();
    else if (a === '--before') o.before = path.resolve(next());
    else if (a === '--variant') {
      const v = next();
      if (!(VARIANTS as readonly string[]).includes(v)) throw new Error(`--variant: got ${JSON.stringify(v)}; must be one of ${VARIANTS.join(', ')}`);
      o.variant = v as VariantId;
    } else throw new Error(`unknown option ${a}; see bench/run.ts for the options`);
  }
  if (o.repeats === 1 && !argv.includes('--cold-repeats')) o.coldRepeats = 1;
  return o;
}

const repeatsFor = (apps: number, o: Options): number => o.repeats ?? (apps <= 10 ? 11 : apps <= 100 ? 7 : 5);

/** Runs one child of the checkout at `root` (default this one); throws with its output when it fails. */
function runChild(task: ChildTask, root = ROOT): ChildResult | undefined {
  const r = spawnSync(process.execPath, ['--expose-gc', '-r', 'ts-node/register', path.join(root, CHILD_PATH), JSON.stringify(task)], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, CDK8S_TIERS_GITOPS: undefined },
  });
  if (r.status !== 0) throw new Error(`child ${task.mode} ${task.variant} N=${task.apps} failed (${r.status ?? r.signal}):\n${r.stderr}${r.stdout}`);
  if (task.mode === 'prepare') return undefined;
  const line = r.stdout.split('\n').find((l) => l.startsWith('BENCH_RESULT '));
  if (!line) throw new Error(`child ${task.variant} N=${task.apps} printed no result:\n${r.stdout}${r.stderr}`);
  return JSON.parse(line.slice('BENCH_RESULT '.length)) as ChildResult;
}

interface Summary {
  variant: VariantId;
  apps: number;
  runs: ChildResult[];
  ms: number;
  cpuMs: number;
  peakDeltaMb: number;
  maxRssMb: number;
  /** What the first run wrote (every run writes the same). */
  written: Written;
}

function summarise(variant: VariantId, apps: number, runs: ChildResult[]): Summary {
  return {
    variant,
    apps,
    runs,
    ms: median(runs.map((r) => r.ms)),
    cpuMs: median(runs.map((r) => r.cpuMs)),
    peakDeltaMb: median(runs.map((r) => r.peakDeltaMb)),
    maxRssMb: median(runs.map((r) => r.maxRssMb)),
    written: runs[0].written,
  };
}

/** A memory file system when there is one: the writes then measure the code, not the disk. */
function defaultTmpdir(): string {
  try {
    fs.accessSync('/dev/shm', fs.constants.W_OK);
    return '/dev/shm';
  } catch {
    return os.tmpdir();
  }
}

/** Profiles one run and prints the summary. */
function profile(o: Options, work: string): void {
  const apps = o.profile!;
  const floorData = path.join(work, `floor-${apps}.json`);
  if (o.variant === 'floor' || o.variant === 'jsyaml') runChild({ mode: 'prepare', variant: 'library', apps, outdir: path.join(work, 'prepared'), floorData });
  const profileFile = o.profileOut ? path.resolve(o.profileOut) : path.join(work, 'run.cpuprofile');
  const result = runChild({ mode: 'profile', variant: o.variant, apps, outdir: path.join(work, 'out'), floorData, profileFile })!;
  const s = summariseProfile(JSON.parse(fs.readFileSync(profileFile, 'utf8')) as CpuProfile, ROOT);
  const pct = (ms: number) => `${fixed((100 * ms) / s.totalMs, 1)}%`;
  console.log(
    `${LABELS[o.variant]}, N=${apps}: ${result.written.objects} objects, ${fixed(result.ms)} ms wall under the profiler (${fixed(s.totalMs)} ms sampled)\n`,
  );
  console.log(
    table(
      ['self time by area', 'ms', 'share'],
      s.areas.map((a) => [a.area, fixed(a.ms), pct(a.ms)]),
    ),
    '\n',
  );
  console.log(
    table(
      ['phase (inclusive time)', 'ms', 'share'],
      s.phases.map((p) => [p.phase, fixed(p.ms), pct(p.ms)]),
    ),
    '\n',
  );
  console.log(
    table(
      ['function (self time)', 'where', 'ms', 'share'],
      s.top.map((f) => [f.fn, f.where, fixed(f.ms), pct(f.ms)]),
    ),
  );
}

/** A change measured before (the checkout `o.before`) and after (this one), alternating; prints the table. */
function beforeAfter(o: Options, work: string): void {
  const sizes = process.argv.includes('--sizes') ? o.sizes : [TARGET_SIZE];
  const repeats = o.repeats ?? 7;
  if (!fs.existsSync(path.join(o.before!, CHILD_PATH))) throw new Error(`--before: ${o.before} has no ${CHILD_PATH}; give another checkout of this project`);
  const rows: string[][] = [];
  for (const apps of sizes) {
    const floorData = path.join(work, `floor-${apps}.json`);
    if (o.variant === 'floor' || o.variant === 'jsyaml')
      runChild({ mode: 'prepare', variant: 'library', apps, outdir: path.join(work, 'prepared'), floorData });
    const runs: Array<{ before: ChildResult; after: ChildResult }> = [];
    for (let i = 0; i < repeats; i++) {
      const outdir = path.join(work, `out-${apps}-${i}`);
      const before = runChild({ mode: 'measure', variant: o.variant, apps, outdir: `${outdir}-before`, floorData }, o.before)!;
      const after = runChild({ mode: 'measure', variant: o.variant, apps, outdir: `${outdir}-after`, floorData })!;
      fs.rmSync(`${outdir}-before`, { recursive: true, force: true });
      fs.rmSync(`${outdir}-after`, { recursive: true, force: true });
      runs.push({ before, after });
    }
    const figures: Array<[string, (r: ChildResult) => number]> = [
      ['CPU ms', (r) => r.cpuMs],
      ['wall ms', (r) => r.ms],
      ['peak MB above baseline', (r) => r.peakDeltaMb],
    ];
    for (const [name, get] of figures) {
      const ratios = runs.map((r) => get(r.after) / get(r.before));
      rows.push([
        String(apps),
        name,
        fixed(median(runs.map((r) => get(r.before)))),
        fixed(median(runs.map((r) => get(r.after)))),
        fixed(median(ratios), 3),
        range(ratios)
          .map((x) => fixed(x, 3))
          .join('-'),
      ]);
    }
  }
  console.log(`${LABELS[o.variant]}: before = ${o.before}, after = ${ROOT}; ${repeats} pairs, alternating\n`);
  console.log(table(['N apps', 'figure', 'before (median)', 'after (median)', 'after/before (median of pairs)', 'min-max'], rows));
}

function main(): void {
  const o = parseArgs(process.argv.slice(2));
  process.env.CDK8S_CHECK_UPGRADE = 'false';
  const work = fs.mkdtempSync(path.join(o.tmpdir ?? defaultTmpdir(), 'cdk8s-tiers-bench-'));
  if (o.profile !== undefined || o.before !== undefined) {
    try {
      if (o.before !== undefined) beforeAfter(o, work);
      else profile(o, work);
    } finally {
      fs.rmSync(work, { recursive: true, force: true });
    }
    return;
  }
  const summaries: Summary[] = [];
  const problems: string[] = [];
  const started = Date.now();
  try {
    for (const apps of o.sizes) {
      const floorData = path.join(work, `floor-${apps}.json`);
      const prepared = path.join(work, `prepared-${apps}`);
      runChild({ mode: 'prepare', variant: 'library', apps, outdir: prepared, floorData });
      fs.rmSync(prepared, { recursive: true, force: true });
      const runs = new Map<VariantId, ChildResult[]>(VARIANTS.map((v) => [v, []]));
      const repeats = repeatsFor(apps, o);
      for (let r = 0; r < repeats; r++) {
        for (const variant of VARIANTS) {
          const outdir = path.join(work, `out-${variant}-${apps}-${r}`);
          const result = runChild({ mode: 'measure', variant, apps, outdir, floorData })!;
          fs.rmSync(outdir, { recursive: true, force: true });
          if (result.lateModules.length) problems.push(`${variant} N=${apps} loaded modules inside the timed region: ${result.lateModules.join(', ')}`);
          runs.get(variant)!.push(result);
          process.stderr.write(`N=${apps} run ${r + 1}/${repeats} ${variant}: ${fixed(result.ms)} ms, peak +${fixed(result.peakDeltaMb)} MB\n`);
        }
      }
      for (const variant of VARIANTS) summaries.push(summarise(variant, apps, runs.get(variant)!));
      const lib = runs.get('library')![0].written;
      for (const floor of ['floor', 'jsyaml'] as const) {
        const w = runs.get(floor)![0].written;
        if (lib.objects !== w.objects || lib.files !== w.files || lib.keys !== w.keys) {
          problems.push(
            `N=${apps}: ${floor} wrote ${w.objects} objects (${w.keys} values) in ${w.files} files, the library ${lib.objects} (${lib.keys}) in ${lib.files}`,
          );
        }
      }
      fs.rmSync(floorData, { force: true });
    }
    const cold = o.coldRepeats > 0 ? coldStart(ROOT, work, o.coldRepeats) : undefined;
    const report = render(summaries, cold, o, (Date.now() - started) / 1000);
    console.log(report.text);
    for (const p of problems) console.error(`problem: ${p}`);
    if (o.json) fs.writeFileSync(o.json, JSON.stringify({ summaries, cold, targets: report.targets }, null, 2));
    if (problems.length || (o.check && report.targets.some((t) => !t.met))) process.exitCode = 1;
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

interface Target {
  name: string;
  value: number;
  limit: number;
  met: boolean;
}

/** The targets of the performance issue: CPU ratios at N=TARGET_SIZE, memory at every size from there up (flat in N), the cold start. */
function targetsOf(get: (apps: number, v: VariantId) => Summary, sizes: number[], cold: ColdStartResult | undefined): Target[] {
  const targets: Target[] = [];
  const add = (name: string, value: number, limit: number) => targets.push({ name, value, limit, met: value <= limit });
  if (sizes.includes(TARGET_SIZE)) {
    add(`CPU (1)/(2) at N=${TARGET_SIZE}`, get(TARGET_SIZE, 'library').cpuMs / get(TARGET_SIZE, 'kplus').cpuMs, 0.5);
    add(`CPU (1)/(3) at N=${TARGET_SIZE}`, get(TARGET_SIZE, 'library').cpuMs / get(TARGET_SIZE, 'floor').cpuMs, 0.8);
  }
  for (const apps of sizes.filter((n) => n >= TARGET_SIZE)) {
    add(`peak memory above baseline (1)/(3) at N=${apps}`, get(apps, 'library').peakDeltaMb / get(apps, 'floor').peakDeltaMb, 1.5);
  }
  if (cold) add('cold start: cdk8s synth of the example / of an empty app', cold.appMs / cold.emptyMs, 1.25);
  return targets;
}

/** What (2) does not write, against (1), at one size: objects by kind, files without objects, values. */
function difference(lib: Written, kp: Written): string {
  const kinds = [...new Set([...Object.keys(lib.kinds), ...Object.keys(kp.kinds)])].sort();
  const others = [...new Set([...Object.keys(lib.otherFiles), ...Object.keys(kp.otherFiles)])].sort();
  const rows = [
    ...kinds.map((k) => [`objects: ${k}`, String(lib.kinds[k] ?? 0), String(kp.kinds[k] ?? 0)]),
    ...others.map((f) => [`files: ${f}`, String(lib.otherFiles[f] ?? 0), String(kp.otherFiles[f] ?? 0)]),
    ['values (leaves of all objects)', String(lib.keys), `${kp.keys} (${fixed((100 * kp.keys) / lib.keys)}%)`],
    ['bytes written', String(lib.bytes), `${kp.bytes} (${fixed((100 * kp.bytes) / lib.bytes)}%)`],
  ];
  return table(['written', '(1)', '(2)'], rows);
}

function render(summaries: Summary[], cold: ColdStartResult | undefined, o: Options, seconds: number): { text: string; targets: Target[] } {
  const get = (apps: number, v: VariantId) => summaries.find((s) => s.apps === apps && s.variant === v)!;
  const rows = summaries.map((s) => {
    const [lo, hi] = range(s.runs.map((r) => r.ms));
    const per = (x: number) => x / s.written.objects;
    return [
      String(s.apps),
      LABELS[s.variant],
      String(s.written.objects),
      String(s.written.files),
      String(s.runs.length),
      fixed(s.ms),
      `${fixed(lo)}-${fixed(hi)}`,
      fixed(s.cpuMs),
      fixed(per(s.ms * 1000), 1),
      fixed(per(s.cpuMs * 1000), 1),
      fixed(s.peakDeltaMb, 1),
      fixed(per(s.peakDeltaMb * 1024), 1),
      fixed(s.maxRssMb),
    ];
  });
  const lines = [
    table(
      [
        'N apps',
        'variant',
        'objects',
        'files',
        'runs',
        'wall ms (median)',
        'wall ms (min-max)',
        'CPU ms',
        'wall µs/object',
        'CPU µs/object',
        'peak MB above baseline',
        'peak KB/object',
        'maxRSS MB',
      ],
      rows,
    ),
    '',
  ];
  const ratioRows = o.sizes.map((apps) => {
    const [lib, kp, floor, js] = VARIANTS.map((v) => get(apps, v));
    return [
      String(apps),
      fixed(lib.cpuMs / kp.cpuMs, 2),
      fixed(lib.cpuMs / floor.cpuMs, 2),
      fixed(lib.cpuMs / js.cpuMs, 2),
      fixed(lib.ms / kp.ms, 2),
      fixed(lib.ms / floor.ms, 2),
      fixed(lib.peakDeltaMb / floor.peakDeltaMb, 2),
      fixed(lib.peakDeltaMb / js.peakDeltaMb, 2),
      fixed(lib.maxRssMb / floor.maxRssMb, 2),
    ];
  });
  lines.push(
    table(
      ['N apps', 'CPU (1)/(2)', 'CPU (1)/(3)', 'CPU (1)/(4)', 'wall (1)/(2)', 'wall (1)/(3)', 'peak above baseline (1)/(3)', 'peak (1)/(4)', 'maxRSS (1)/(3)'],
      ratioRows,
    ),
    '',
  );
  const largest = Math.max(...o.sizes);
  lines.push(
    `What (2) writes against (1) at N=${largest} (counted from the files):`,
    '',
    difference(get(largest, 'library').written, get(largest, 'kplus').written),
    '',
  );
  if (cold) {
    lines.push(
      table(
        ['cold start', 'runs', 'wall ms (median)', 'wall ms (min-max)'],
        [
          ['`cdk8s synth` (the example app)', String(cold.app.length), fixed(cold.appMs), `${fixed(Math.min(...cold.app))}-${fixed(Math.max(...cold.app))}`],
          [
            '`cdk8s synth` with an empty app (`node -e 0` + mkdir)',
            String(cold.empty.length),
            fixed(cold.emptyMs),
            `${fixed(Math.min(...cold.empty))}-${fixed(Math.max(...cold.empty))}`,
          ],
        ],
      ),
      '',
      `cold start ratio: ${fixed(cold.appMs / cold.emptyMs, 2)}`,
      '',
    );
  }
  const targets = targetsOf(get, o.sizes, cold);
  lines.push('targets:');
  if (!o.sizes.includes(TARGET_SIZE)) lines.push(`  (the CPU and memory targets are defined at N=${TARGET_SIZE} and up, which this run left out)`);
  for (const t of targets) lines.push(`  ${t.met ? 'met   ' : 'MISSED'} ${t.name}: ${fixed(t.value, 2)} (target <= ${t.limit})`);
  const load = os.loadavg().map((x) => fixed(x, 2));
  lines.push(
    '',
    `(${fixed(seconds)} s; ${new Date().toISOString()}; node ${process.version}; ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? 'unknown'}); ` +
      `${fixed(os.totalmem() / 1024 ** 3, 1)} GiB; load average at the end ${load.join(' ')}; variants wrote under ${o.tmpdir ?? defaultTmpdir()})`,
  );
  return { text: lines.join('\n'), targets };
}

main();
