/**
 * Generates schema/k8s-validators.js: the strict ajv validators of the kinds the
 * library writes, compiled ahead of time (ajv standalone code), so that a synth
 * does not spend ~0.3 s compiling them, and the definition of every kind (so
 * that those kinds are checked without reading the definitions). Same
 * definitions, same options as SchemaValidator (the emitted code optimised);
 * kinds not listed here are still compiled at run time.
 * A test checks that the committed file is what this script generates.
 *
 *   npm run gen:validators
 */
import { writeFileSync } from 'node:fs';
import { PRECOMPILED_FILE, SchemaValidator } from '../src/guardrails/schema';

export const PRECOMPILED_KINDS = [
  'v1|Namespace',
  'v1|ServiceAccount',
  'v1|ConfigMap',
  'v1|Service',
  'v1|PersistentVolumeClaim',
  'apps/v1|Deployment',
  'apps/v1|StatefulSet',
  'policy/v1|PodDisruptionBudget',
  'autoscaling/v2|HorizontalPodAutoscaler',
  'networking.k8s.io/v1|NetworkPolicy',
  'batch/v1|CronJob',
];

export function generateValidators(): string {
  return SchemaValidator.standaloneSource(PRECOMPILED_KINDS);
}

if (require.main === module) {
  writeFileSync(PRECOMPILED_FILE, generateValidators());
  console.log(`wrote ${PRECOMPILED_FILE}`);
}
