import * as fs from 'node:fs';
import { Session } from 'node:inspector';
import { buildLibrary } from './bench/estate';
const s = new Session(); s.connect();
const post = (m: string, p?: object): any => { let r: any; s.post(m, p, (e, x) => { if (e) throw e; r = x; }); return r; };
const apps = Number(process.argv[2] ?? 300);
post('HeapProfiler.enable');
post('HeapProfiler.startSampling', { samplingInterval: 4096, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
const app = buildLibrary(apps, '/dev/shm/alloc/dist');
app.synth();
const prof = post('HeapProfiler.stopSampling').profile;
// self size by function, and inclusive by phase function names
const self = new Map<string, number>(); const incl = new Map<string, number>();
const PH = /^(StatelessWebTier|StatefulDatabase|connectTo|sortObjects|checkWritten|renderFolder|readme|replaceFolder|collectProblems|topology|of|toYaml|canonical|dump)$/;
function walk(n: any, stack: string[]) {
  const f = n.callFrame; const name = `${f.functionName}@${f.url.split('/').slice(-2).join('/')}:${f.lineNumber + 1}`;
  const here = n.selfSize;
  self.set(name, (self.get(name) ?? 0) + here);
  const st = PH.test(f.functionName) && !stack.includes(f.functionName) ? [...stack, f.functionName] : stack;
  for (const p of new Set(st)) incl.set(p, (incl.get(p) ?? 0) + here);
  for (const c of n.children) walk(c, st);
}
walk(prof.head, []);
const MB = 1048576;
console.log('total', ([...self.values()].reduce((a, b) => a + b, 0) / MB).toFixed(0), 'MB allocated');
for (const [k, v] of [...incl].sort((a, b) => b[1] - a[1])) console.log('phase', k.padEnd(18), (v / MB).toFixed(1));
for (const [k, v] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 30)) console.log((v / MB).toFixed(1).padStart(7), k);
// functions under a phase
const under = new Map<string, number>();
function walk2(n: any, inside: boolean) {
  const f = n.callFrame; const name = `${f.functionName}@${f.url.split('/').slice(-2).join('/')}:${f.lineNumber + 1}`;
  const now = inside || (f.functionName === (process.env.PHASE ?? 'of') && f.url.includes(process.env.PHASEURL ?? '_object-json'));
  if (now) under.set(name, (under.get(name) ?? 0) + n.selfSize);
  for (const c of n.children) walk2(c, now);
}
walk2(prof.head, false);
console.log('--- under', process.env.PHASE ?? 'of');
for (const [k, v] of [...under].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log((v / MB).toFixed(1).padStart(7), k);
