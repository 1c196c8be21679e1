import { Lazy } from 'cdk8s';
import { k8s } from './_k8s';
import { Construct } from 'constructs';
import { objectMeta } from './_labels';
import { compact } from './_l1';

export interface TierPdbProps {
  readonly name: string;
  readonly namespace?: string;
  readonly labels: Record<string, string>;
  /** The tier's extra annotations. @default - none */
  readonly annotations?: Record<string, string>;
  /** The labels of the pods, kept as they are: a copy the caller never changes. */
  readonly selector: Record<string, string>;
  /** `AlwaysAllow` lets a node drain evict pods that are not healthy anyway; `IfHealthyBudget` protects quorum. */
  readonly unhealthyPodEvictionPolicy: 'AlwaysAllow' | 'IfHealthyBudget';
}

/** A PodDisruptionBudget that lets voluntary evictions take one pod at a time. */
export function tierPdb(scope: Construct, id: string, props: TierPdbProps): k8s.KubePodDisruptionBudget {
  return compact(
    new k8s.KubePodDisruptionBudget(scope, id, {
      metadata: objectMeta(props.name, props.namespace, props.labels, props.annotations),
      spec: Lazy.any(new PdbSpec(props.selector, props.unhealthyPodEvictionPolicy)),
    }),
  );
}

/** The spec of a tier's budget, rendered at synth (cdk8s' producer of its `spec` Lazy): less to keep than the spec. */
class PdbSpec {
  constructor(
    private readonly selector: Record<string, string>,
    private readonly unhealthyPodEvictionPolicy: string,
  ) {}

  public produce(): k8s.PodDisruptionBudgetSpec {
    return {
      maxUnavailable: k8s.IntOrString.fromNumber(1),
      selector: { matchLabels: this.selector },
      unhealthyPodEvictionPolicy: this.unhealthyPodEvictionPolicy,
    };
  }
}
