/**
 * Each case of issue 9 ("Guardrails that see everything that is written"),
 * tried as a careless user and as an attacker would: it fails the synth with
 * one clear message, or passes with a printed waiver where it is policy.
 */
import { ApiObject, App, Chart, JsonPatch, Testing } from 'cdk8s';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { EnvValue, ServiceType, StatelessWebTier } from '../src';
import { TiersError } from '../src/_errors';
import { Environment, GitOpsApp } from '../src/gitops';
import { Guardrails } from '../src/guardrails';
import { find, Manifest, synth } from './util';

const IMAGE = 'registry.example.com/shop/web:1.4.2';

/** The problems of a synth that must fail (the test fails when it succeeds). */
function failure(synth: () => void): string[] {
  try {
    synth();
  } catch (e) {
    expect(e).toBeInstanceOf(TiersError);
    return (e as TiersError).problems;
  }
  throw new Error('synth succeeded');
}

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'guardrails-why-'));

/** A privileged hostNetwork Pod, a Secret with a password, a cluster-admin binding for every account. */
function attack(scope: Chart): void {
  new ApiObject(scope, 'pod', {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'debug' },
    spec: {
      hostNetwork: true,
      containers: [{ name: 'sh', image: 'busybox:latest', securityContext: { privileged: true }, volumeMounts: [{ name: 'root', mountPath: '/host' }] }],
      volumes: [{ name: 'root', hostPath: { path: '/' } }],
    },
  });
  new ApiObject(scope, 'secret', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db' }, stringData: { password: 'hunter2' } });
  new ApiObject(scope, 'crb', {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name: 'everyone-admin' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
    subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'system:authenticated' }],
  }).addJsonPatch(JsonPatch.remove('/metadata/namespace'));
}

const ATTACK_FINDINGS = [
  /^\[dev\/pod\] policy\/host-namespaces: Pod dev\/debug: hostNetwork is true\. /,
  /^\[dev\/pod\] policy\/privileged: Pod dev\/debug: container "sh": is privileged\. /,
  /^\[dev\/pod\] policy\/volume-types: Pod dev\/debug: volume "root" uses a hostPath volume\. /,
  /^\[dev\/pod\] policy\/image-pinned: Pod dev\/debug: container "sh": image "busybox:latest" is not pinned/,
  /^\[dev\/secret\] policy\/no-literal-secrets: Secret dev\/db: a Secret with literal data is written into the output\. /,
  /^\[dev\/crb\] policy\/rbac-binding: ClusterRoleBinding everyone-admin: binds the built-in ClusterRole "cluster-admin"\. /,
  /^\[dev\/crb\] policy\/rbac-binding: ClusterRoleBinding everyone-admin: binds Group "system:authenticated" \(everyone with an account\)\. /,
];

describe('an Environment that holds only hand-added objects', () => {
  test('is checked: the synth fails with every finding and writes nothing', () => {
    const outdir = path.join(tmp(), 'dist');
    const app = new GitOpsApp({ outdir });
    attack(new Environment(app, 'dev'));
    const problems = failure(() => app.synth());
    for (const f of ATTACK_FINDINGS) expect(problems).toContainEqual(expect.stringMatching(f));
    expect(problems.join('\n')).not.toContain('hunter2');
    expect(fs.existsSync(outdir)).toBe(false);
  });

  test('passes with a printed waiver and its reason where the finding is policy', () => {
    const outdir = path.join(tmp(), 'dist');
    const app = new GitOpsApp({ outdir });
    const env = new Environment(app, 'dev');
    new ApiObject(env, 'lb', {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: {
        name: 'edge',
        annotations: { [Guardrails.WAIVER_ANNOTATION]: 'policy/exposure=the edge proxy is the one public entry, reviewed by the platform team' },
      },
      spec: { type: 'LoadBalancer', ports: [{ port: 443 }] },
    });
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      app.synth();
      expect(warn.mock.calls.map((c) => c[0])).toEqual([
        'cdk8s-tiers guardrails: 1 waived finding:\n  [dev/lb] waived policy/exposure on Service dev/edge: ' +
          'the edge proxy is the one public entry, reviewed by the platform team (finding: type LoadBalancer publishes it on a cloud load balancer)',
      ]);
    } finally {
      warn.mockRestore();
    }
    expect(fs.readdirSync(path.join(outdir, 'dev'))).toContain('service-dev-edge.yaml');
  });
});

