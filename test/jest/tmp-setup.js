// One scratch folder per `jest` run for everything the tests (and cdk8s's Testing.app()) put in
// the temporary folder: os.tmpdir() reads TMPDIR, and the workers inherit it. Mode 1777 like /tmp,
// because some tests run child processes as another user. Removed again by tmp-teardown.js.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

module.exports = async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-tiers-jest-'));
  fs.chmodSync(dir, 0o1777);
  process.env.CDK8S_TIERS_JEST_TMP = dir;
  process.env.TMPDIR = dir;
};
