/**
 * The YAML text of a manifest: exactly what js-yaml's `dump` writes with the
 * library's schema and options (`JS_YAML_OPTIONS`), written faster.
 *
 * js-yaml decides each node's text from the node alone (and, for a block
 * scalar, its indentation), and lays mappings and sequences out in a fixed
 * way (dumper.js `writeBlockMapping`, `writeBlockSequence`, `writeNode` with
 * indent 2, no flow level, no refs, no line width). `toYaml` lays out the
 * same blocks itself and decides the common scalars itself:
 * - printable ASCII strings, by js-yaml's rules for plain style
 *   (`isPlainSafeFirst`, `isPlainSafe`, `isPlainSafeLast` in block context),
 *   for ambiguity (the schema's implicit types and the YAML 1.1 words and
 *   sexagesimal numbers js-yaml quotes for compatibility) and single quotes;
 * - booleans and safe integers (js-yaml's `bool` and `int` types, decimal).
 * Every other scalar (empty, multi-line, non-ASCII or control characters;
 * -0, floats, integers beyond 2^53) is written by js-yaml itself, alone,
 * and indented for its place. Whatever else js-yaml writes differently from
 * the blocks above (a key of more than 1024 characters or with a line break:
 * an explicit `? ` pair; null, undefined, a non-plain object) makes the
 * whole object go through js-yaml's `dump`.
 */
import { DEFAULT_SCHEMA, dump, DumpOptions, Type } from 'js-yaml';
import { has } from '../_json';

/**
 * Plain scalars that Go YAML parsers (kubectl, kustomize, Argo CD, Flux) read
 * as numbers although js-yaml's YAML 1.2 schema reads them as strings: digits
 * with `_` (`1_000`), `0b`/`0o` prefixes, YAML 1.1 sexagesimal (`1:30`). The
 * dumper quotes every string an implicit type resolves, so this type makes
 * js-yaml quote them (it never represents a value itself).
 */
const GO_NUMBER =
  /^[-+]?(?:0[bB][01_]+|0[oO]?[0-7_]+|0[xX][0-9a-fA-F_]+|[0-9][0-9_]*(?::[0-5]?[0-9])*(?:\.[0-9_]*)?(?:[eE][-+]?[0-9_]+)?|\.[0-9_]+(?:[eE][-+]?[0-9_]+)?)$/;
const GO_NUMBER_LIKE = new Type('tag:cdk8s-tiers,2024:go-number-like', {
  kind: 'scalar',
  resolve: (data: unknown) => typeof data === 'string' && GO_NUMBER.test(data),
});
/** The library's schema: js-yaml's default schema and the Go-number type. */
export const YAML_SCHEMA = DEFAULT_SCHEMA.extend({ implicit: [GO_NUMBER_LIKE] });

/** The js-yaml `dump` options whose output `toYaml` is. */
export const JS_YAML_OPTIONS: DumpOptions = { schema: YAML_SCHEMA, noRefs: true, lineWidth: -1, sortKeys: false };

/**
 * Whether an implicit type of the schema resolves the plain scalar `s`
 * (dumper.js `testImplicitResolving`), asked of the schema's compiled
 * implicit types. `compiledImplicit` is a field of js-yaml's, not its API: a
 * js-yaml without it is asked by writing `s` alone, which is slower and gives
 * the same answer for a string that may be plain (and is no YAML 1.1 word or
 * sexagesimal number, which `isAmbiguous` tests first).
 */
export function implicitTest(types: unknown): (s: string) => boolean {
  if (Array.isArray(types) && types.every((t) => typeof (t as Partial<Type>).resolve === 'function')) {
    const resolvers = types as Type[];
    return (s) => {
      for (let i = 0; i < resolvers.length; i++) if (resolvers[i].resolve(s)) return true;
      return false;
    };
  }
  return (s) => dump(s, JS_YAML_OPTIONS) !== s + '\n';
}
const resolvesImplicitly = implicitTest((YAML_SCHEMA as unknown as { compiledImplicit?: unknown }).compiledImplicit);

/**
 * Words js-yaml quotes although they begin with a letter: the null and bool
 * types' words, and the YAML 1.1 booleans the dumper quotes in compatibility
 * mode (dumper.js `DEPRECATED_BOOLEANS_SYNTAX`). No other implicit type (int,
 * float, timestamp, merge, the Go-number type) resolves a string that begins
 * with an ASCII letter: each needs a digit, sign, `.`, `~` or `<` first.
 */
