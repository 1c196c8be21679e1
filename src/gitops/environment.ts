/**
 * One environment (dev, staging, prod ...) of an application: a chart whose
 * objects all land in one namespace and in one folder `<outdir>/<name>/`,
 * plus the typed values in which this environment differs from the others.
 */
import { ApiObject, Chart, JsonPatch } from 'cdk8s';
import { k8s } from '../_k8s';
import { Construct, IConstruct } from 'constructs';
import { formatProblem, Problems, throwProblem } from '../_errors';
import { ARGOCD_ENVIRONMENT_OPTIONS, ENVIRONMENT_PROPS, TIER_OVERRIDES } from '../_keys';
import { checkProps } from '../_props';
import { MANAGED_BY, LABEL_MANAGED_BY } from '../_labels';
import { checkQuantity } from '../_quantity';
import { checkInteger, checkLabels, checkNodePort, checkScope, isConstruct, isDns1123Label } from '../_rules';
import { AutoscalingOptions } from '../autoscaling';
import { ResourceOptions } from '../resources';
import { ArgoCdEnvironmentOptions } from './argo-cd';
import { ARGOCD_FOLDER, rootOf } from './_root';

/**
 * Pod Security Standard enforced on the namespace by the Pod Security admission controller.
 * @see https://kubernetes.io/docs/concepts/security/pod-security-admission/
 */
export enum PodSecurityLevel {
  /** Hardened pods only (the level every tier of this library meets). */
  RESTRICTED = 'restricted',
  /** Blocks known privilege escalations only. */
  BASELINE = 'baseline',
  /** No restriction. */
  PRIVILEGED = 'privileged',
}

/**
 * How one tier differs in one environment. Each value is read by the app
 * definition through the Environment's methods (`env.replicas('api', 2)` ...);
 * a value that the definition never reads is a problem at synth, so a typo
 * never passes silently.
 */
export interface TierOverrides {
  /** Replicas; turns autoscaling off for this tier (`env.autoscaling()` gives undefined). @default - the definition's */
  readonly replicas?: number;
  /** Autoscaling; replaces fixed replicas (`env.replicas()` gives undefined). @default - the definition's */
  readonly autoscaling?: AutoscalingOptions;
  /** Requests and limits, field by field over the definition's. @default - the definition's */
  readonly resources?: ResourceOptions;
  /** Image tag (e.g. "1.27.4") or digest ("sha256:..."), replacing the definition's. @default - the definition's */
  readonly imageTag?: string;
  /**
   * Node port. Node ports are unique in the whole tree (one cluster may run
   * several environments), so environments usually differ here.
   * @default - the definition's
   */
  readonly nodePort?: number;
  /** Size of each data volume (a quantity like "50Gi"), e.g. of a database. @default - the definition's */
  readonly storage?: string;
}

/** Props of {@link Environment}. */
export interface EnvironmentProps {
  /** Namespace of every object of the environment (a DNS-1123 label). @default - the environment name */
  readonly namespace?: string;
  /**
   * Writes a Namespace object (with Pod Security labels) into the environment
   * for its namespace and for every other namespace its objects use (a tier
   * with a `namespace` of its own).
   * @default true
   */
  readonly createNamespace?: boolean;
  /** Extra labels on the Namespace objects. @default - none */
  readonly namespaceLabels?: { [key: string]: string };
  /** Pod Security Standard enforced, audited and warned about in the namespace. @default PodSecurityLevel.RESTRICTED */
  readonly podSecurity?: PodSecurityLevel;
  /** Per-tier values of this environment, by the tier names the app definition uses. @default - none */
  readonly tiers?: { [tier: string]: TierOverrides };
  /** Argo CD settings of this environment (used when the GitOpsApp has `argoCd`). @default - the GitOpsApp's */
  readonly argoCd?: ArgoCdEnvironmentOptions;
}

type OverrideField = keyof TierOverrides;
const DIGEST = /^sha256:[a-f0-9]{64}$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const ENVIRONMENT = Symbol.for('cdk8s-tiers.Environment');

/**
 * One environment of an application. Build the application's tiers inside it
 * (`new StatelessWebTier(env, 'api', { replicas: env.replicas('api', 2), ... })`);
 * a {@link GitOpsApp} writes it into `<outdir>/<id>/`.
 */
export class Environment extends Chart {
  /** The Kubernetes version whose Pod Security Standards the namespace labels pin. */
  public static readonly POD_SECURITY_VERSION = 'v1.28';

