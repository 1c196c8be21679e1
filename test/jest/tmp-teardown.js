// Removes the run's scratch folder made by tmp-setup.js (cdk8s's Testing.app() alone leaves one folder per app).
const fs = require('node:fs');

module.exports = async () => {
  const dir = process.env.CDK8S_TIERS_JEST_TMP;
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
};
