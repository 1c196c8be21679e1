/**
 * `toYaml` (src/gitops/_yaml.ts) writes exactly what js-yaml's `dump` wrote
 * before it, with the same schema and options: the oracle below is that call.
 * Checked over generated manifests with nasty strings and numbers, over every
 * printable ASCII string of up to two characters (as value and as key), and
 * over every file of dist/ and of a benchmark estate.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as fc from 'fast-check';
import { dump, loadAll } from 'js-yaml';
import { runLibrary } from '../bench/estate';
import { toYaml } from '../src/gitops/_serialize';
import { implicitTest, YAML_SCHEMA } from '../src/gitops/_yaml';
import { RUNS, SEED } from './arbitraries';
import { tempDir } from './gitops-fixture';

/** The serialiser `toYaml` replaces: its output is the contract. */
const oracle = (object: unknown): string => dump(object, { schema: YAML_SCHEMA, noRefs: true, lineWidth: -1, sortKeys: false });

/** Pieces of strings js-yaml treats specially: indicators, YAML 1.1/1.2 words and numbers, Go-number-like, white space, breaks, non-ASCII. */
const FRAGMENTS = [
  ...['a', 'Z', 'x9', 'web', '0', '1', '7', '_', '.', '/', '=', '$', '(', ')', 'e', 'E', '+'],
  ...[':', ' ', '  ', '#', '-', '- ', ': ', ' #', '---', '...', "'", '"', '\\', '%', '@', '`', '!', '&', '*', '|', '>', '?', ','],
  ...['[', ']', '{', '}', '~', '<<'],
  ...['true', 'True', 'FALSE', 'yes', 'Y', 'n', 'on', 'OFF', 'null', 'NULL', 'Null'],
  ...['0x1F', '0o7', '0b1', '0777', '1_000', '1:30', '-1:30:00', '190:20:30.15', '.5', '1e3', '1.', '-1', '+2', '.inf', '-.Inf', '.NaN'],
  ...['2001-12-14', '2001-12-14t21:59:43.10-05:00'],
  ...['\t', '\n', '\n\n', '\r', '\r\n', '\v', '\f', '\b', '\u0000', '\u0007', '\u001b', '\u007f', '\u0085', '\u00a0', '\u2028', '\u2029', '\ufeff'],
  ...['é', 'ß', '日本', '\u{1F600}', '\ud800', '\udc00', '\ue000', '\ufffd', '\uffff'],
];

const fragments = fc.array(fc.constantFrom(...FRAGMENTS), { maxLength: 8 }).map((p) => p.join(''));
const numberLike = fc.stringMatching(/^[-+]?(?:0[bBoOxX])?[0-9a-fA-F_]{1,5}(?::[0-9_]{1,2}){0,2}(?:\.[0-9_]*)?(?:[eE][-+]?[0-9]{1,3})?$/);
const nastyString = fc.oneof(
  { weight: 6, arbitrary: fragments },
  { weight: 2, arbitrary: fc.string() },
  { weight: 2, arbitrary: numberLike },
  { weight: 1, arbitrary: fc.string({ unit: 'binary' }) },
  { weight: 1, arbitrary: fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)) }) },
  { weight: 1, arbitrary: fc.tuple(fragments, fc.nat({ max: 1100 }), fragments).map(([a, n, b]) => a + 'x'.repeat(n) + b) },
);
/** Keys: a key with a line break (or of more than 1024 characters) makes js-yaml write the whole object, so it is rare here. */
const key = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom('name', 'labels', 'app.kubernetes.io/name', 'prometheus.io/scrape', '10', '2', '0', '__proto__', 'constructor') },
  { weight: 8, arbitrary: nastyString.filter((s) => !s.includes('\n')) },
  { weight: 1, arbitrary: nastyString },
);
const number = fc.oneof(
  fc.integer(),
  fc.maxSafeInteger(),
  fc.double(),
  fc.constantFrom(0, -0, 1.5, -2.25, 0.1, 1e-7, 5e-324, 1e21, -1e21, 2 ** 53, 2 ** 53 + 2, -(2 ** 53), Number.MAX_VALUE, 123456789012345680000),
);
const scalar = fc.oneof({ weight: 4, arbitrary: nastyString }, { weight: 2, arbitrary: number }, { weight: 1, arbitrary: fc.boolean() });
const { tree } = fc.letrec((tie) => ({
  tree: fc.oneof({ depthSize: 'small' }, scalar, tie('list'), tie('map')),
  list: fc.array(tie('tree'), { maxLength: 4 }),
  map: fc.dictionary(key, tie('tree'), { maxKeys: 5 }),
}));
const manifest = fc.dictionary(key, tree, { maxKeys: 6 });

