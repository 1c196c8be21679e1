import { StatelessWebTier } from '../src';
import { chart, find, synth } from './util';

test('smoke', () => {
  const c = chart();
  new StatelessWebTier(c, 'web', { image: 'nginx:1.27.2' });
  expect(find(synth(c), 'Deployment', 'web').spec.replicas).toBe(2);
});
