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
  readonly selector: Record<string, string>;
  /** `AlwaysAllow` lets a node drain evict pods that are not healthy anyway; `IfHealthyBudget` protects quorum. */
  readonly unhealthyPodEvictionPolicy: 'AlwaysAllow' | 'IfHealthyBudget';
}

/** A PodDisruptionBudget that lets voluntary evictions take one pod at a time. */
export function tierPdb(scope: Construct, id: string, props: TierPdbProps): k8s.KubePodDisruptionBudget {
  return compact(
    new k8s.KubePodDisruptionBudget(scope, id, {
      metadata: objectMeta(props.name, props.namespace, props.labels, props.annotations),
      spec: {
        maxUnavailable: k8s.IntOrString.fromNumber(1),
        selector: { matchLabels: { ...props.selector } },
        unhealthyPodEvictionPolicy: props.unhealthyPodEvictionPolicy,
      },
    }),
  );
}