describe('manifestsOf does not freeze anything', () => {
  test('objects added and changes made after manifestsOf are checked and written as they are', () => {
    const outdir = path.join(tmp(), 'dist');
    const app = new GitOpsApp({ outdir });
    const env = new Environment(app, 'dev');
    const tier = new StatelessWebTier(env, 'web', { image: IMAGE });
    expect(Guardrails.manifestsOf(env).length).toBeGreaterThan(3);
    expect(Guardrails.check(env).findings).toEqual([]);
    tier.deployment.addJsonPatch(JsonPatch.replace('/spec/template/spec/containers/0/image', 'nginx:latest'));
    attack(env);
    const problems = failure(() => app.synth());
    expect(problems).toContainEqual(
      expect.stringMatching(/^\[dev\/web\/deployment\] policy\/image-pinned: Deployment dev\/web: container "web": image "nginx:latest"/),
    );
    expect(problems).toContainEqual(expect.stringMatching(ATTACK_FINDINGS[0]));

    // fixed again: what is written is the tree as it is now, also a label added after the first synth
    tier.deployment.addJsonPatch(JsonPatch.replace('/spec/template/spec/containers/0/image', IMAGE));
    for (const id of ['pod', 'secret', 'crb']) env.node.tryRemoveChild(id);
    tier.deployment.metadata.addLabel('team', 'payments');
    app.synth();
    const written = fs.readFileSync(path.join(outdir, 'dev', 'deployment-dev-web.yaml'), 'utf8');
    expect(written).toContain('team: payments');
    expect(written).toContain(`image: ${IMAGE}`);
  });
});

describe('RBAC and exposure', () => {
  const bad = (scope: Chart) => {
    new ApiObject(scope, 'crb', {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: 'ops-admin' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
      subjects: [{ kind: 'ServiceAccount', name: 'ops', namespace: 'shop' }],
    }).addJsonPatch(JsonPatch.remove('/metadata/namespace'));
    new ApiObject(scope, 'role', {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: 'everything' },
      rules: [
        { apiGroups: ['*'], resources: ['*'], verbs: ['*'] },
        { apiGroups: [''], resources: ['serviceaccounts'], verbs: ['impersonate'] },
      ],
    });
    new ApiObject(scope, 'reader', {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: 'secret-reader' },
      rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list'] }],
    }).addJsonPatch(JsonPatch.remove('/metadata/namespace'));
    new ApiObject(scope, 'lb', {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'lb' },
      spec: { type: 'LoadBalancer', externalIPs: ['203.0.113.7'], ports: [{ port: 80 }] },
    });
  };
  const expected = (at: string, ns: string) => [
    new RegExp(`^\\[${at}/crb\\] policy/rbac-binding: ClusterRoleBinding ops-admin: binds the built-in ClusterRole "cluster-admin"`),
    new RegExp(`^\\[${at}/role\\] policy/rbac-wildcard: Role ${ns}/everything: rules\\[0\\]: "\\*" in verbs, resources, apiGroups`),
    new RegExp(`^\\[${at}/role\\] policy/rbac-escalation: Role ${ns}/everything: rules\\[1\\]: grants impersonate`),
    new RegExp(`^\\[${at}/reader\\] policy/rbac-secrets: ClusterRole secret-reader: rules\\[0\\]: grants get, list on Secrets in every namespace`),
    new RegExp(`^\\[${at}/lb\\] policy/exposure: Service ${ns}/lb: type LoadBalancer publishes it on a cloud load balancer`),
    new RegExp(`^\\[${at}/lb\\] policy/exposure: Service ${ns}/lb: externalIPs "203\\.0\\.113\\.7" publish it on node addresses`),
  ];

  test('fail a GitOpsApp synth', () => {
    const app = new GitOpsApp({ outdir: path.join(tmp(), 'dist') });
    bad(new Environment(app, 'dev', { namespace: 'shop' }));
    const problems = failure(() => app.synth());
    for (const f of expected('dev', 'shop')) expect(problems).toContainEqual(expect.stringMatching(f));
  });

  test('fail a plain app.synth() next to a library construct', () => {
    const app = new App({ outdir: tmp() });
    const c = new Chart(app, 'shop', { namespace: 'shop' });
    new StatelessWebTier(c, 'web', { image: IMAGE });
    bad(c);
    const problems = failure(() => app.synth());
    for (const f of expected('shop', 'shop')) expect(problems).toContainEqual(expect.stringMatching(f));
    expect(fs.readdirSync(app.outdir)).toEqual([]);
  });

  test('a NodePort Service stays allowed (the web tier is published that way)', () => {
    const c = new Chart(Testing.app(), 'shop', { namespace: 'shop' });
    new StatelessWebTier(c, 'web', { image: IMAGE, nodePort: 30080 });
    expect(Guardrails.check(c).findings).toEqual([]);
  });
});