  /** Whether `x` is an Environment (also across copies of this library). */
  public static isEnvironment(x: unknown): x is Environment {
    return typeof x === 'object' && x !== null && ENVIRONMENT in x;
  }

  /**
   * `instanceof Environment` (Chart answers true for every chart otherwise).
   * @internal
   */
  public static [Symbol.hasInstance](x: unknown): x is Environment {
    return Environment.isEnvironment(x);
  }

  /**
   * The Environment `c` is in (the nearest one above it). Throws when there is
   * none. (Not `of`: jsii forbids a static that narrows Chart.of's return type.)
   */
  public static containing(c: IConstruct): Environment {
    for (let s: IConstruct | undefined = isConstruct(c) ? c : undefined; s; s = s.node.scope) {
      if (Environment.isEnvironment(s)) return s;
    }
    return throwProblem('Environment.containing', {
      prop: 'c',
      value: isConstruct(c) ? c.node.path : c,
      rule: 'is not inside an Environment',
      fix: 'pass a construct created in an Environment (new StatelessWebTier(env, ...))',
    });
  }

  /** Name of the environment: its construct id and its folder. */
  public readonly name: string;
  /** Namespace of every object of the environment. */
  public readonly namespaceName: string;
  /** Pod Security Standard of the namespace. */
  public readonly podSecurity: PodSecurityLevel;
  /** Per-tier values of the environment. */
  public readonly tiers: { [tier: string]: TierOverrides };
  /** The Namespace object, unless `createNamespace` is false. */
  public readonly namespaceObject?: k8s.KubeNamespace;
  /** The Argo CD Application of the environment, when the GitOpsApp has `argoCd`. */
  public readonly argoCdApplication?: ApiObject;

  private readonly reads = new Map<string, Set<OverrideField>>();
  private readonly namespaceLabels: { [key: string]: string };
  private readonly createNamespaces: boolean;
  private readonly otherNamespaces = new Map<string, k8s.KubeNamespace>();

  constructor(scope: Construct, id: string, props: EnvironmentProps = {}) {
    checkScope('Environment', scope, id, false);
    props = props ?? {};
    const namespace = props.namespace ?? id;
    super(scope, id, { namespace });
    Object.defineProperty(this, ENVIRONMENT, { value: true });
    const p = new Problems(this);
    checkProps(p, '', props, ENVIRONMENT_PROPS);
    this.name = id;
    this.namespaceName = namespace;
    this.podSecurity = props.podSecurity ?? PodSecurityLevel.RESTRICTED;
    this.tiers = { ...props.tiers };

    if (!(isDns1123Label(id) && id !== ARGOCD_FOLDER))
      p.add({
        prop: 'id',
        value: id,
        rule: `names the folder of the environment: a DNS-1123 label other than "${ARGOCD_FOLDER}"`,
        fix: 'use a name like "dev", "staging" or "prod"',
      });
    const namespaceOk =
      isDns1123Label(namespace) ||
      p.fail({
        prop: 'namespace',
        value: namespace,
        rule: 'must be a DNS-1123 label',
        fix: 'use a namespace like "shop-dev"',
      });
    if (!Object.values(PodSecurityLevel).includes(this.podSecurity))
      p.add({
        prop: 'podSecurity',
        value: this.podSecurity,
        rule: 'must be a PodSecurityLevel',
        fix: 'use PodSecurityLevel.RESTRICTED',
      });
    checkLabels(p, 'namespaceLabels', props.namespaceLabels);
    for (const [tier, o] of Object.entries(this.tiers)) this.checkOverrides(p, tier, o);
    this.node.addValidation({ validate: () => this.unreadOverrides() });

    this.namespaceLabels = { ...props.namespaceLabels };
    this.createNamespaces = props.createNamespace ?? true;
    // (a bad namespace is the one problem: its Namespace object would only repeat it)
    if (this.createNamespaces && namespaceOk) this.namespaceObject = this.addNamespace('namespace', namespace);
    if (!(rootOf(this) === undefined || this.node.scope === this.node.root))
      p.add({
        prop: 'scope',
        value: this.node.scope?.node.path,
        rule: 'an Environment of a GitOpsApp must be one of its direct children (it names a folder of the tree)',
        fix: 'create it with new Environment(app, ...)',
      });
    this.argoCdApplication = this.addArgoCdApplication(p, checkProps(p, 'argoCd', props.argoCd, ARGOCD_ENVIRONMENT_OPTIONS) ?? {});
  }

