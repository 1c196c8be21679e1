/**
 * The application the GitOps tests render: a public nginx front (NodePort)
 * forwarding to an internal API, in dev, staging and prod.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Construct } from 'constructs';
import { EnvValue, Probe, ServiceType, StatelessWebTier } from '../src';
import { ArgoCdOptions, Environment, EnvironmentProps, GitOpsApp, IManifestCheck } from '../src/gitops';

export interface ShopOptions {
  /** Leaves the API tier out (a removed resource). */
  readonly withoutApi?: boolean;
  /** Replicas of the front in every environment (a bad value fails the synth). */
  readonly frontReplicas?: number;
}

/** The app definition: one function of the environment. */
export class Shop extends Construct {
  public readonly front: StatelessWebTier;
  public readonly api?: StatelessWebTier;

  constructor(env: Environment, id: string, options: ShopOptions = {}) {
    super(env, id);
    const api = options.withoutApi
      ? undefined
      : new StatelessWebTier(this, 'api', {
          image: env.image('api', 'ghcr.io/stefanprodan/podinfo:6.7.1'),
          partOf: 'shop',
          serviceType: ServiceType.CLUSTER_IP,
          port: 9898,
          readiness: Probe.httpGet('/readyz', { periodSeconds: 5 }),
          liveness: Probe.httpGet('/healthz', { initialDelaySeconds: 5, periodSeconds: 10 }),
          env: { PODINFO_UI_MESSAGE: EnvValue.fromValue(`shop api (${env.name})`) },
          replicas: env.replicas('api'),
          autoscaling: env.autoscaling('api', { minReplicas: 2, maxReplicas: 6 }),
          resources: env.resources('api'),
        });
    this.api = api;
    this.front = new StatelessWebTier(this, 'front', {
      image: env.image('front', 'nginxinc/nginx-unprivileged:1.27.3-alpine'),
      partOf: 'shop',
      nodePort: env.nodePort('front'),
      replicas: env.replicas('front', options.frontReplicas ?? 3),
      autoscaling: env.autoscaling('front'),
      resources: env.resources('front'),
      readiness: Probe.httpGet('/healthz', { periodSeconds: 5 }),
      writablePaths: ['/var/cache/nginx'],
      configMountPath: '/etc/nginx/conf.d',
      // a multi-line file: the YAML must keep it as a literal block, byte for byte
      configFiles: { 'default.conf': `server { listen 8080; location / { proxy_pass http://${api?.host ?? 'localhost'}:80; } }\n# ${env.name}\n` },
    });
    if (api) this.front.connectTo(api);
  }
}

/** The three environments of the example. */
export const ENVIRONMENTS: { [name: string]: EnvironmentProps } = {
  dev: {
    namespace: 'shop-dev',
    tiers: {
      front: { nodePort: 30080, replicas: 2, resources: { memoryLimit: '192Mi' } },
      api: { imageTag: '6.8.0', autoscaling: { minReplicas: 2, maxReplicas: 3 } },
    },
  },
  staging: { namespace: 'shop-staging', tiers: { front: { nodePort: 30081 } } },
  prod: {
    namespace: 'shop-prod',
    tiers: {
      front: { nodePort: 30082, autoscaling: { minReplicas: 3, maxReplicas: 10 }, resources: { memoryLimit: '512Mi' } },
      api: { autoscaling: { minReplicas: 3, maxReplicas: 12 }, resources: { cpuRequest: '250m', memoryRequest: '256Mi', memoryLimit: '512Mi' } },
    },
  },
};

export interface ShopAppOptions extends ShopOptions {
  readonly outdir: string;
  readonly environments?: { [name: string]: EnvironmentProps };
  readonly checks?: IManifestCheck[];
  readonly argoCd?: ArgoCdOptions;
  /** @default - CDK8S_OUTDIR when the cdk8s CLI runs the app, else none */
  readonly cliOutdir?: string;
}

/** The example app written into `outdir`. */
export function shopApp(options: ShopAppOptions): GitOpsApp {
  const app = new GitOpsApp({
    outdir: options.outdir,
    checks: options.checks,
    argoCd: options.argoCd,
    cliOutdir: options.cliOutdir ?? process.env.CDK8S_OUTDIR ?? '',
  });
  for (const [name, props] of Object.entries(options.environments ?? ENVIRONMENTS)) {
    new Shop(new Environment(app, name, props), 'shop', options);
  }
  return app;
}

/** A fresh temporary folder (removed by the caller's afterEach through `cleanUp`). */
export function tempDir(prefix = 'gitops-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Every file below `dir` with its bytes, for byte-for-byte comparisons. */
export function snapshotTree(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (rel: string): void => {
    for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const child = path.join(rel, e.name);
      if (e.isDirectory()) walk(child);
      else out.set(child, fs.readFileSync(path.join(dir, child)));
    }
  };
  walk('');
  return out;
}
