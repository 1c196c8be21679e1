/**
 * A plain cdk8s App (not the GitOps writer) of 100 web/database pairs spread over C charts:
 * CPU and wall of `app.synth()`. cdk8s validates the app once and again per chart it writes;
 * the library's guardrails pass runs once per synth however many charts there are.
 * `node -r ts-node/register bench/plain-app.ts [charts...]` (default 1 10 50); each size in a fresh process.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Chart } from 'cdk8s';
import { DatabaseEngine, StatefulDatabase, StatelessWebTier } from '../src/index';

const PAIRS = 100;

function measure(charts: number): string {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'plain-app-'));
  try {
    const app = new App({ outdir });
    for (let c = 0; c < charts; c++) {
      const chart = new Chart(app, `c${c}`, { namespace: `ns${c}` });
      for (let i = c; i < PAIRS; i += charts) {
        const web = new StatelessWebTier(chart, `web${i}`, { image: 'nginx:1.27.3', partOf: 'shop' });
        const db = new StatefulDatabase(chart, `db${i}`, {
          engine: DatabaseEngine.postgres({ version: '16.4' }),
          partOf: 'shop',
          secretName: `db${i}-credentials`,
        });
        web.connectTo(db);
      }
    }
    const cpu = process.cpuUsage();
    const start = performance.now();
    app.synth();
    const used = process.cpuUsage(cpu);
    return `| ${charts} | ${PAIRS} | ${(performance.now() - start).toFixed(0)} | ${((used.user + used.system) / 1000).toFixed(0)} |`;
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

const child = process.env.PLAIN_APP_CHARTS;
if (child) {
  console.log(measure(Number(child)));
} else {
  const sizes = process.argv.slice(2).map(Number);
  console.log('| charts | web/db pairs | app.synth() wall ms | CPU ms |\n|---:|---:|---:|---:|');
  for (const charts of sizes.length ? sizes : [1, 10, 50]) {
    const r = spawnSync(process.execPath, [...process.execArgv, __filename], { env: { ...process.env, PLAIN_APP_CHARTS: String(charts) }, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`bench/plain-app.ts with ${charts} charts failed:\n${r.stderr}`);
    process.stdout.write(r.stdout);
  }
}
