/**
 * The Kubernetes 1.28 API classes (`KubeDeployment`, `Quantity` ...) that cdk8s-plus-28 ships as
 * its `k8s` namespace, loaded on their own: the library uses none of cdk8s-plus-28's own
 * constructs, and loading them too costs every synth about 30 ms of start-up. The same module
 * as `kplus.k8s`, so objects and types are the same whichever way a user imports them.
 */
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';

export { k8s };
