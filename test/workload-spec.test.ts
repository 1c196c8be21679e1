/**
 * The workloads' specs (Deployment, StatefulSet) are rendered at synth, not held (src/_tier.ts `_podTemplate`):
 * what the user could still change after a tier is built is copied when it is built, as it always was, and what
 * grows later (containers, env, volumes) is read at synth, as it always was.
 */
import { Chart } from 'cdk8s';
import { DatabaseCredentials, DatabaseEngine, StatefulDatabase, StatelessWebTier, TolerationOperator } from '../src';
import { chart, find, Manifest, proxySidecar, synth } from './util';

const IMAGE = 'registry.example.com/shop/web:1.4.2';

/** A web tier and a database with every map and list the pod template copies, built from `annotations`. */
function build(c: Chart, annotations: Record<string, string>) {
  const web = new StatelessWebTier(c, 'web', {
    image: IMAGE,
    annotations,
    labels: { team: 'shop' },
    nodeSelector: { pool: 'web' },
    tolerations: [{ key: 'dedicated', operator: TolerationOperator.EQUAL, value: 'web' }],
    imagePullSecrets: ['registry'],
    security: { fsGroup: 10001 },
  });
  const db = new StatefulDatabase(c, 'db', {
    engine: DatabaseEngine.postgres({ version: '16.4' }),
    secretName: 'db-credentials',
    annotations,
    replicas: 2,
  });
  return { web, db };
}

const workloads = (objects: Manifest[]) => [find(objects, 'Deployment', 'web'), find(objects, 'StatefulSet', 'db'), find(objects, 'StatefulSet', 'db-replica')];

test("changing the props' objects or the tiers' public maps and lists after the tiers are built leaves the workloads as they were", () => {
  const expected = workloads(synth(((c) => (build(c, { owner: 'shop' }), c))(chart())));
  const c = chart();
  const annotations = { owner: 'shop' };
  const { web, db } = build(c, annotations);
  annotations.owner = 'changed';
  web.labels.team = 'changed';
  web.podSelectorLabels['app.kubernetes.io/name'] = 'changed';
  db.podSelectorLabels['app.kubernetes.io/name'] = 'changed';
  web.nodeSelector.pool = 'changed';
  web.tolerations.push({ key: 'other', operator: TolerationOperator.EXISTS });
  web.imagePullSecrets.push('other');
  (db as { replicas: number }).replicas = 5;
  expect(workloads(synth(c))).toEqual(expected);
});

test('containers, env and volumes added after the tiers are built reach the workloads', () => {
  const c = chart();
  const { web, db } = build(c, {});
  web.addSidecar(proxySidecar());
  web.connectTo(db, { envPrefix: 'DB', credentials: DatabaseCredentials.asFiles() });
  const pod = find(synth(c), 'Deployment', 'web').spec.template.spec;
  expect(pod.containers.map((x: { name: string }) => x.name)).toEqual(['web', 'proxy']);
  expect(pod.containers[0].env.map((e: { name: string }) => e.name)).toEqual(
    expect.arrayContaining(['DB_HOST', 'DB_PORT', 'DB_USER_FILE', 'DB_PASSWORD_FILE']),
  );
  // the sidecar's shared emptyDir, and the Secret volume of the connection's credential files
  const secrets = pod.volumes.filter((v: Manifest) => v.secret?.secretName === 'db-credentials');
  expect(pod.volumes.map((v: { name: string }) => v.name)).toContain('shared');
  expect(secrets).toHaveLength(1);
  expect(pod.containers[0].volumeMounts.map((m: { name: string }) => m.name)).toContain(secrets[0].name);
  expect(pod.containers[1].volumeMounts).toEqual(expect.arrayContaining([{ name: 'shared', mountPath: '/shared' }]));
});

test('each rendering is a new object: changing one rendered spec changes neither the next nor the output', () => {
  const c = chart();
  const { web, db } = build(c, {});
  const first = web.deployment.toJson();
  const again = web.deployment.toJson();
  expect(again).toEqual(first);
  first.spec.template.metadata.labels.team = 'changed';
  first.spec.template.spec.containers[0].image = 'changed';
  db.statefulSet.toJson().spec.selector.matchLabels['app.kubernetes.io/name'] = 'changed';
  const objects = synth(c);
  expect(find(objects, 'Deployment', 'web').spec).toEqual(again.spec);
  expect(find(objects, 'StatefulSet', 'db').spec.selector.matchLabels['app.kubernetes.io/name']).toBe('db');
});
