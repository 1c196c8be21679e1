/**
 * The rules of connecting tiers: what a connection target and a network peer
 * must be, and the default env prefix of a target (internal: jsii leaves free
 * functions out of the assembly, so none is exported).
 */
import { Problems } from './_errors';
import { isConstruct, isObject } from './_rules';
import type { IConnectable, INetworkPeer } from './connection';

/** The default env prefix for a target: "orders-db" becomes "ORDERS_DB" (a name that is not a string is reported by its tier). */
export function envPrefixFor(name: string): string {
  return String(name)
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, '_');
}

/** Checks that `peer`, given to the method `method`, is a network peer (a construct with pod selector labels). */
export function checkPeer(problems: Problems, method: string, peer: unknown): peer is INetworkPeer {
  // (the message names the peer's path, built by walking the tree: only for a peer that is wrong)
  if (isConstruct(peer) && isObject((peer as INetworkPeer).podSelectorLabels)) return true;
  return problems.fail({
    prop: method,
    value: isConstruct(peer) ? peer.node.path : peer,
    rule: 'needs a network peer: a construct with podSelectorLabels (a tier of this library, or an INetworkPeer of yours)',
    fix: `pass the tier or workload, e.g. ${method}(db${method === 'allowEgressTo' ? ', 5432' : ''})`,
  });
}

/** Checks the target of `client.connectTo(target)`: a tier to connect to, and not the client itself. */
export function checkConnectTarget(problems: Problems, client: IConnectable, target: unknown): target is IConnectable {
  // (the messages name a path, built by walking the tree: only for a target that is wrong)
  if (!(isConstruct(target) && typeof (target as IConnectable).acceptConnectionFrom === 'function' && isObject((target as IConnectable).podSelectorLabels)))
    return problems.fail({
      prop: 'connectTo',
      value: isConstruct(target) ? target.node.path : target,
      rule: 'needs a tier to connect to (an IConnectable: a StatelessWebTier or a StatefulDatabase)',
      fix: 'pass the tier, e.g. web.connectTo(db)',
    });
  if (target !== client) return true;
  return problems.fail({
    prop: 'connectTo',
    value: client.node.path,
    rule: 'a tier cannot connect to itself: its pods would get their own Service as a dependency',
    fix: 'connect it to another tier, or remove the call',
  });
}