/** Every string of `alphabet` with at most `length` characters (the empty one included). */
function allStrings(alphabet: string[], length: number): string[] {
  let level = [''];
  const out = [''];
  for (let n = 1; n <= length; n++) {
    level = level.flatMap((s) => alphabet.map((c) => s + c));
    out.push(...level);
  }
  return out;
}

/** Each case of `s`'s letters: `yes`, `yeS`, ..., `YES`. */
function cases(s: string): string[] {
  return [...s].reduce((acc, c) => acc.flatMap((p) => [...new Set([p + c.toLowerCase(), p + c.toUpperCase()])]), ['']);
}

/** The objects of a folder's YAML files and the files' text after their leading comment lines (the kustomization's note). */
function yamlFiles(dir: string): { file: string; text: string; docs: unknown[] }[] {
  return (fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }) as string[])
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => {
      const text = fs.readFileSync(path.join(dir, f), 'utf8').replace(/^(?:#.*\n)*/, '');
      return { file: f, text, docs: loadAll(text) };
    });
}

/** Files whose objects, written again by `toYaml` or by the oracle, are not the file byte for byte. */
function rewrittenDiffer(dir: string): string[] {
  const files = yamlFiles(dir);
  expect(files.length).toBeGreaterThan(0);
  return files.flatMap(({ file, text, docs }) => {
    const problems: string[] = [];
    if (docs.map((d) => toYaml(d as { [key: string]: unknown })).join('---\n') !== text) problems.push(`${file}: toYaml differs`);
    if (docs.map(oracle).join('---\n') !== text) problems.push(`${file}: js-yaml differs`);
    return problems;
  });
}