  /**
   * Replicas of `tier`: this environment's, else `fallback`; undefined when
   * this environment autoscales the tier instead.
   */
  public replicas(tier: string, fallback?: number): number | undefined {
    const o = this.read(tier, 'replicas');
    if (o.replicas !== undefined) return o.replicas;
    return o.autoscaling !== undefined ? undefined : fallback;
  }

  /**
   * Autoscaling of `tier`: this environment's, else `fallback`; undefined
   * when this environment gives the tier fixed replicas instead.
   */
  public autoscaling(tier: string, fallback?: AutoscalingOptions): AutoscalingOptions | undefined {
    const o = this.read(tier, 'autoscaling');
    if (o.autoscaling !== undefined) return o.autoscaling;
    return o.replicas !== undefined ? undefined : fallback;
  }

  /** Requests and limits of `tier`: this environment's values over `base`, field by field. */
  public resources(tier: string, base?: ResourceOptions): ResourceOptions | undefined {
    const o = this.read(tier, 'resources');
    if (o.resources === undefined) return base;
    return { ...base, ...o.resources };
  }

  /** Node port of `tier`: this environment's, else `fallback`. */
  public nodePort(tier: string, fallback?: number): number | undefined {
    return this.read(tier, 'nodePort').nodePort ?? fallback;
  }

  /** Size of each data volume of `tier`: this environment's, else `fallback`. */
  public storage(tier: string, fallback?: string): string | undefined {
    return this.read(tier, 'storage').storage ?? fallback;
  }

  /** `image` with this environment's tag or digest for `tier`, if it has one. */
  public image(tier: string, image: string): string {
    const tag = this.read(tier, 'imageTag').imageTag;
    if (tag === undefined || typeof image !== 'string') return image;
    const at = image.indexOf('@');
    const bare = at >= 0 ? image.slice(0, at) : image;
    const slash = bare.lastIndexOf('/');
    const colon = bare.lastIndexOf(':');
    const repository = colon > slash ? bare.slice(0, colon) : bare;
    return DIGEST.test(tag) ? `${repository}@${tag}` : `${repository}:${tag}`;
  }

  /**
   * Adds a Namespace object for every namespace that objects of the
   * environment use besides its own (called by the GitOpsApp before it
   * renders; again is harmless). Returns those namespaces, sorted.
   * @internal
   */
  public _addUsedNamespaces(): string[] {
    if (!this.createNamespaces) return [];
    const have = new Set<string>([this.namespaceName]);
    const used = new Set<string>();
    for (const c of this.node.findAll()) {
      if (!ApiObject.isApiObject(c)) continue;
      if (c.kind === 'Namespace' && c.metadata.name !== undefined) have.add(c.metadata.name);
      const ns = c.metadata.namespace;
      if (typeof ns === 'string' && isDns1123Label(ns) && ns !== this.namespaceName) used.add(ns);
    }
    for (const ns of [...used].sort()) {
      if (!have.has(ns) && !this.otherNamespaces.has(ns)) this.otherNamespaces.set(ns, this.addNamespace(`namespace-${ns}`, ns));
    }
    return [...this.otherNamespaces.keys()].sort();
  }

  /** A Namespace object with this environment's Pod Security level and labels. */
  private addNamespace(id: string, name: string): k8s.KubeNamespace {
    const level = this.podSecurity;
    const ns = new k8s.KubeNamespace(this, id, {
      metadata: {
        name,
        labels: {
          ...this.namespaceLabels,
          [LABEL_MANAGED_BY]: MANAGED_BY,
          'pod-security.kubernetes.io/enforce': level,
          'pod-security.kubernetes.io/enforce-version': Environment.POD_SECURITY_VERSION,
          'pod-security.kubernetes.io/audit': level,
          'pod-security.kubernetes.io/audit-version': Environment.POD_SECURITY_VERSION,
          'pod-security.kubernetes.io/warn': level,
          'pod-security.kubernetes.io/warn-version': Environment.POD_SECURITY_VERSION,
        },
      },
    });
    // a Namespace is cluster-scoped: no metadata.namespace (the chart would give it one)
    ns.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
    return ns;
  }

  private read(tier: string, field: OverrideField): TierOverrides {
    const fields = this.reads.get(tier) ?? new Set<OverrideField>();
    this.reads.set(tier, fields);
    fields.add(field);
    return this.tiers[tier] ?? {};
  }

