/**
 * The index of one check run: objects by kind, namespace and name.
 */
import { ManifestIndex } from '../src/guardrails/manifests';

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