describe('literal secrets, wherever a string reaches the output', () => {
  /** A hand-written Deployment, the pod hardened, with `container` merged into its container. */
  function deployment(container: Manifest, meta: Manifest = {}): Manifest {
    const labels = { 'app.kubernetes.io/name': 'app', 'app.kubernetes.io/instance': 'app' };
    return {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'app', namespace: 'shop', labels, ...meta },
      spec: {
        replicas: 1,
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: {
            automountServiceAccountToken: false,
            securityContext: { runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, seccompProfile: { type: 'RuntimeDefault' } },
            containers: [
              {
                name: 'app',
                image: 'registry.example.com/app:1.0.0',
                imagePullPolicy: 'Always',
                securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, readOnlyRootFilesystem: true },
                resources: {
                  requests: { cpu: '100m', memory: '128Mi', 'ephemeral-storage': '64Mi' },
                  limits: { memory: '256Mi', 'ephemeral-storage': '256Mi' },
                },
                readinessProbe: { httpGet: { path: '/ready', port: 8080 } },
                livenessProbe: { tcpSocket: { port: 8080 } },
                ...container,
              },
            ],
          },
        },
      },
    };
  }
  const fence: Manifest = {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: 'fence', namespace: 'shop' },
    spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
  };
  const secretFindings = (objects: Manifest[]) => {
    const { findings } = Guardrails.checkManifests([...objects, fence]);
    for (const f of findings) expect(f.checkId).toBe('policy/no-literal-secrets');
    return findings.map((f) => f.message);
  };
  const { privateKey } = crypto.generateKeyPairSync('rsa', {
    modulusLength: 1024,
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  const pat = `ghp_${'x1Y2z3'.repeat(6)}`;
  const awsSecret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYzz2xmpl5KY';

  test.each<[string, Manifest, RegExp]>([
    ['env DB_PASS', { env: [{ name: 'DB_PASS', value: 'hunter2' }] }, /^container "app": env "DB_PASS" carries a literal value$/],
    ['env pwd', { env: [{ name: 'pwd', value: 'hunter2' }] }, /^container "app": env "pwd" carries a literal value$/],
    ['env REDIS_AUTH', { env: [{ name: 'REDIS_AUTH', value: 'hunter2' }] }, /^container "app": env "REDIS_AUTH" carries a literal value$/],
    [
      'a DATABASE_URL with user:password@',
      { env: [{ name: 'DATABASE_URL', value: 'postgres://shop:s3cr3tPa55@db:5432/shop' }] },
      /^spec\.template\.spec\.containers\[0\]\.env\[0\]\.value: holds a literal secret \(\w+, found by @secretlint\/secretlint-rule-(database-connection-string|basicauth)\)$/,
    ],
    [
      'a PEM private key',
      { env: [{ name: 'TLS_KEY_PEM', value: privateKey }] },
      /^spec\.template\.spec\.containers\[0\]\.env\[0\]\.value: holds a literal secret \(PrivateKey, found by @secretlint\/secretlint-rule-privatekey\)$/,
    ],
    [
      'a cloud access key',
      { args: [`AWS_SECRET_ACCESS_KEY=${awsSecret}`] },
      /^spec\.template\.spec\.containers\[0\]\.args\[0\]: (holds a literal secret \(AWSSecretAccessKey|assigns a literal value to "AWS_SECRET_ACCESS_KEY")/,
    ],
    [
      'a lone cloud access key id',
      { env: [{ name: 'AWS_KEY', value: 'AKIAQWERTYUIOPASDFGH' }] },
      /^spec\.template\.spec\.containers\[0\]\.env\[0\]\.value: holds a literal secret \(AWSAccessKeyID, found by @secretlint\/secretlint-rule-aws\)$/,
    ],
    [
      'a personal access token',
      { env: [{ name: 'GH', value: pat }] },
      /^spec\.template\.spec\.containers\[0\]\.env\[0\]\.value: holds a literal secret \(GITHUB_TOKEN, found by @secretlint\/secretlint-rule-github\)$/,
    ],
    [
      '--password=... in args',
      { args: ['--user=shop', '--password=hunter2'] },
      /^spec\.template\.spec\.containers\[0\]\.args\[1\]: assigns a literal value to "password"$/,
    ],
    [
      '--password ... in args',
      { command: ['/app', '--password', 'hunter2'] },
      /^container "app": command\[2\] \(the value of "--password"\) is a literal secret$/,
    ],
  ])('%s', (_, container, message) => {
    const messages = secretFindings([deployment(container)]);
    expect(messages).toContainEqual(expect.stringMatching(message));
    expect(messages.join('\n')).not.toMatch(/hunter2|s3cr3t|BEGIN|ghp_|wJalr|AKIA/);
  });

  test('password=... in a config file, an annotation holding a password, a ConfigMap key DB_PASSWORD', () => {
    const messages = secretFindings([
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'conf', namespace: 'shop' },
        data: { 'app.ini': '[db]\nhost = db\npassword = hunter2\n', DB_PASSWORD: 'hunter2' },
      },
      deployment({}, { annotations: { 'shop.example.com/db-password': 'hunter2' } }),
    ]);
    expect(messages.sort()).toEqual([
      'data.DB_PASSWORD: a secret-looking key holds a literal value',
      'data["app.ini"]: assigns a literal value to "password"',
      'metadata.annotations["shop.example.com/db-password"]: a secret-looking key holds a literal value',
    ]);
  });

  test('references, placeholders and names that only describe a credential pass', () => {
    expect(
      secretFindings([
        deployment({
          env: [
            { name: 'DB_PASSWORD_FILE', value: '/run/secrets/db' },
            { name: 'AUTH_URL', value: 'https://auth.example.com' },
            { name: 'SECRET_NAME', value: 'db' },
            { name: 'DB_PASS', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } },
          ],
          args: ['--password=$(DB_PASS)', '--token', '${TOKEN}', 'password_encryption=scram-sha-256'],
        }),
      ]),
    ).toEqual([]);
  });

  test('a library tier rejects a literal value for a secret-looking env name by prop, with the fix', () => {
    const c = new Chart(Testing.app(), 'shop', { namespace: 'shop' });
    new StatelessWebTier(c, 'web', { image: IMAGE, env: { REDIS_AUTH: EnvValue.fromValue('hunter2') } });
    expect(failure(() => Testing.synth(c))).toEqual([
      '[shop/web] env["REDIS_AUTH"]: got "(literal value hidden)"; "REDIS_AUTH" looks like a credential, and credentials must not be written as literal values into manifests. ' +
        "Fix: create a Secret and use EnvValue.fromSecretKey('<secret-name>', '<key>') for REDIS_AUTH",
    ]);
  });
});