describe('toYaml writes what js-yaml dump writes', () => {
  test('for generated manifests with nasty strings, numbers, nested and empty maps and lists', () => {
    fc.assert(
      fc.property(manifest, (m) => {
        expect(toYaml(m)).toBe(oracle(m));
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });

  test('for every printable ASCII string of up to 2 characters, and the YAML 1.1 words in every case, as value and as key', () => {
    const ascii = Array.from({ length: 0x5f }, (_, i) => String.fromCharCode(0x20 + i));
    const words = ['y', 'yes', 'n', 'no', 'on', 'off', 'true', 'false', 'null', 'nan', 'inf'].flatMap(cases);
    const strings = [...allStrings(ascii, 2), ...allStrings([' ', ':', '#', '-', "'", 'a', '0', '.', '_', '~'], 4), ...words, ...words.map((w) => '.' + w)];
    expect(strings.length).toBeGreaterThan(20000);
    const differ = strings.filter((s) => {
      const asValue = { k: s, list: [s, [s]], deep: { a: { b: s } } };
      const asKey = { [s]: 1, nested: { [s]: { [s]: [s] } } };
      return toYaml(asValue) !== oracle(asValue) || toYaml(asKey) !== oracle(asKey);
    });
    expect(differ).toEqual([]);
  });

  test('for every printable ASCII character before number-like, word-like and path-like rests (the first character decides what is read as another type)', () => {
    const ascii = Array.from({ length: 0x5f }, (_, i) => String.fromCharCode(0x20 + i));
    const rests = ['1', '12', '1:30', '1_000', '0x1F', '0o7', '.5', '5.', '1e3', 'e3', '.inf', 'inf', 'nan', 'es', 'rue', 'ull', '<', '001-12-14', '/tmp', 'a'];
    const strings = ascii.flatMap((c) => rests.flatMap((r) => [c + r, c + c + r, '1' + c + r]));
    const differ = strings.filter((s) => {
      const asValue = { k: s, list: [s] };
      const asKey = { [s]: s };
      return toYaml(asValue) !== oracle(asValue) || toYaml(asKey) !== oracle(asKey);
    });
    expect(differ).toEqual([]);
  });

  test('for mappings without a prototype and with keys inherited from Object.prototype (js-yaml writes own keys only)', () => {
    const bare = Object.assign(Object.create(null) as { [key: string]: unknown }, { b: 1, a: { c: [Object.create(null), {}] } });
    const m = { apiVersion: 'v1', bare, list: [bare, [bare]], empty: {}, '0': 'zero', '10': [] };
    const expected = oracle(m);
    expect(toYaml(m)).toBe(expected);
    Object.defineProperty(Object.prototype, 'inherited', { value: 'x', enumerable: true, configurable: true, writable: true });
    try {
      expect(toYaml(m)).toBe(expected);
      expect(toYaml({ empty: {}, list: [{}] })).toBe('empty: {}\nlist:\n  - {}\n');
    } finally {
      delete (Object.prototype as { inherited?: unknown }).inherited;
    }
    expect(expected).not.toContain('inherited');
  });

  test('for multi-line strings at every depth, in maps, lists and lists of lists', () => {
    const texts = ['a\nb', 'a\nb\n', 'a\n\n', '\n', '\n\n', '\na', '  a\nb', 'a\n  b\n\n c', 'a\r\nb', ' \n ', 'x: y\n# z\n', '\u{1F600}\n'];
    const m: { [key: string]: unknown } = {};
    let at = m;
    for (let depth = 0; depth < 5; depth++) {
      at.texts = texts;
      at.lists = [texts, [texts]];
      at.maps = texts.map((t) => ({ t, u: [t] }));
      at.next = {};
      at = at.next as { [key: string]: unknown };
    }
    expect(toYaml(m)).toContain('|-\n');
    expect(toYaml(m)).toBe(oracle(m));
  });

  test('for what js-yaml writes as a whole: explicit pairs (long keys, keys with line breaks) and values outside JSON', () => {
    const cases: { [key: string]: unknown }[] = [
      { ['k'.repeat(1025)]: 'v', a: { ['k'.repeat(1030)]: [1] } },
      { 'a\nb': 1, list: [{ 'c\nd': { e: 'f' } }] },
      { a: null, b: [null, undefined, 1], c: undefined },
      { when: new Date(0), list: [new Date(0)] },
      { ['k'.repeat(1024)]: 'v' },
    ];
    for (const c of cases) expect(toYaml(c)).toBe(oracle(c));
    expect(toYaml(cases[0])).toMatch(/^\? k{1025}\n: v\n/);
  });

  test('for every file of dist/ (read back and written again)', () => {
    expect(rewrittenDiffer(path.join(__dirname, '..', 'dist'))).toEqual([]);
  });

  test('for every file of a benchmark estate (bench/estate.ts, 3 apps)', () => {
    const dir = tempDir('yaml-estate-');
    try {
      runLibrary(3, path.join(dir, 'dist'));
      expect(rewrittenDiffer(path.join(dir, 'dist'))).toEqual([]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

test('implicitTest: the plain strings a type of the schema reads as another, from its implicit types and, without them, from js-yaml', () => {
  const read = [
    ...['1', '+1', '0', '0x1F', '0o17', '017', '1_000', '1.5', '.5', '1e3', '1.', '.inf', '+.Inf', '.NaN'],
    ...['~', '<<', '2001-12-14', '2001-12-14 21:59:43.10 -5'],
  ];
  const notRead = ['1.4.2', '256Mi', '/tmp', '.config', '_x', '1a', '0x1G', '0b2', '~x', '<<x', '2001-12-1', '+', '.', '.e3', 'web'];
  const types = (YAML_SCHEMA as unknown as { compiledImplicit: unknown }).compiledImplicit;
  for (const reads of [implicitTest(types), implicitTest(undefined)]) {
    expect(read.filter((s) => !reads(s))).toEqual([]);
    expect(notRead.filter(reads)).toEqual([]);
  }
});
