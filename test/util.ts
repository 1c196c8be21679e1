import { Chart, Testing } from 'cdk8s';
import { IConstruct } from 'constructs';
import { TiersError } from '../src/_errors';
import { assertNoProblems } from '../src/_errors';
import { SchemaValidator } from '../src/guardrails/schema';
import { TiersProblems } from '../src/errors';
import { EnvValue } from '../src/env';
import { Probe } from '../src/probe';
import { SidecarOptions } from '../src/sidecar';

/** A manifest object as synthesized. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Manifest = Record<string, any>;

/**
 * Synthesizes a chart and validates every object strictly against the
 * Kubernetes 1.28 definitions: every test that synthesizes checks the schema.
 */
export function synth(chart: Chart): Manifest[] {
  const objects = Testing.synth(chart) as Manifest[];
  const findings = objects.flatMap((o) => SchemaValidator.get().validate(o));
  if (findings.length) {
    throw new Error(`schema findings:\n${findings.map((f) => `${f.kind}/${f.name} ${f.path} ${f.message}`).join('\n')}`);
  }
  return objects;
}

/** The one object of `kind` named `name`; fails when there is none or several. */
export function find(objects: Manifest[], kind: string, name: string): Manifest {
  const hits = objects.filter((o) => o.kind === kind && o.metadata?.name === name);
  if (hits.length !== 1)
    throw new Error(`expected one ${kind} "${name}", found ${hits.length} (have: ${objects.map((o) => `${o.kind}/${o.metadata?.name}`).join(', ')})`);
  return hits[0];
}

/** Every object of `kind`. */
export function all(objects: Manifest[], kind: string): Manifest[] {
  return objects.filter((o) => o.kind === kind);
}

/** A fresh chart in a fresh app. */
export function chart(namespace?: string): Chart {
  return new Chart(Testing.app(), 'test', { namespace });
}

/** The first container of the pod template of a workload. */
export function mainContainer(workload: Manifest): Manifest {
  return workload.spec.template.spec.containers[0];
}

/**
 * Every problem of the app of `c` (its constructs' own and the guardrails'
 * findings), as the one TiersError of its synth lists them; none when it is clean.
 */
export function appProblems(c: IConstruct): string[] {
  try {
    assertNoProblems(c.node.root);
  } catch (e) {
    if (e instanceof TiersError) return e.problems;
    throw e;
  }
  return [];
}

/** The problem lines of the library's error that `f` throws; fails when it throws none. */
export function caughtProblems(f: () => unknown): string[] {
  try {
    f();
  } catch (e) {
    return TiersProblems.fromError(e).map((p) => p.message);
  }
  throw new Error('expected an error');
}

/** The container security context every container of the library gets (restricted Pod Security). */
export const RESTRICTED_CONTAINER_SECURITY = {
  allowPrivilegeEscalation: false,
  capabilities: { drop: ['ALL'] },
  privileged: false,
  readOnlyRootFilesystem: true,
  runAsNonRoot: true,
};

/** The pod security context of a database's pods (and its backup pods): uid/gid 10001, the volume writable through the fsGroup. */
export const DATABASE_POD_SECURITY = {
  runAsNonRoot: true,
  runAsUser: 10001,
  runAsGroup: 10001,
  fsGroup: 10001,
  fsGroupChangePolicy: 'OnRootMismatch',
  seccompProfile: { type: 'RuntimeDefault' },
};

/** A sidecar for tests that add one after a tier is built: a proxy with a port, a readiness probe and an env var. */
export function proxySidecar(): SidecarOptions {
  return {
    name: 'proxy',
    image: 'registry.example.com/proxy:1.0',
    port: 9000,
    readiness: Probe.httpGet('/ready'),
    env: { MODE: EnvValue.fromValue('edge') },
  };
}
