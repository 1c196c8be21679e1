/**
 * Where the time of one variant goes: a V8 CPU profile of the timed region
 * only (started and stopped through the inspector around it, see child.ts),
 * summarised as self time by area and as inclusive time of the main phases.
 */
import * as path from 'node:path';

/** The parts of a `.cpuprofile` this summary reads. */
export interface CpuProfile {
  readonly nodes: ReadonlyArray<{
    readonly id: number;
    readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
    readonly children?: readonly number[];
  }>;
  readonly startTime: number;
  readonly endTime: number;
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

/** Areas of self time, first match wins. */
const AREAS: Array<[string, (url: string, fn: string) => boolean]> = [
  ['garbage collection', (_u, f) => f === '(garbage collector)'],
  ['YAML dump (js-yaml)', (u) => u.includes('/node_modules/js-yaml/')],
  ['YAML (yaml package)', (u) => u.includes('/node_modules/yaml/')],
  ['guardrails: schema (ajv)', (u) => u.includes('/node_modules/ajv/') || u.includes('/guardrails/schema')],
  ['guardrails: API and policy checks', (u) => u.includes('/src/guardrails/')],
  ['GitOps writer: render, README, topology', (u) => u.includes('/src/gitops/')],
  ['library constructs (src/*.ts)', (u) => u.includes('/src/')],
  ['cdk8s: resolve, toJson, Lazy, JSON patch', (u) => u.includes('/node_modules/cdk8s/') || u.includes('/fast-json-patch/')],
  ['L1 classes: toJson_* (cdk8s-plus-28 imports)', (u) => u.includes('/cdk8s-plus-28/lib/imports/')],
  ['cdk8s-plus-28 L2 constructs', (u) => u.includes('/node_modules/cdk8s-plus-28/')],
  ['construct tree (constructs)', (u) => u.includes('/node_modules/constructs/')],
  [
    'file system (node:fs, native)',
    (u, f) =>
      u === 'node:fs' ||
      /^(writeFileUtf8|writeFileSync|openSync|closeSync|writeSync|mkdirSync|renameSync|rmSync|lstat|mkdtempSync|realpathSync|existsSync|statSync)$/.test(f),
  ],
  ['crypto (hashes)', (u, f) => u.includes('crypto') || f === 'digest' || f === 'update'],
  ['other node / V8 internals', () => true],
];

/** Functions whose inclusive time shows the phases (matched by name, any file). */
const PHASES: Array<[string, RegExp, RegExp?]> = [
  ['construct creation: StatelessWebTier', /^StatelessWebTier$/],
  ['construct creation: StatefulDatabase', /^StatefulDatabase$/],
  ['connectTo', /^connectTo$/],
  ["synth: the constructs' own validations", /^collectProblems$/],
  ['object JSON (one pass or ApiObject.toJson, L1 toJson_*)', /^of$/, /\/src\/gitops\/_object-json/],
  ['  of which ApiObject.toJson (resolve, L1 toJson_*)', /^toJson$/, /\/node_modules\/cdk8s(-plus-28)?\/lib\/(api-object|imports)/],
  ['guardrails pass over the written objects (schema, API rules, policy)', /^checkWritten$/],
  ['render folder (canonical copy, file names, YAML)', /^renderFolder$/],
  ['  js-yaml dump', /^dump$/, /js-yaml/],
  ['README (topology)', /^readme$/],
  ['write (atomic folder swap)', /^replaceFolder$/],
  ['  fs.writeFileSync', /^writeFileSync$/],
];

export interface ProfileSummary {
  readonly totalMs: number;
  readonly areas: Array<{ area: string; ms: number }>;
  readonly phases: Array<{ phase: string; ms: number }>;
  readonly top: Array<{ fn: string; where: string; ms: number }>;
}

/** Self time by area, inclusive time of the phases, and the functions with most self time. */
export function summarise(p: CpuProfile, root: string): ProfileSummary {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<number, number>();
  // timeDeltas[i] is the time before sample i; attribute each interval to the sample it ends
  p.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (p.timeDeltas[i + 1] ?? 0) / 1000));

  const areas = new Map<string, number>();
  const fns = new Map<string, { fn: string; where: string; ms: number }>();
  const phases = new Map<string, number>();
  let total = 0;
  for (const [id, ms] of self) {
    total += ms;
    const f = byId.get(id)!.callFrame;
    const area = AREAS.find(([, test]) => test(f.url, f.functionName))![0];
    areas.set(area, (areas.get(area) ?? 0) + ms);
    const where = f.url ? `${path.relative(root, f.url.replace(/^file:\/\//, ''))}:${f.lineNumber + 1}` : '';
    const key = `${f.functionName}@${where}`;
    const e = fns.get(key) ?? { fn: f.functionName || '(anonymous)', where, ms: 0 };
    e.ms += ms;
    fns.set(key, e);
    // inclusive: each phase at most once per stack
    const seen = new Set<string>();
    for (let n: number | undefined = id; n !== undefined; n = parent.get(n)) {
      const cf = byId.get(n)!.callFrame;
      for (const [phase, name, url] of PHASES) {
        if (!seen.has(phase) && name.test(cf.functionName) && (!url || url.test(cf.url))) seen.add(phase);
      }
    }
    for (const phase of seen) phases.set(phase, (phases.get(phase) ?? 0) + ms);
  }
  return {
    totalMs: total,
    areas: [...areas].map(([area, ms]) => ({ area, ms })).sort((a, b) => b.ms - a.ms),
    phases: PHASES.map(([phase]) => ({ phase, ms: phases.get(phase) ?? 0 })),
    top: [...fns.values()].sort((a, b) => b.ms - a.ms).slice(0, 25),
  };
}