  private checkOverrides(p: Problems, tier: string, o: TierOverrides): void {
    const at = `tiers.${tier}`;
    if (
      !((o !== null && o !== undefined) || p.fail({ prop: at, value: o, rule: 'must be TierOverrides', fix: 'give an object like { replicas: 1 }' })) ||
      !checkProps(p, at, o, TIER_OVERRIDES)
    )
      return;
    if (o.replicas !== undefined) checkInteger(p, `${at}.replicas`, o.replicas, 0);
    if (o.nodePort !== undefined) checkNodePort(p, `${at}.nodePort`, o.nodePort);
    if (o.storage !== undefined) checkQuantity(p, `${at}.storage`, o.storage, '50Gi');
    if (!(o.replicas === undefined || o.autoscaling === undefined))
      p.add({
        prop: `${at}.replicas`,
        value: o.replicas,
        rule: 'cannot be set together with autoscaling: the tier either has fixed replicas or an autoscaler',
        fix: 'keep one of replicas and autoscaling',
      });
    if (o.imageTag !== undefined) {
      if (!(typeof o.imageTag === 'string' && (TAG.test(o.imageTag) || DIGEST.test(o.imageTag)) && o.imageTag !== 'latest'))
        p.add({
          prop: `${at}.imageTag`,
          value: o.imageTag,
          rule: 'must be a version tag (not "latest") or a "sha256:<64 hex>" digest',
          fix: 'use a tag like "1.27.4" or a digest',
        });
    }
  }

  /** Overrides that the app definition never read: they would be ignored silently. */
  private unreadOverrides(): string[] {
    const problems: string[] = [];
    const asked = [...this.reads.keys()].sort();
    for (const [tier, o] of Object.entries(this.tiers)) {
      const fields = this.reads.get(tier);
      if (!fields) {
        problems.push(
          formatProblem({
            prop: `tiers.${tier}`,
            value: o,
            rule: `the app definition reads no value of a tier "${tier}" (it reads: ${asked.join(', ') || 'none'}), so these overrides would be ignored`,
            fix: 'correct the tier name, or read the values with env.replicas(), env.image() ...',
          }),
        );
        continue;
      }
      for (const field of Object.keys(o ?? {}) as OverrideField[]) {
        // (a key that is no override at all is reported as such by the known-keys rule)
        if (o[field] === undefined || fields.has(field) || !TIER_OVERRIDES.keys.includes(field)) continue;
        problems.push(
          formatProblem({
            prop: `tiers.${tier}.${field}`,
            value: o[field],
            rule: `the app definition never reads it (env.${field === 'imageTag' ? 'image' : field}('${tier}', ...)), so it would be ignored`,
            fix: `pass env.${field === 'imageTag' ? 'image' : field}('${tier}', ...) to the tier, or remove the override`,
          }),
        );
      }
    }
    return problems;
  }

  private addArgoCdApplication(p: Problems, own: ArgoCdEnvironmentOptions): ApiObject | undefined {
    const root = rootOf(this);
    const argo = root?.argoCd;
    if (!argo || !root?.argoCdChart) {
      if (!(Object.keys(own).length === 0))
        p.add({
          prop: 'argoCd',
          value: own,
          rule: 'has no effect: the GitOpsApp has no argoCd settings',
          fix: 'set argoCd on the GitOpsApp, or remove it here',
        });
      return undefined;
    }
    const name = own.applicationName ?? this.namespaceName;
    if (!isDns1123Label(name)) p.add({ prop: 'argoCd.applicationName', value: name, rule: 'must be a DNS-1123 label', fix: 'use a name like "shop-dev"' });
    const autoSync = own.autoSync ?? argo.autoSync ?? true;
    return new ApiObject(root.argoCdChart, this.name, {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: { name, labels: { [LABEL_MANAGED_BY]: MANAGED_BY } },
      spec: {
        project: argo.project ?? 'default',
        source: {
          repoURL: argo.repoURL,
          targetRevision: own.targetRevision ?? argo.targetRevision ?? 'HEAD',
          path: `${root.argoCdPath}/${this.name}`,
        },
        destination: {
          server: own.destinationServer ?? argo.destinationServer ?? 'https://kubernetes.default.svc',
          namespace: this.namespaceName,
        },
        ...(autoSync ? { syncPolicy: { automated: { prune: true, selfHeal: true } } } : {}),
      },
    });
  }
}