describe('API-server limits and cluster-scoped objects', () => {
  test('a ConfigMap over 1 MiB and a 300 KB annotation fail the synth', () => {
    const c = new Chart(Testing.app(), 'shop', { namespace: 'shop' });
    Guardrails.enable(c);
    new ApiObject(c, 'big', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'big' }, data: { blob: 'x'.repeat(1024 * 1024) } });
    new ApiObject(c, 'noted', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'noted', annotations: { note: 'x'.repeat(300 * 1000) } },
      data: { a: 'b' },
    });
    expect(failure(() => Testing.synth(c))).toEqual([
      '[shop/big] api/size-limits: ConfigMap shop/big: its data is 1048580 bytes, above the limit of 1048576. Fix: move large content into a volume or an image, and large annotations into a ConfigMap',
      '[shop/noted] api/size-limits: ConfigMap shop/noted: metadata.annotations are 300004 bytes, above the limit of 262144. Fix: move large content into a volume or an image, and large annotations into a ConfigMap',
    ]);
  });

  test("a hand-added ClusterRoleBinding that picked up the chart's namespace is reported; without it, its file has no namespace", () => {
    const outdir = path.join(tmp(), 'dist');
    const app = new GitOpsApp({ outdir });
    const env = new Environment(app, 'dev');
    const crb = new ApiObject(env, 'crb', {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: 'view-web' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' },
      subjects: [{ kind: 'ServiceAccount', name: 'web', namespace: 'dev' }],
    });
    expect(failure(() => app.synth())).toEqual([
      '[dev/crb] api/cluster-scoped: ClusterRoleBinding dev/view-web: a cluster-scoped ClusterRoleBinding carries metadata.namespace "dev". ' +
        'Fix: remove it: ApiObject.of(obj).addJsonPatch(JsonPatch.remove("/metadata/namespace")) (a chart gives its namespace to every object), or create the object in a chart without a namespace',
    ]);
    crb.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
    app.synth();
    expect(fs.readdirSync(path.join(outdir, 'dev'))).toContain('clusterrolebinding-view-web.yaml');
  });
});

