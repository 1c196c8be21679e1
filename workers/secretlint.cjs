// The worker behind src/guardrails/secret-scan.ts: runs secretlint's recommended
// rule preset (known token formats, private keys, credentials in URLs) over one
// text and answers with where each finding starts and which rule found it,
// never the secret itself. secretlint is asynchronous and ESM-only; the checks
// are synchronous, so src/guardrails/_sync-worker.ts runs this in a worker thread and
// waits for it: workers/serve.cjs is the worker's side of that call.
'use strict';
/* global require, module */
/* eslint-disable @typescript-eslint/no-require-imports */
const { serveInWorker } = require('./serve.cjs');

// loaded as the worker starts, while the app is still being built
const loaded = Promise.all([import('@secretlint/core'), import('@secretlint/secretlint-rule-preset-recommend'), import('@secretlint/profiler')]);

// The preset's rules one by one, without filter-comments: the scanned text is the output, and a
// "secretlint-disable" comment in one string of it (an annotation, a config file) must not silence
// the scan of every later string. (secretlint 13 ignores `disabled` on a rule inside a preset.)
const FILTER_COMMENTS = '@secretlint/secretlint-rule-filter-comments';
// AWS access key ids are only scanned when asked (off in the preset): an id alone is half a credential
const OPTIONS = { '@secretlint/secretlint-rule-aws': { enableIDScanRule: true } };

/** The findings of secretlint in `content`: where each starts, the rule and its message id. */
async function lint(content) {
  const [{ lintSource }, preset, { secretLintProfiler }] = await loaded;
  // secretlint's profiler is on by default: it leaves performance marks and measures of every rule
  // of every scan in the thread's timeline and keeps them, so a long-lived process (a test runner,
  // a watch loop) grows without end (Node warns at a million). Nothing here reads them.
  secretLintProfiler.setEnabled(false);
  const rules = preset.rules
    .filter((rule) => rule.meta.id !== FILTER_COMMENTS)
    .map((rule) => ({ id: rule.meta.id, rule, ...(OPTIONS[rule.meta.id] ? { options: OPTIONS[rule.meta.id] } : {}) }));
  const result = await lintSource({
    source: { content, filePath: 'manifests.txt', ext: '.txt', contentType: 'text' },
    options: { config: { rules }, maskSecrets: true, noPhysicFilePath: true },
  });
  return result.messages.map((m) => ({ start: m.range[0], ruleId: m.ruleId, messageId: m.messageId }));
}

serveInWorker(lint); // in the worker thread; elsewhere (a test) it does nothing
module.exports = { lint };
