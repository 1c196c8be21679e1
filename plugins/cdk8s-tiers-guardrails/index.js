// The cdk8s-tiers guardrails as a cdk8s validation plugin (class GuardrailsValidation).
// Enable it in cdk8s.yaml with a local package path, e.g.
//   validations:
//     - package: ./node_modules/cdk8s-tiers/plugins/cdk8s-tiers-guardrails
//       version: 0.1.0
//       class: GuardrailsValidation
'use strict';
/* global require, module, __dirname */
/* eslint-disable @typescript-eslint/no-require-imports */
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..', '..');
const compiled = path.join(root, 'lib', 'guardrails', 'plugin.js');
if (fs.existsSync(compiled)) {
  module.exports = require(compiled); // the published package
} else {
  // a source checkout that was not built: compile the TypeScript on load (ts-node with swc)
  require('ts-node').register({
    transpileOnly: true,
    swc: true,
    skipProject: true,
    compilerOptions: { module: 'commonjs', target: 'es2022', esModuleInterop: true, resolveJsonModule: true },
  });
  module.exports = require(path.join(root, 'src', 'guardrails', 'plugin.ts'));
}