describe('charts without a namespace', () => {
  const ingressPeers = (objects: Manifest[], name: string) => find(objects, 'NetworkPolicy', name).spec.ingress.flatMap((r: Manifest) => r.from ?? []);
  const egressPeers = (objects: Manifest[], name: string) =>
    find(objects, 'NetworkPolicy', name)
      .spec.egress.flatMap((r: Manifest) => r.to ?? [])
      .slice(1);

  test('connected tiers that both have no namespace get rules that name pods only: they work in whatever namespace they are applied to', () => {
    const c = new Chart(Testing.app(), 'shop');
    const api = new StatelessWebTier(c, 'api', { image: IMAGE, serviceType: ServiceType.CLUSTER_IP });
    const front = new StatelessWebTier(c, 'front', { image: IMAGE });
    front.connectTo(api);
    const objects = synth(c);
    expect(ingressPeers(objects, 'api')).toEqual([{ podSelector: { matchLabels: front.podSelectorLabels } }]);
    expect(egressPeers(objects, 'front')).toEqual([{ podSelector: { matchLabels: api.podSelectorLabels } }]);
    expect(JSON.stringify(objects)).not.toContain('"default"');
  });

  test('a tier in a namespace connected to one without a namespace is reported: its rule cannot name where the other runs', () => {
    const app = Testing.app();
    const api = new StatelessWebTier(new Chart(app, 'somewhere'), 'api', { image: IMAGE, serviceType: ServiceType.CLUSTER_IP });
    const front = new StatelessWebTier(new Chart(app, 'shop', { namespace: 'shop' }), 'front', { image: IMAGE });
    front.connectTo(api);
    expect(failure(() => app.synth())).toEqual([
      '[shop/front] network peer somewhere/api: got (not set); the NetworkPolicy "front" is in namespace "shop", but the peer has no namespace (neither its namespace prop nor its chart\'s), so a rule cannot name where its pods run. ' +
        'Fix: give the chart of the peer a namespace (new Chart(app, id, { namespace })) or the peer its namespace prop; or leave both without one',
    ]);
  });
});

describe('keys that are legal in Kubernetes but special in JavaScript', () => {
  test.each(['toString', 'valueOf', 'hasOwnProperty', 'isPrototypeOf'])('%s renders as written in labels, annotations and configFiles', (key) => {
    const c = new Chart(Testing.app(), 'shop', { namespace: 'shop' });
    const map = JSON.parse(`{"${key}": "v1"}`);
    new StatelessWebTier(c, 'web', { image: IMAGE, labels: map, annotations: map, configFiles: map });
    const objects = synth(c);
    const d = find(objects, 'Deployment', 'web');
    for (const m of [d.metadata.labels, d.metadata.annotations, d.spec.template.metadata.labels, find(objects, 'ConfigMap', 'web-config').data]) {
      expect(Object.prototype.hasOwnProperty.call(m, key)).toBe(true);
      expect(m[key]).toBe('v1');
    }
  });

  test.each(['labels', 'annotations', 'configFiles'])('constructor and __proto__ in %s are reported by prop, with a fix', (prop) => {
    for (const [key, fix] of [
      ['constructor', /Fix: rename the key, or add it to the rendered object with a JSON patch/],
      ['__proto__', /Fix: rename the key: cdk8s cannot write it at all/],
    ] as const) {
      const c = new Chart(Testing.app(), 'shop', { namespace: 'shop' });
      new StatelessWebTier(c, 'web', { image: IMAGE, [prop]: JSON.parse(`{"${key}": "v1"}`) });
      const problems = failure(() => Testing.synth(c));
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(new RegExp(`^\\[shop/web\\] ${prop} key: got "${key}"; is a key that cdk8s cannot render as written`));
      expect(problems[0]).toMatch(fix);
    }
  });
});
