/** Removes the run's scratch folder made by tmp-setup.ts (cdk8s's Testing.app() alone leaves one folder per app). */
import * as fs from 'node:fs';

export default function teardown(): void {
  const dir = process.env.CDK8S_TIERS_JEST_TMP;
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
}