const LETTER_WORDS = new Set([
  ...['null', 'Null', 'NULL', 'true', 'True', 'TRUE', 'false', 'False', 'FALSE'],
  ...['y', 'Y', 'yes', 'Yes', 'YES', 'on', 'On', 'ON', 'n', 'N', 'no', 'No', 'NO', 'off', 'Off', 'OFF'],
]);
/** The length of the longest of LETTER_WORDS. */
const LONGEST_WORD = Math.max(...[...LETTER_WORDS].map((w) => w.length));
/** YAML 1.1 sexagesimal numbers, which the dumper quotes in compatibility mode (dumper.js `DEPRECATED_BASE60_SYNTAX`). */
const BASE60 = /^[-+]?[0-9_]+(?::[0-9_]+)+(?:\.[0-9_]*)?$/;

const SPACE = 0x20;
const HASH = 0x23;
const COLON = 0x3a;
/** Two characters `a`, `b` as `(a << 7) | b`, as asciiText tests them. */
const COLON_SPACE = (COLON << 7) | SPACE;
const SPACE_HASH = (SPACE << 7) | HASH;
/** Printable ASCII characters that may begin a plain scalar (dumper.js `isPlainSafeFirst`: not white space, not an indicator). */
const PLAIN_FIRST = new Uint8Array(0x7f);
for (let c = SPACE + 1; c < 0x7f; c++) PLAIN_FIRST[c] = 1;
for (const c of '-?:,[]{}#&*!|=>\'"%@`') PLAIN_FIRST[c.charCodeAt(0)] = 0;
/**
 * The characters other than letters that a string some implicit type or BASE60 resolves can begin with: a digit,
 * sign, `.` (int, float, timestamp, the Go-number type), `~` (null), `<` (merge) and `_` (BASE60).
 */
const NUMBER_FIRST = new Uint8Array(0x7f);
for (const c of '0123456789+-.~<_') NUMBER_FIRST[c.charCodeAt(0)] = 1;
/** A key whose text is longer is written as an explicit `? ` pair (dumper.js `writeBlockMapping`). */
const MAX_IMPLICIT_KEY = 1024;

/** `'\n'` and the indentation of `level` (2 spaces a level), as js-yaml's `generateNextLine`. */
const LINES = Array.from({ length: 32 }, (_, level) => '\n' + ' '.repeat(2 * level));
function nextLine(level: number): string {
  return LINES[level] ?? '\n' + ' '.repeat(2 * level);
}
/** {@link nextLine} and `- `: the head of a sequence entry at `level` that begins a line. */
const ENTRY_LINES = LINES.map((line) => line + '- ');
function entryLine(level: number): string {
  return ENTRY_LINES[level] ?? nextLine(level) + '- ';
}

/** Thrown where js-yaml writes something other than the blocks `toYaml` writes; `toYaml` then hands the whole object to js-yaml. */
const ELSEWHERE = new Error('js-yaml writes this object');

/** The YAML text of one object (a single document, no `---`): js-yaml's `dump(object, JS_YAML_OPTIONS)`. */
export function toYaml(object: { [key: string]: unknown }): string {
  // built by `+=` (a tree of its pieces in V8, flattened by the write): each text is written as soon as it is
  // made (see folderFiles); an array of the pieces joined once costs more, in time and in memory (a slot per
  // piece, and the join's own copy of them)
  try {
    const block = blockText(object, 0, true);
    return (block === '' ? scalarText(object, 0) : block) + '\n';
  } catch (e) {
    if (e !== ELSEWHERE) throw e;
    return dump(object, JS_YAML_OPTIONS);
  }
}

/**
 * js-yaml's text of `value` at `level` in block context (`writeNode`) when it
 * is a mapping or sequence with entries, else '' (a scalar or an empty one,
 * written on one line by {@link scalarText}). `compact`: the first entry goes
 * on the current line, else every entry begins with a line break.
 */
function blockText(value: unknown, level: number, compact: boolean): string {
  if (typeof value !== 'object' || value === null) return '';
  if (Array.isArray(value)) return value.length > 0 ? sequence(value, level, compact) : '';
  return mapping(value as { [key: string]: unknown }, level, compact);
}

/** The text of a scalar, or of an empty mapping or sequence (written on one line), at `level`. */
function scalarText(value: unknown, level: number): string {
  switch (typeof value) {
    case 'string':
      return stringText(value, level);
    case 'number':
      return Number.isSafeInteger(value) && !Object.is(value, -0) ? String(value) : scalarAlone(value, level);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      if (value !== null) return Array.isArray(value) ? '[]' : '{}';
  }
  throw ELSEWHERE;
}

