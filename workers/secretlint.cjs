// The worker behind src/guardrails/secret-scan.ts: runs secretlint's recommended
// rule preset (known token formats, private keys, credentials in URLs) over one
// text and answers with where each finding starts and which rule found it,
// never the secret itself. secretlint is asynchronous and ESM-only; the checks
// are synchronous, so synckit runs this in a worker thread and waits for it.
'use strict';
/* global require */
/* eslint-disable @typescript-eslint/no-require-imports */
const { runAsWorker } = require('synckit');

// loaded as the worker starts, while the app is still being built
const loaded = Promise.all([import('@secretlint/core'), import('@secretlint/secretlint-rule-preset-recommend')]);

// The preset's rules one by one, without filter-comments: the scanned text is the output, and a
// "secretlint-disable" comment in one string of it (an annotation, a config file) must not silence
// the scan of every later string. (secretlint 13 ignores `disabled` on a rule inside a preset.)
const FILTER_COMMENTS = '@secretlint/secretlint-rule-filter-comments';
// AWS access key ids are only scanned when asked (off in the preset): an id alone is half a credential
const OPTIONS = { '@secretlint/secretlint-rule-aws': { enableIDScanRule: true } };

runAsWorker(async (content) => {
  const [{ lintSource }, preset] = await loaded;
  const rules = preset.rules
    .filter((rule) => rule.meta.id !== FILTER_COMMENTS)
    .map((rule) => ({ id: rule.meta.id, rule, ...(OPTIONS[rule.meta.id] ? { options: OPTIONS[rule.meta.id] } : {}) }));
  const result = await lintSource({
    source: { content, filePath: 'manifests.txt', ext: '.txt', contentType: 'text' },
    options: { config: { rules }, maskSecrets: true, noPhysicFilePath: true },
  });
  return result.messages.map((m) => ({ start: m.range[0], ruleId: m.ruleId, messageId: m.messageId }));
});
