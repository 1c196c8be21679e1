/**
 * A pod's volumes as folders on this machine, made the way the kubelet makes
 * them: an emptyDir is a fresh folder (mode 0777) per pod, a claim from a
 * `volumeClaimTemplates` entry is one folder per claim name (`<template>-<set>-<ordinal>`,
 * kept across pod restarts, like a fresh ext4 volume: root-owned with lost+found),
 * Secrets and ConfigMaps are files (root-owned, mode defaultMode or the item's); fsGroup makes
 * every writable one group-owned by it with the setgid bit and group rw, and every file of a
 * Secret or ConfigMap root:fsGroup with group read added, as the kubelet's volume ownership does.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Manifest } from '../util';
import { Mount } from './sandbox';
import { PodObjects } from './pod-env';

export interface PodVolumes {
  /** The mounts of one container. */
  mountsOf(container: Manifest): Mount[];
}

/** Gives `folder` to `fsGroup` (group owner, group rw, setgid on folders), unless policy OnRootMismatch finds it done. */
export function applyFsGroup(folder: string, fsGroup: number, policy: string | undefined): void {
  if (policy === 'OnRootMismatch' && fs.statSync(folder).gid === fsGroup) return;
  const walk = (p: string): void => {
    const stat = fs.lstatSync(p);
    if (stat.isSymbolicLink()) return;
    fs.chownSync(p, stat.uid, fsGroup);
    const mode = stat.mode & 0o7777;
    fs.chmodSync(p, stat.isDirectory() ? mode | 0o2070 : mode | 0o060);
    if (stat.isDirectory()) for (const e of fs.readdirSync(p)) walk(path.join(p, e));
  };
  walk(folder);
}

/** The folder of claim `name`, made like a fresh ext4 volume (root-owned, lost+found) the first time. */
function claimFolder(claimsDir: string, name: string): string {
  const claim = path.join(claimsDir, name);
  if (!fs.existsSync(claim)) {
    fs.mkdirSync(claim, { recursive: true, mode: 0o755 });
    fs.mkdirSync(path.join(claim, 'lost+found'), { mode: 0o700 });
  }
  return claim;
}

/** Makes the volumes of pod `p` of StatefulSet `sts` under `podDir`, claims under `claimsDir`. */
export function makeVolumes(sts: Manifest, p: PodObjects, podDir: string, claimsDir: string, ordinal: number): PodVolumes {
  const spec = sts.spec.template.spec;
  const fsGroup: number | undefined = spec.securityContext?.fsGroup;
  const policy: string | undefined = spec.securityContext?.fsGroupChangePolicy;
  const folders: { [volume: string]: { path: string; readOnly: boolean } } = {};
  for (const template of sts.spec.volumeClaimTemplates ?? []) {
    const claim = claimFolder(claimsDir, `${template.metadata.name}-${sts.metadata.name}-${ordinal}`);
    if (fsGroup !== undefined) applyFsGroup(claim, fsGroup, policy);
    folders[template.metadata.name] = { path: claim, readOnly: false };
  }
  for (const v of spec.volumes ?? []) {
    const folder = path.join(podDir, 'volumes', v.name);
    fs.mkdirSync(folder, { recursive: true });
    if (v.emptyDir) {
      fs.chmodSync(folder, 0o777);
      if (fsGroup !== undefined) applyFsGroup(folder, fsGroup, undefined);
      folders[v.name] = { path: folder, readOnly: false };
    } else if (v.secret || v.configMap) {
      const kind = v.secret ? 'Secret' : 'ConfigMap';
      const name = v.secret?.secretName ?? v.configMap.name;
      const o = p.objects.find((x) => x.kind === kind && x.metadata?.name === name);
      if (!o) {
        throw new Error(
          `pod ${p.podName}: volume ${v.name} needs ${kind} "${name}", which is not among the objects the test gave (the kubelet would not start the pod: FailedMount)`,
        );
      }
      const data: { [k: string]: string } = { ...o.stringData };
      for (const [k, b] of Object.entries<string>(o.data ?? {})) data[k] = kind === 'Secret' ? Buffer.from(b, 'base64').toString() : b;
      const items: { key: string; path: string; mode?: number }[] = (v.secret ?? v.configMap).items ?? Object.keys(data).map((key) => ({ key, path: key }));
      const mode: number = (v.secret ?? v.configMap).defaultMode ?? 0o644;
      for (const item of items) {
        const file = path.join(folder, item.path);
        fs.mkdirSync(path.dirname(file), { recursive: true });
        if (!(item.key in data)) {
          throw new Error(`pod ${p.podName}: volume ${v.name}: ${kind} "${name}" has no key "${item.key}" (the kubelet would not start the pod: FailedMount)`);
        }
        fs.writeFileSync(file, data[item.key], { mode: item.mode ?? mode });
        fs.chmodSync(file, item.mode ?? mode); // (writeFileSync's mode passes through the umask)
        // the kubelet's volume ownership for a read-only volume: group fsGroup, group read added (0400 becomes 0440)
        if (fsGroup !== undefined) {
          fs.chownSync(file, 0, fsGroup);
          fs.chmodSync(file, (item.mode ?? mode) | 0o440);
        }
      }
      folders[v.name] = { path: folder, readOnly: true };
    } else if (v.persistentVolumeClaim) {
      // a claim named directly (a CronJob's): the same folder as a claim template's claim of that name
      const claim = claimFolder(claimsDir, v.persistentVolumeClaim.claimName);
      const readOnly = v.persistentVolumeClaim.readOnly === true;
      if (fsGroup !== undefined && !readOnly) applyFsGroup(claim, fsGroup, policy);
      folders[v.name] = { path: claim, readOnly };
    } else {
      throw new Error(
        `pod ${p.podName}: the harness does not model volume ${v.name} (${Object.keys(v)
          .filter((k) => k !== 'name')
          .join(', ')})`,
      );
    }
  }
  return {
    mountsOf: (container: Manifest): Mount[] =>
      (container.volumeMounts ?? []).map((m: Manifest) => {
        const folder = folders[m.name];
        if (!folder) throw new Error(`pod ${p.podName}: container ${container.name} mounts "${m.name}", which is no volume of the pod`);
        let source = folder.path;
        if (m.subPath) {
          source = path.join(folder.path, m.subPath);
          if (!fs.existsSync(source)) fs.mkdirSync(source, { recursive: true });
        }
        return { source, target: m.mountPath, readOnly: folder.readOnly || m.readOnly === true };
      }),
  };
}
