/**
 * A container's environment and command line as the kubelet makes them: the
 * image's env, then `envFrom` and `env` in order, with secretKeyRef and
 * configMapKeyRef read from the Secrets and ConfigMaps the test gives, fieldRef
 * for the pod's name, namespace and address, and `$(VAR)` references expanded.
 */
import { Manifest } from '../util';
import { ImageRuntime } from './images';

/** The objects a pod's references are read from. */
export interface PodObjects {
  readonly objects: Manifest[];
  readonly namespace: string;
  readonly podName: string;
  readonly podIP: string;
}

/** `$(NAME)` becomes the value of NAME when defined; `$$(NAME)` stays `$(NAME)`; anything else is kept. */
export function expand(text: string, env: { [name: string]: string }): string {
  return text.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (whole, name: string | undefined) => {
    if (name === undefined) return '$';
    return name in env ? env[name] : whole;
  });
}

/** The key `key` of the Secret or ConfigMap `name` (Secret data is base64, stringData is not). */
function keyOf(p: PodObjects, kind: 'Secret' | 'ConfigMap', name: string, key: string, optional: boolean): string | undefined {
  const o = p.objects.find((x) => x.kind === kind && x.metadata?.name === name && (x.metadata?.namespace ?? p.namespace) === p.namespace);
  const value =
    kind === 'Secret' ? (o?.stringData?.[key] ?? (o?.data?.[key] === undefined ? undefined : Buffer.from(o.data[key], 'base64').toString())) : o?.data?.[key];
  if (value === undefined && !optional) {
    throw new Error(
      `pod ${p.podName}: ${kind} "${name}" ${o ? `has no key "${key}"` : 'is not among the objects the test gave'} (the kubelet would not start the container: CreateContainerConfigError)`,
    );
  }
  return value;
}

function fieldOf(p: PodObjects, fieldPath: string): string {
  const fields: { [path: string]: string } = {
    'metadata.name': p.podName,
    'metadata.namespace': p.namespace,
    'status.podIP': p.podIP,
    'status.podIPs': p.podIP,
  };
  if (!(fieldPath in fields)) throw new Error(`pod ${p.podName}: the harness does not model fieldRef ${fieldPath}`);
  return fields[fieldPath];
}

/** The env of `container`. */
export function containerEnv(container: Manifest, image: ImageRuntime, p: PodObjects): { [name: string]: string } {
  const env: { [name: string]: string } = { HOSTNAME: p.podName, ...image.env };
  for (const from of container.envFrom ?? []) {
    const kind = from.secretRef ? 'Secret' : 'ConfigMap';
    const ref = from.secretRef ?? from.configMapRef;
    const o = p.objects.find((x) => x.kind === kind && x.metadata?.name === ref.name);
    if (!o && !ref.optional) throw new Error(`pod ${p.podName}: envFrom ${kind} "${ref.name}" is not among the objects the test gave`);
    const keys = Object.keys({ ...o?.data, ...o?.stringData });
    for (const key of keys) env[`${from.prefix ?? ''}${key}`] = keyOf(p, kind, ref.name, key, false)!;
  }
  for (const e of container.env ?? []) {
    const from = e.valueFrom;
    let value: string | undefined;
    if (!from) value = expand(e.value ?? '', env);
    else if (from.secretKeyRef) value = keyOf(p, 'Secret', from.secretKeyRef.name, from.secretKeyRef.key, from.secretKeyRef.optional === true);
    else if (from.configMapKeyRef) value = keyOf(p, 'ConfigMap', from.configMapKeyRef.name, from.configMapKeyRef.key, from.configMapKeyRef.optional === true);
    else if (from.fieldRef) value = fieldOf(p, from.fieldRef.fieldPath);
    else throw new Error(`pod ${p.podName}: the harness does not model env ${e.name}'s valueFrom ${JSON.stringify(from)}`);
    if (value !== undefined) env[e.name] = value;
  }
  return env;
}

/** The argv of `container`: command and args over the image's ENTRYPOINT and CMD, as Kubernetes combines them. */
export function containerArgv(container: Manifest, image: ImageRuntime, env: { [name: string]: string }, podName: string): string[] {
  const command: string[] | undefined = container.command;
  const args: string[] | undefined = container.args;
  const argv = command ? [...command, ...(args ?? [])] : [...image.entrypoint, ...(args ?? image.cmd)];
  if (!command && !image.entrypoint.length) {
    throw new Error(`pod ${podName}: container ${container.name} gives no command and the harness has no stand-in for ${container.image}'s entrypoint`);
  }
  return argv.map((a) => expand(a, env));
}
