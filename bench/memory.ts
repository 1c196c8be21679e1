/**
 * Where the memory of variant 1 goes: live heap (after a full GC) once the
 * constructs exist, and once the tree is rendered in memory (guardrails run,
 * JSON, canonical copies, YAML texts, README), holding the result.
 * `node --expose-gc -r ts-node/register bench/memory.ts [apps]` (default 1000).
 */
import { buildLibrary } from './estate';

const MB = 1024 * 1024;
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');
const apps = Number(process.argv[2] ?? 1000);
const live = (): number => {
  gc();
  return process.memoryUsage().heapUsed / MB;
};
const rss = (): number => process.memoryUsage.rss() / MB;

const base = live();
const baseRss = rss();
const app = buildLibrary(apps, '/dev/null/never-written');
const built = live();
const tree = app.render();
const rendered = live();
const files = Object.keys(tree.files).length;
const text = Object.values(tree.files).reduce((n, t) => n + t.length, 0) / MB;
console.log(`N=${apps}: live heap above the loaded modules (after a full GC each time)`);
console.log(`  constructs built:                  ${(built - base).toFixed(0)} MB`);
console.log(`  + rendered tree held (${files} files, ${text.toFixed(1)} MB of text): ${(rendered - base).toFixed(0)} MB`);
console.log(`  RSS now ${(rss() - baseRss).toFixed(0)} MB above the start`);
