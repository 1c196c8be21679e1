/**
 * The name rule behind the secret checks (`looksSecret`): its quick test on
 * the lower-case name must never turn away a name that the rule by words
 * accepts, whatever the name holds (camelCase, separators, non-ASCII letters
 * whose lower case is ASCII, such as the Kelvin sign).
 */
import * as fc from 'fast-check';
import { looksSecret, secretByWords } from '../src/_rules';
import { RUNS, SEED } from './arbitraries';

/** Pieces names are made of: the rule's own words and parts in every case, separators, and letters that change under toLowerCase. */
const PIECES = [
  'pass',
  'PASS',
  'Pass',
  'word',
  'WORD',
  'Word',
  'pw',
  'PWD',
  'secret',
  'Secret',
  'SECRET',
  'token',
  'TO\u212AEN',
  'api',
  'API',
  'Api',
  'key',
  'Key',
  'KEY',
  'private',
  'PRIVATE',
  'credential',
  'Creds',
  'auth',
  'AUTH',
  'phrase',
  'file',
  'FILE',
  'url',
  'Name',
  'db',
  'DB',
  '_',
  '-',
  '.',
  '/',
  ' ',
  '0',
  '9',
  '\u0130',
  '\u212A',
  '\u03A3',
  'é',
];

const name = fc.array(fc.constantFrom(...PIECES), { minLength: 0, maxLength: 6 }).map((parts) => parts.join(''));

test('the quick test keeps every name the rule by words accepts, and the rule gives the same verdicts', () => {
  let secret = 0;
  fc.assert(
    fc.property(fc.oneof(name, fc.string({ maxLength: 12 })), (n) => {
      const expected = secretByWords(n);
      if (expected) secret++;
      expect(looksSecret(n)).toBe(expected);
    }),
    { numRuns: Math.max(1000, RUNS), seed: SEED },
  );
  // the generated names reach the rule: not all of them are turned away
  expect(secret).toBeGreaterThan(100);
});

test.each([
  ['DB_PASSWORD', true],
  ['dbPassword', true],
  ['GITHUB_TOKEN', true],
  ['TO\u212AEN', true],
  ['apiKey', true],
  ['REDIS_AUTH', true],
  ['PASSWORD_FILE', false],
  ['POSTGRES_USER', false],
  ['PGDATA', false],
])('looksSecret(%j) is %j', (n, expected) => {
  expect(looksSecret(n)).toBe(expected);
  expect(secretByWords(n)).toBe(expected);
});
