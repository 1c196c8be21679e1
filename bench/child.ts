/**
 * One measurement, in a fresh process: `node --expose-gc -r ts-node/register
 * bench/child.ts '<task JSON>'`. Every module of every variant is loaded
 * (and transpiled) before the clock starts, so loading costs the same in
 * every variant and never counts; the timed region is the variant's work
 * only. Prints one line `BENCH_RESULT <json>`.
 */
import * as fs from 'node:fs';
import { Session } from 'node:inspector';
import Module from 'node:module';
import { performance } from 'node:perf_hooks';
import { PRECOMPILED_FILE, SHAPES_FILE } from '../src/guardrails/schema';
import { countObjects, prepareFloor, readFloor, runFloor, runKplus, runLibrary, VariantId, Written } from './estate';

/** What the parent asks for. */
export interface ChildTask {
  /** measure: time it; prepare: write the floor's input; profile: write a CPU profile of the timed region. */
  readonly mode: 'measure' | 'prepare' | 'profile';
  readonly variant: VariantId;
  readonly apps: number;
  /** Empty folder the variant writes into. */
  readonly outdir: string;
  /** Floor data file: written by `prepare`, read (before the clock starts) by variants 3 and 4. */
  readonly floorData: string;
  /** Where `profile` writes the `.cpuprofile`. */
  readonly profileFile?: string;
}

/** What the child reports. */
export interface ChildResult {
  readonly variant: VariantId;
  readonly apps: number;
  /** Wall time of the timed region. */
  readonly ms: number;
  /** CPU time (user + system, all threads) of the timed region. */
  readonly cpuMs: number;
  /** What it wrote (objects: YAML documents, kustomization excluded). */
  readonly written: Written;
  /** RSS with every module loaded and no data, after a full GC: the same in every variant. */
  readonly rssBaseMb: number;
  /** RSS when the clock started, after a full GC (the floor's input objects loaded). */
  readonly rssStartMb: number;
  /**
   * Peak RSS during the timed region (the kernel's high-water mark, reset when
   * the clock starts) minus rssBaseMb: the memory the variant's work needs,
   * the floor's input objects included.
   */
  readonly peakDeltaMb: number;
  /** Peak RSS of the whole child (process.resourceUsage().maxRSS), module loading included. */
  readonly maxRssMb: number;
  /** Modules required inside the timed region (should be none). */
  readonly lateModules: string[];
}

const MB = 1024 * 1024;

function highWaterKb(): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) : NaN;
}

/** Resets the kernel's peak-RSS mark to the current RSS (Linux >= 4.0); false when not possible. */
function resetHighWater(): boolean {
  try {
    fs.writeFileSync('/proc/self/clear_refs', '5');
    return true;
  } catch {
    return false;
  }
}

/** Starts the V8 sampling profiler (1 ms: finer sampling distorts the run); the returned function stops it and gives the profile. */
function startProfiler(): () => unknown {
  const session = new Session();
  session.connect();
  // posts on the main thread's own session complete synchronously
  const post = (method: string, params?: object): unknown => {
    let result: unknown;
    session.post(method, params, (err, r) => {
      if (err) throw err;
      result = r;
    });
    return result;
  };
  post('Profiler.enable');
  post('Profiler.setSamplingInterval', { interval: 1000 });
  post('Profiler.start');
  return () => (post('Profiler.stop') as { profile: unknown }).profile;
}

function main(): void {
  const task = JSON.parse(process.argv[2]) as ChildTask;
  if (task.mode === 'prepare') {
    prepareFloor(task.apps, task.outdir, task.floorData);
    return;
  }
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run the child with node --expose-gc');
  // the baseline: every module loaded, no data
  gc();
  const rssBase = process.memoryUsage.rss();
  // data of the floor variant is input, produced beforehand: load it before the clock
  // (its objects stay resident during the run, so they count in its peak above the baseline)
  const floor = task.variant === 'floor' || task.variant === 'jsyaml' ? readFloor(task.floorData) : undefined;
  const works: Record<VariantId, () => void> = {
    library: () => runLibrary(task.apps, task.outdir),
    kplus: () => runKplus(task.apps, task.outdir),
    floor: () => runFloor(floor!, task.outdir, 'yaml'),
    jsyaml: () => runFloor(floor!, task.outdir, 'js-yaml'),
  };
  const work = works[task.variant];

  const late: string[] = [];
  const mod = Module as unknown as { _load: (request: string, ...rest: unknown[]) => unknown };
  const load = mod._load;
  let timing = false;
  mod._load = function (request: string, ...rest: unknown[]) {
    // the schema table and the validators compiled ahead of time are the library's data, read on
    // first use like the definitions: their loading is part of a synth and timed on purpose
    if (timing && request !== PRECOMPILED_FILE && request !== SHAPES_FILE) late.push(request);
    return load.call(this, request, ...rest);
  };

  gc();
  const rssStart = process.memoryUsage.rss();
  const canReset = resetHighWater();
  const profiler = task.mode === 'profile' ? startProfiler() : undefined;
  timing = true;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  work();
  const t1 = performance.now();
  const cpu = process.cpuUsage(cpu0);
  timing = false;
  if (profiler) fs.writeFileSync(task.profileFile!, JSON.stringify(profiler()));
  const hwm = highWaterKb() * 1024;
  const maxRss = process.resourceUsage().maxRSS * 1024;

  const written = countObjects(task.outdir);
  const result: ChildResult = {
    variant: task.variant,
    apps: task.apps,
    ms: t1 - t0,
    cpuMs: (cpu.user + cpu.system) / 1000,
    written,
    rssBaseMb: rssBase / MB,
    rssStartMb: rssStart / MB,
    peakDeltaMb: canReset ? (hwm - rssBase) / MB : NaN,
    maxRssMb: maxRss / MB,
    lateModules: [...new Set(late)],
  };
  console.log(`BENCH_RESULT ${JSON.stringify(result)}`);
}

main();
