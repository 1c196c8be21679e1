/**
 * The example application: a public nginx front (NodePort) forwarding to an
 * internal web API tier, which uses a PostgreSQL database. `cdk8s synth`
 * renders it into dist/.
 */
import { App, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { DatabaseEngine, EnvValue, Probe, ServiceType, StatefulDatabase, StatelessWebTier } from './index';

export class ShopChart extends Chart {
  public readonly front: StatelessWebTier;
  public readonly api: StatelessWebTier;
  public readonly db: StatefulDatabase;

  constructor(scope: Construct, id: string) {
    super(scope, id, { namespace: 'shop' });

    this.api = new StatelessWebTier(this, 'api', {
      image: 'ghcr.io/stefanprodan/podinfo:6.7.1',
      partOf: 'shop',
      serviceType: ServiceType.CLUSTER_IP,
      port: 9898,
      readiness: Probe.httpGet('/readyz', { periodSeconds: 5 }),
      liveness: Probe.httpGet('/healthz', { initialDelaySeconds: 5, periodSeconds: 10, failureThreshold: 5 }),
      env: { PODINFO_UI_MESSAGE: EnvValue.fromValue('shop api') },
      autoscaling: { minReplicas: 2, maxReplicas: 6 },
    });

    // The Secret "shop-db-credentials" (keys username, password) is created outside
    // this repository (e.g. a sealed or external secret): no secret value is ever rendered.
    this.db = new StatefulDatabase(this, 'db', {
      engine: DatabaseEngine.postgres({ version: '16.4', database: 'shop' }),
      partOf: 'shop',
      secretName: 'shop-db-credentials',
      storage: '20Gi',
    });
    // api gets DB_HOST, DB_PORT, DB_USER, DB_PASSWORD (Secret references) and DB_NAME
    this.api.connectTo(this.db);

    this.front = new StatelessWebTier(this, 'front', {
      image: 'nginxinc/nginx-unprivileged:1.27.3-alpine',
      partOf: 'shop',
      nodePort: 30080,
      replicas: 3,
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

const app = new App();
new ShopChart(app, 'shop');
app.synth();
