import { Chart } from 'cdk8s';
import { DatabaseEngine, Probe, StatefulDatabase, StatefulDatabaseProps } from '../src';
import { assertNoProblems } from '../src/_errors';
import { appProblems, chart, find, mainContainer, Manifest, synth } from './util';

/** The preset most tests use. */
export const postgres = (): DatabaseEngine => DatabaseEngine.postgres({ version: '16.4' });

/** A postgres database `db` with its Secret, plus `props`. */
export function database(c: Chart, props: Partial<StatefulDatabaseProps> = {}, id = 'db'): StatefulDatabase {
  return new StatefulDatabase(c, id, { engine: postgres(), secretName: 'db-credentials', ...props });
}

/** Checks that the app has no problems, then synthesizes (with strict schema validation). */
export function render(c: Chart): Manifest[] {
  assertNoProblems(c.node.root);
  return synth(c);
}

/** The problems of a chart built by `build`, one line each (empty when there are none). */
export function problemsOf(build: (c: Chart) => void, namespace?: string): string[] {
  const c = chart(namespace);
  build(c);
  return appProblems(c);
}

/** The StatefulSet `name` and its (only) container. */
export function workload(objects: Manifest[], name = 'db'): { sts: Manifest; container: Manifest; pod: Manifest } {
  const sts = find(objects, 'StatefulSet', name);
  return { sts, container: mainContainer(sts), pod: sts.spec.template.spec };
}

/** Every command-line word of a container: command, args and exec probe commands. */
export function commandWords(container: Manifest): string[] {
  const probes = ['readinessProbe', 'livenessProbe', 'startupProbe'].map((k) => container[k]?.exec?.command ?? []);
  return [...(container.command ?? []), ...(container.args ?? []), ...probes.flat()];
}

/** The env of a container as name → value or `secret:<name>/<key>`. */
export function envOf(container: Manifest): Record<string, string> {
  return Object.fromEntries(
    (container.env ?? []).map((e: Manifest) => [e.name, e.value ?? `secret:${e.valueFrom?.secretKeyRef?.name}/${e.valueFrom?.secretKeyRef?.key}`]),
  );
}

/** A custom engine (etcd), for options only the presets support. */
export const customEngine = (): DatabaseEngine =>
  DatabaseEngine.custom({
    image: 'quay.io/coreos/etcd:v3.5.16',
    port: 2379,
    dataPath: '/var/lib/etcd',
    readiness: Probe.exec(['true']),
    liveness: Probe.tcpSocket(),
  });
