/**
 * The StatefulSet of a database tier: its claim templates carry `apiVersion`
 * and `kind`, as the API server stores them, so that a GitOps diff (Argo CD)
 * stays empty. The typed props cannot hold those two keys, so they are added
 * to the output.
 */
import { k8s } from './_k8s';
import { valueAt } from './_json';

/** `json` (a StatefulSet's JSON, changed in place) with `apiVersion` and `kind` in every claim template. */
export function withClaimTemplateKinds<T extends { spec?: unknown }>(json: T): T {
  const templates = valueAt(json, 'spec', 'volumeClaimTemplates');
  if (Array.isArray(templates)) {
    (json.spec as { volumeClaimTemplates: unknown[] }).volumeClaimTemplates = templates.map((t: object) => ({
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      ...t,
    }));
  }
  return json;
}

/** See the file comment. */
export class TierStatefulSet extends k8s.KubeStatefulSet {
  public toJson(): ReturnType<k8s.KubeStatefulSet['toJson']> {
    return withClaimTemplateKinds(super.toJson());
  }
}
