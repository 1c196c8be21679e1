/**
 * The example application: a public nginx front (NodePort) forwarding to an
 * internal web API tier, which uses a PostgreSQL database (in prod a primary
 * and two streaming read replicas). It is defined
 * once and rendered for dev, staging and prod into dist/<environment>/
 * (one file per object, a kustomization.yaml and a README.md with the
 * topology each), all or nothing.
 *
 *   npm run synth    write dist/        npm run drift    check dist/ (CI)
 */
import { Construct } from 'constructs';
import {
  DatabaseBackup,
  DatabaseEngine,
  DatabaseMetrics,
  Environment,
  EnvironmentProps,
  EnvValue,
  GitOpsApp,
  Probe,
  ServiceType,
  StatefulDatabase,
  StatelessWebTier,
} from './index';

/** The shop, defined once; `env` supplies what differs between environments. */
export class Shop extends Construct {
  public readonly front: StatelessWebTier;
  public readonly api: StatelessWebTier;
  public readonly db: StatefulDatabase;

  constructor(env: Environment, id: string) {
    super(env, id);

    this.api = new StatelessWebTier(this, 'api', {
      image: env.image('api', 'ghcr.io/stefanprodan/podinfo:6.7.1'),
      partOf: 'shop',
      serviceType: ServiceType.CLUSTER_IP,
      port: 9898,
      readiness: Probe.httpGet('/readyz', { periodSeconds: 5 }),
      liveness: Probe.httpGet('/healthz', { initialDelaySeconds: 5, periodSeconds: 10, failureThreshold: 5 }),
      env: { PODINFO_UI_MESSAGE: EnvValue.fromValue(`shop api (${env.name})`) },
      replicas: env.replicas('api'),
      autoscaling: env.autoscaling('api', { minReplicas: 2, maxReplicas: 6 }),
      resources: env.resources('api'),
    });

    // The Secret "shop-db-credentials" (keys username, password) is created outside
    // this repository (e.g. a sealed or external secret): no secret value is ever rendered.
    const prod = env.name === 'prod';
    this.db = new StatefulDatabase(this, 'db', {
      engine: DatabaseEngine.postgres({ version: '16.4', database: 'shop' }),
      partOf: 'shop',
      secretName: 'shop-db-credentials',
      storage: env.storage('db', '20Gi'),
      resources: env.resources('db'),
      // more than one: the primary shop-db-0 and read replicas shop-db-replica-*, reads through shop-db-read
      replicas: env.replicas('db', 1),
      // prod: postgres_exporter for the cluster's Prometheus (kube-prometheus-stack in "monitoring"), and a dump every night
      metrics: prod
        ? DatabaseMetrics.prometheus({
            scrapedBy: { namespaceLabels: { 'kubernetes.io/metadata.name': 'monitoring' }, podLabels: { 'app.kubernetes.io/name': 'prometheus' } },
            serviceMonitor: { labels: { release: 'kube-prometheus-stack' } },
          })
        : undefined,
      backup: prod ? DatabaseBackup.schedule({ schedule: '30 2 * * *', keep: 7, storage: '50Gi' }) : undefined,
    });
    // api gets DB_HOST, DB_PORT, DB_USER, DB_PASSWORD (Secret references) and DB_NAME, and DB_READ_HOST when replicated
    this.api.connectTo(this.db);

    this.front = new StatelessWebTier(this, 'front', {
      image: env.image('front', 'nginxinc/nginx-unprivileged:1.27.3-alpine'),
      partOf: 'shop',
      nodePort: env.nodePort('front'),
      replicas: env.replicas('front', 3),
      autoscaling: env.autoscaling('front'),
      resources: env.resources('front'),
      readiness: Probe.httpGet('/healthz', { periodSeconds: 5 }),
      writablePaths: ['/var/cache/nginx'],
      configMountPath: '/etc/nginx/conf.d',
      configFiles: {
        'default.conf': [
          'server {',
          '  listen 8080;',
          '  location = /healthz { access_log off; return 200 "ok\\n"; }',
          `  location / { proxy_pass http://${this.api.host}:${this.api.servicePort}; }`,
          '}',
          '',
        ].join('\n'),
      },
    });
    this.front.connectTo(this.api);
  }
}

/**
 * What differs per environment, by tier. Node ports are unique in the whole
 * tree (one cluster may run several environments). A value the definition
 * does not read (a typo) fails the synth.
 */
export const ENVIRONMENTS: { [name: string]: EnvironmentProps } = {
  dev: {
    namespace: 'shop-dev',
    tiers: {
      front: { nodePort: 30080, replicas: 2, resources: { memoryLimit: '192Mi' } },
      api: { imageTag: '6.8.0', autoscaling: { minReplicas: 2, maxReplicas: 3 } },
      db: { storage: '5Gi' },
    },
  },
  staging: {
    namespace: 'shop-staging',
    tiers: { front: { nodePort: 30081 } },
  },
  prod: {
    namespace: 'shop-prod',
    tiers: {
      front: { nodePort: 30082, autoscaling: { minReplicas: 3, maxReplicas: 10 }, resources: { memoryLimit: '512Mi' } },
      api: { autoscaling: { minReplicas: 3, maxReplicas: 12 }, resources: { cpuRequest: '250m', memoryRequest: '256Mi', memoryLimit: '512Mi' } },
      db: { replicas: 3, storage: '100Gi', resources: { cpuRequest: '1', memoryRequest: '2Gi', memoryLimit: '2Gi' } },
    },
  },
};

const app = new GitOpsApp({ outdir: 'dist' });
for (const [name, props] of Object.entries(ENVIRONMENTS)) new Shop(new Environment(app, name, props), 'shop');
app.synth();
