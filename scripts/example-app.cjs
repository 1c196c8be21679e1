// The app that cdk8s.yaml runs: the example, src/main.ts, from its compiled JavaScript when
// that is current. `npm run build` (and so `npm ci`, through `prepare`) compiles src/ into lib/
// and then records a hash of what it compiled (tsconfig.json and src/**/*.ts) in
// lib/.sources.sha256. When the sources still have that hash, this runs lib/main.js with
// plain node (no TypeScript loaded: a third of the start-up); when they do not (a source
// edited since the build, or no build), it runs src/main.ts through ts-node as before and
// says so on stderr. Either way the output is the same: the same sources run.
//
//   node scripts/example-app.cjs          run the example (cdk8s.yaml)
//   node scripts/example-app.cjs --stamp  record that lib/ is built from the sources (npm run build)
'use strict';
/* global require, __dirname, process */
/* eslint-disable @typescript-eslint/no-require-imports */
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.join(__dirname, '..');
const STAMP = path.join(ROOT, 'lib', '.sources.sha256');

/** The hash of what `tsc -p tsconfig.json` compiles: tsconfig.json and every src/**.ts, by path. */
function sourcesHash() {
  const sources = fs
    .readdirSync(path.join(ROOT, 'src'), { recursive: true })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => `src/${f.split(path.sep).join('/')}`)
    .sort();
  const hash = crypto.createHash('sha256');
  for (const rel of ['tsconfig.json', ...sources]) {
    const content = fs.readFileSync(path.join(ROOT, rel));
    hash.update(`${rel}\0${content.length}\0`).update(content);
  }
  return hash.digest('hex');
}

function stamped() {
  try {
    return fs.readFileSync(STAMP, 'utf8').trim();
  } catch {
    return undefined;
  }
}

if (process.argv[2] === '--stamp') {
  fs.writeFileSync(STAMP, `${sourcesHash()}\n`);
} else if (stamped() === sourcesHash()) {
  // the secretlint worker loads secretlint while the app loads and builds (the app starts it later otherwise)
  require('../lib/guardrails/secret-scan').startSecretScanner();
  require('../lib/main.js');
} else {
  process.stderr.write(
    'cdk8s-tiers example: lib/ is not built from the current sources, so src/main.ts runs through ts-node (slower); `npm run build` makes the next synth start fast\n',
  );
  require('ts-node').register({ project: path.join(ROOT, 'tsconfig.json') });
  require('../src/main.ts');
}