/**
 * dumper.js `writeBlockMapping` of a mapping, '' when it has no entries: its
 * own enumerable string keys, as js-yaml's `Object.keys` (for...in gives them
 * in that order, then any inherited ones, which are skipped). A value whose
 * text begins with a line break (a mapping or sequence with entries, not
 * compact) follows `key:`, any other `key: `.
 */
function mapping(o: { [key: string]: unknown }, level: number, compact: boolean): string {
  const proto = Object.getPrototypeOf(o);
  if (proto !== Object.prototype && proto !== null) throw ELSEWHERE;
  const pad = nextLine(level);
  let text = '';
  for (const key in o) {
    if (!has(o, key)) continue;
    if (compact) compact = false;
    else text += pad;
    text += keyText(key);
    const value = o[key];
    const block = blockText(value, level + 1, false);
    text += block === '' ? ': ' + scalarText(value, level + 1) : ':' + block;
  }
  return text;
}

/** dumper.js `writeBlockSequence` of a sequence with entries: each entry is written compact after `- `. */
function sequence(a: unknown[], level: number, compact: boolean): string {
  const head = entryLine(level);
  let text = '';
  for (let i = 0; i < a.length; i++) {
    text += !compact || i > 0 ? head : '- ';
    const value = a[i];
    const block = blockText(value, level + 1, true);
    text += block === '' ? scalarText(value, level + 1) : block;
  }
  return text;
}

/**
 * A key's text. A key is written as a scalar on one line (`iskey`), which
 * differs from a value's text only when it holds a line break; a key with a
 * line break or a long one is written otherwise (as an explicit pair).
 */
function keyText(key: string): string {
  const text = asciiText(key) ?? (key.includes('\n') ? undefined : scalarAlone(key, 1));
  if (text === undefined || text.length > MAX_IMPLICIT_KEY) throw ELSEWHERE;
  return text;
}

/** js-yaml's text of the string `s` at `level` (dumper.js `writeScalar`). */
function stringText(s: string, level: number): string {
  return asciiText(s) ?? scalarAlone(s, level);
}

/**
 * The text of a non-empty string of printable ASCII characters (0x20-0x7E),
 * or undefined for any other string. Plain when js-yaml's plain-style rules
 * allow it (block context: no white space or indicator first, no space or
 * `:` last, no `: ` and no ` #`) and no implicit type would read it as
 * something else; else single-quoted (`'` doubled). Such a string has no
 * line break, so js-yaml never chooses a block or double-quoted style for it.
 */
function asciiText(s: string): string | undefined {
  const n = s.length;
  if (n === 0) return undefined;
  let prev = s.charCodeAt(0);
  if (prev < SPACE || prev > 0x7e) return undefined;
  let plain = PLAIN_FIRST[prev] === 1;
  for (let i = 1; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < SPACE || c > 0x7e) return undefined;
    // `: ` and ` #` as one number each: both tests run for every character (V8 optimises this loop for both at once)
    const pair = (prev << 7) | c;
    if (pair === COLON_SPACE || pair === SPACE_HASH) plain = false;
    prev = c;
  }
  if (plain && prev !== SPACE && prev !== COLON && !isAmbiguous(s)) return s;
  return "'" + (s.includes("'") ? s.replace(/'/g, "''") : s) + "'";
}

/**
 * Whether js-yaml quotes the plain-safe string `s` so that it is not read as another type (or, in YAML 1.1, as a
 * boolean or number). Only a string that begins with a letter (see LETTER_WORDS) or with one of NUMBER_FIRST can be.
 */
function isAmbiguous(s: string): boolean {
  const c = s.charCodeAt(0);
  if ((c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a)) return s.length <= LONGEST_WORD && LETTER_WORDS.has(s);
  return NUMBER_FIRST[c] === 1 && (BASE60.test(s) || resolvesImplicitly(s));
}

/**
 * js-yaml's text of the scalar `value` at `level`: js-yaml writes it alone
 * (as at level 0, where a block scalar's lines are indented by 2), and the
 * lines of a block scalar are indented for `level` (2 spaces a level).
 */
function scalarAlone(value: string | number, level: number): string {
  const text = dump(value, JS_YAML_OPTIONS).slice(0, -1);
  const c = text.charCodeAt(0);
  return level > 1 && (c === 0x7c || c === 0x3e) ? text.replace(/\n {2}/g, nextLine(level)) : text;
}
