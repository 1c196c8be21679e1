/**
 * Checks that `jsii-pacmak --code-only` generated Python, Java, C# and Go
 * sources for every type of the jsii assembly (.jsii): one file per type in
 * Java, C# and Go, one class per type in the Python module. Nothing is published.
 *
 *   npm run jsii && npx jsii-pacmak --code-only && node -r ts-node/register scripts/check-bindings.ts
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.join(__dirname, '..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const out = path.join(root, pkg.jsii.outdir);
const assembly = JSON.parse(fs.readFileSync(path.join(root, '.jsii'), 'utf8')) as { types: Record<string, { name: string }> };
const names = Object.values(assembly.types)
  .map((t) => t.name)
  .sort();

const { python, java, dotnet } = pkg.jsii.targets;
const pythonInit = path.join(out, 'python', 'src', python.module, '__init__.py');
const pythonSource = fs.existsSync(pythonInit) ? fs.readFileSync(pythonInit, 'utf8') : '';
const goFolder = path.join(out, 'go', fs.existsSync(path.join(out, 'go')) ? (fs.readdirSync(path.join(out, 'go'))[0] ?? '') : '');
const languages: Array<[string, (name: string) => boolean]> = [
  ['Python', (n) => new RegExp(`^class ${n}\\b`, 'm').test(pythonSource)],
  ['Java', (n) => fs.existsSync(path.join(out, 'java', 'src', 'main', 'java', ...java.package.split('.'), `${n}.java`))],
  ['C#', (n) => fs.existsSync(path.join(out, 'dotnet', dotnet.packageId, dotnet.namespace, `${n}.cs`))],
  ['Go', (n) => fs.existsSync(path.join(goFolder, `${n}.go`))],
];

let missing = 0;
for (const [language, has] of languages) {
  const absent = names.filter((n) => !has(n));
  missing += absent.length;
  console.log(`${language}: ${names.length - absent.length} of ${names.length} types generated${absent.length ? ` (missing: ${absent.join(', ')})` : ''}`);
}
if (names.length === 0 || missing > 0) {
  console.error(names.length === 0 ? 'the assembly holds no types' : `${missing} generated types are missing`);
  process.exit(1);
}
