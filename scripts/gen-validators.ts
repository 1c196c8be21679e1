/**
 * Generates schema/k8s-validators.js: the strict ajv validators of the kinds the
 * library writes, compiled ahead of time (ajv standalone code), so that a synth
 * does not spend ~0.3 s compiling them (same definitions, same options as
 * SchemaValidator, the emitted code optimised; kinds not listed here are still
 * compiled at run time); and schema/k8s-shapes.json: the definition of every
 * kind and the schema table that decides which objects are valid (so that
 * valid objects are checked without reading the definitions or the validators).
 * A test checks that the committed files are what this script generates.
 *
 *   npm run gen:validators
 */
import { writeFileSync } from 'node:fs';
import { PRECOMPILED_FILE, SchemaValidator, SHAPES_FILE } from '../src/guardrails/schema';

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

export function generateTable(): string {
  return SchemaValidator.tableSource();
}

if (require.main === module) {
  writeFileSync(PRECOMPILED_FILE, generateValidators());
  writeFileSync(SHAPES_FILE, generateTable());
  console.log(`wrote ${PRECOMPILED_FILE} and ${SHAPES_FILE}`);
}
