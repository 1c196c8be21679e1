/**
 * The index of one check run: objects by kind, namespace and name.
 */
import { ManifestIndex } from '../src/guardrails/manifests';
import { Selector } from '../src/_selector';

test('finds an object by kind, namespace and name, whatever characters they hold', () => {
  const configMap = (namespace: string, name: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { namespace, name } });
  const a = configMap('a', 'b|c');
  const b = configMap('a|b', 'c');
  const index = new ManifestIndex([a, b]);
  expect(index.find('ConfigMap', 'a', 'b|c')).toBe(a);
  expect(index.find('ConfigMap', 'a|b', 'c')).toBe(b);
  expect(index.find('ConfigMap', 'a', 'b')).toBeUndefined();
  expect(index.find('Secret', 'a', 'b|c')).toBeUndefined();
});

test('finds the pod owners a selector selects by namespace, label key and value, whatever characters they hold', () => {
  const deployment = (namespace: string, name: string, labels: { [key: string]: string }) => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { namespace, name },
    spec: { template: { metadata: { labels }, spec: { containers: [{ name: 'app', ports: [{ containerPort: 80 }], env: [{ name: 'A', value: 'b' }] }] } } },
  });
  // the same text once namespace, key and value are joined as "namespace|key=value"
  const a = deployment('a', 'one', { 'b|c': 'v', c: 'v' });
  const b = deployment('a|b', 'two', { c: 'v' });
  const c = deployment('a|b', 'three', { c: 'v=w' });
  const index = new ManifestIndex([a, b, c]);
  const names = (namespace: string, selector: unknown) => index.ownersSelectedBy(namespace, Selector.of(selector)).map((w) => w.name);
  expect(names('a|b', { matchLabels: { c: 'v' } })).toEqual(['two']);
  expect(names('a', { matchLabels: { c: 'v' } })).toEqual(['one']);
  expect(names('a|b', {})).toEqual(['two', 'three']);
  expect(names('b', { matchLabels: { c: 'v' } })).toEqual([]);
  // a container's lists are read as they are (the index does not copy them) and its name is given for messages
  const [container] = index.podOwner(a)!.containers;
  expect(container.ports).toBe(a.spec.template.spec.containers[0].ports);
  expect(container.env).toEqual([{ name: 'A', value: 'b' }]);
  expect(container.volumeMounts).toEqual([]);
  expect(container.at).toBe('container "app"');
  expect(index.podOwner(a)!.containerPorts).toEqual([{ containerPort: 80 }]);
});

test('a list with something that is not an object is read without it', () => {
  const pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p' },
    spec: { containers: [{ name: 'a', ports: [7, { containerPort: 1 }] }, 'x'], volumes: [null] },
  };
  const owner = new ManifestIndex([pod]).podOwner(pod)!;
  expect(owner.containers.map((c) => c.at)).toEqual(['container "a"']);
  expect(owner.containers[0].ports).toEqual([{ containerPort: 1 }]);
  expect(owner.volumes).toEqual([]);
});
