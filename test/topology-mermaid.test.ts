/**
 * The topology diagrams of the environment READMEs, parsed by the real
 * Mermaid parser (test/fixtures/mermaid-parse.mjs), not only snapshotted.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { topology } from '../src/gitops/_topology';
import { shopApp, tempDir } from './gitops-fixture';
import { Manifest } from './util';

interface Parsed {
  readonly error?: string;
  readonly diagramType?: string;
  readonly vertices: Array<{ id: string; text: string; type?: string }>;
  readonly edges: Array<{ start: string; end: string; stroke: string; text: string }>;
  readonly subgraphs: Array<{ id: string; title: string; nodes: string[] }>;
}

function parse(diagrams: string[]): Parsed[] {
  const r = spawnSync(process.execPath, [path.join(__dirname, 'fixtures', 'mermaid-parse.mjs')], { input: JSON.stringify(diagrams), encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`the Mermaid parser did not run: ${r.stderr}`);
  return JSON.parse(r.stdout) as Parsed[];
}

const mermaidBlock = (readme: string) => /```mermaid\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';

test("every environment's diagram parses as a Mermaid flowchart with a node per object and the edges the source lists", () => {
  const dir = path.join(tempDir(), 'dist');
  try {
    const app = shopApp({ outdir: dir });
    app.synth();
    const envs = fs
      .readdirSync(dir)
      .filter((f) => fs.existsSync(path.join(dir, f, 'README.md')))
      .sort();
    expect(envs).toEqual(['dev', 'prod', 'staging']);
    const sources = envs.map((e) => mermaidBlock(fs.readFileSync(path.join(dir, e, 'README.md'), 'utf8')));
    const parsed = parse(sources);
    parsed.forEach((p, i) => {
      expect(p.error).toBeUndefined();
      expect(p.diagramType).toBe('flowchart-v2');
      const ids = new Set(p.vertices.map((v) => v.id));
      // every node the source declares is a vertex, in the shape of its kind
      const declared = sources[i]
        .split('\n')
        .map((l) => /^\s+(\w+)[[({/]/.exec(l)?.[1])
        .filter((x): x is string => x !== undefined && x !== 'subgraph');
      expect([...ids].sort()).toEqual([...new Set(declared)].sort());
      const shape = (id: string) => p.vertices.find((v) => v.id === id)?.type;
      expect(shape(`svc_shop_${envs[i]}_front`)).toBe('hexagon');
      expect(shape(`pods_shop_${envs[i]}_front`)).toBe('stadium');
      expect(shape('ext')).toBe('circle');
      // every edge line of the source became one edge between declared nodes
      const edgeLines = sources[i].split('\n').filter((l) => /-->|-\.->|==>/.test(l));
      expect(p.edges).toHaveLength(edgeLines.length);
      for (const e of p.edges) {
        expect(ids.has(e.start)).toBe(true);
        expect(ids.has(e.end)).toBe(true);
      }
      expect(new Set(p.edges.map((e) => e.stroke))).toEqual(new Set(['normal', 'dotted', 'thick']));
      // one subgraph: the environment's namespace, holding its objects
      expect(p.subgraphs.map((s) => s.title)).toEqual([`namespace shop-${envs[i]}`]);
    });
  } finally {
    fs.rmSync(path.dirname(dir), { recursive: true, force: true });
  }
});

test('names with quotes, angle brackets, "end" and other odd characters still parse into the graph they describe', () => {
  const meta = (name: string) => ({ name, namespace: 'end' });
  const odd: Manifest[] = [
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta('a"b<c>|d#e;f') },
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta('end') },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: meta('subgraph'),
      spec: { type: 'NodePort', selector: { app: 'x' }, ports: [{ port: 80, targetPort: 'http', nodePort: 30001 }] },
    },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: meta('graph'),
      spec: {
        selector: { matchLabels: { app: 'x' } },
        template: {
          metadata: { labels: { app: 'x' } },
          spec: {
            containers: [{ name: 'c', ports: [{ name: 'http', containerPort: 8080 }], env: [{ name: 'END_HOST', value: 'subgraph.end' }] }],
            volumes: [{ name: 'v', configMap: { name: 'a"b<c>|d#e;f' } }],
          },
        },
      },
    },
  ];
  const [p] = parse([topology(odd)]);
  expect(p.error).toBeUndefined();
  // the odd names became vertices of the parsed graph, inside the namespace "end"
  expect(p.vertices.map((v) => v.id)).toEqual(expect.arrayContaining(['svc_end_subgraph', 'deployment_end_graph', 'cm_end_a_b_c_d_e_f']));
  expect(p.vertices.find((v) => v.id === 'deployment_end_graph')?.text).toBe('Deployment graph');
  expect(p.subgraphs.map((s) => s.title)).toEqual(['namespace end']);
  expect(p.edges.map((e) => `${e.start} ${e.end}`)).toEqual(expect.arrayContaining(['svc_end_subgraph pods_end_graph', 'cm_end_a_b_c_d_e_f pods_end_graph']));
});

test('the parser really judges: a broken diagram is rejected', () => {
  const [p] = parse(['flowchart LR\n  a["x"] -->|"y"| \n']);
  expect(p.error).toMatch(/Parse error/);
});
