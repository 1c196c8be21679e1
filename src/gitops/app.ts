/**
 * The GitOps app: renders every Environment into `<outdir>/<environment>/`
 * and replaces the whole tree in one step, only when every check passed.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ApiObject, App, Chart } from 'cdk8s';
import { IConstruct } from 'constructs';
import { collectProblems, formatProblem, Problems, TiersError } from '../_errors';
import { valueAt } from '../_json';
import { ARGOCD_OPTIONS, GITOPS_APP_PROPS } from '../_keys';
import { checkProps } from '../_props';
import { AppGuardrails, checkWritten } from '../guardrails/synth';
import { ArgoCdOptions } from './argo-cd';
import { DriftCheck, DriftReport } from './drift';
import { Environment } from './environment';
import { FileContent, folderFiles, GENERATED_NOTE, multiDocument, RenderedFolder, renderFolder, sortObjects } from './_render';
import { ObjectJson } from './_object-json';
import { ARGOCD_FOLDER, recordSynth, registerRoot } from './_root';
import { joined, topologyChunks } from './_topology';
import { cliOverlapProblem } from './_cli-overlap';
import { MARKER, markerContent } from './_ownership';
import { replaceFolder, targetProblems } from './_writer';

/**
 * A check of the rendered objects of one folder, run before anything is
 * written (e.g. the guardrails of this library, or a team's own policy).
 */
export interface IManifestCheck {
  /**
   * Returns one message per problem (none: the objects pass). The objects are
   * copies: changing them changes nothing.
   * @param objects the objects of the folder, as they will be written
   * @param folder the environment name, or "argocd"
   */
  check(objects: { [key: string]: unknown }[], folder: string): string[];
}

/** Props of {@link GitOpsApp}. */
export interface GitOpsAppProps {
  /**
   * Folder of the GitOps tree: one sub-folder per environment. It is replaced
   * as a whole on every synth, and only when it is missing, empty or a tree
   * this library wrote (a symbolic link is followed: its target is replaced).
   * @default "dist"
   */
  readonly outdir?: string;
  /** Writes an Argo CD Application per environment into `<outdir>/argocd/`. @default - no Applications */
  readonly argoCd?: ArgoCdOptions;
  /** Checks run on every folder's objects before anything is written. @default - only the constructs' own validations */
  readonly checks?: IManifestCheck[];
  /**
   * Folder that receives a copy of each folder's objects as one `<folder>.k8s.yaml`
   * after a successful synth, for the cdk8s CLI (its listing and validation plugins).
   * It must lie outside `outdir` (and not hold it).
   * @default - the CDK8S_OUTDIR the cdk8s CLI sets, when it runs the app; else none
   */
  readonly cliOutdir?: string;
}

/** The files of a rendered GitOps tree. */
export interface RenderedTree {
  /** File content by path relative to the outdir ("dev/deployment-shop-api.yaml"), in sorted order. */
  readonly files: { [path: string]: string };
}

const README = 'README.md';

/**
 * An app of Environments written as a GitOps tree:
 * `<outdir>/<environment>/` with one YAML file per object, a
 * kustomization.yaml in apply order and a README.md with a topology diagram,
 * plus `<outdir>/argocd/` when Argo CD Applications are wanted.
 *
 * `synth()` renders in memory, runs every validation and check, and only then
 * replaces the tree in one step: a failed synth leaves the previous tree as
 * it was, byte for byte, and throws one TiersError listing every problem.
 */
export class GitOpsApp extends App {
  /**
   * The environment variable that switches `synth()` to a drift check
   * (`CDK8S_TIERS_GITOPS=check`): nothing is written, and differences fail.
   */
  public static readonly MODE_VARIABLE = 'CDK8S_TIERS_GITOPS';

  /** Argo CD settings. */
  public readonly argoCd?: ArgoCdOptions;
  /** The chart of the Argo CD Applications, when `argoCd` is set. */
  public readonly argoCdChart?: Chart;
  /** Where the cdk8s CLI copy goes, if anywhere. */
  public readonly cliOutdir?: string;
  private readonly checks: IManifestCheck[];
  private readonly argoCdPath?: string;
  private readonly cliOutdirFromCli: boolean;

  constructor(props: GitOpsAppProps = {}) {
    props = props ?? {}; // a JavaScript null is "not set"
    super({ outdir: props.outdir ?? 'dist' });
    const p = new Problems(this);
    checkProps(p, '', props, GITOPS_APP_PROPS);
    checkProps(p, 'argoCd', props.argoCd, ARGOCD_OPTIONS);
    // the guardrails check what renderTree() writes, once per synth (not at every validation)
    AppGuardrails.forWriter(this);
    this.argoCd = props.argoCd;
    this.checks = [...(props.checks ?? [])];
    this.cliOutdir = props.cliOutdir ?? process.env.CDK8S_OUTDIR;
    this.cliOutdirFromCli = process.env.CDK8S_OUTDIR !== undefined && this.cliOutdir === process.env.CDK8S_OUTDIR;
    if (props.argoCd) {
      this.argoCdChart = new Chart(this, 'ArgoCd', { namespace: props.argoCd.namespace ?? 'argocd' });
      const own = props.argoCd.path ?? (path.isAbsolute(this.outdir) ? undefined : this.outdir);
      this.argoCdPath = own === undefined ? undefined : path.posix.normalize(own.split(path.sep).join('/')).replace(/\/+$/, '');
    }
    registerRoot(this, { argoCd: props.argoCd, argoCdChart: this.argoCdChart, argoCdPath: this.argoCdPath });
  }

  /** The environments, sorted by name. */
  public get environments(): Environment[] {
    return this.node.children.filter((c): c is Environment => Environment.isEnvironment(c)).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** Renders the tree in memory. Throws one TiersError listing every problem. */
  public render(): RenderedTree {
    const tree = new Map<string, string>();
    for (const [rel, content] of treeFiles(this.renderTree())) tree.set(rel, typeof content === 'string' ? content : [...content].join(''));
    const files: { [path: string]: string } = {};
    for (const rel of [...tree.keys()].sort()) files[rel] = tree.get(rel)!;
    return { files };
  }

  /**
   * Writes the tree (replacing `outdir` in one step), or with
   * `CDK8S_TIERS_GITOPS=check` compares it with `outdir` and throws when they differ.
   */
  public synth(): void {
    recordSynth({ outdir: this.outdir, folders: [...this.environments.map((e) => e.name), ...(this.argoCdChart ? [ARGOCD_FOLDER] : [])] });
    const overlap = cliOverlapProblem(this.cliOutdir, this.outdir, this.cliOutdirFromCli);
    if (overlap) throw new TiersError([overlap]);
    const mode = process.env[GitOpsApp.MODE_VARIABLE];
    if (mode === 'check') {
      const report = this.checkDrift();
      if (!report.clean) throw new TiersError(DriftCheck.describe(report, this.outdir).map((l) => `${l}. Fix: run the synth and commit ${this.outdir}/`));
      return;
    }
    const refused = targetProblems(this.outdir);
    if (refused.length > 0) throw new TiersError(refused);
    const folders = this.renderTree();
    const written = replaceFolder(this.outdir, treeFiles(folders));
    const warnings = [...written.warnings, ...this.writeCliCopy(folders, written.target)];
    for (const w of warnings) console.error(`warning: ${w}`);
  }

  /** Renders the tree and compares it with `outdir`, byte for byte. */
  public checkDrift(): DriftReport {
    const files = this.render().files;
    return DriftCheck.compare({ ...files, [MARKER]: markerContent(Object.keys(files)) }, this.outdir);
  }

  /** Every folder rendered and checked (the YAML of its objects and its README are made when written); throws one TiersError listing every problem. */
  private renderTree(): RenderedFolder[] {
    const envs = this.environments;
    const extraNamespaces = new Map(envs.map((env) => [env, env._addUsedNamespaces()]));
    const problems = collectProblems(this);
    if (envs.length === 0) {
      problems.push(
        `[${this.node.path || 'app'}] ${formatProblem({ prop: 'environments', value: 0, rule: 'the app has no Environment, and a GitOpsApp writes one folder per Environment', fix: "add one with new Environment(app, 'dev', {...})" })}`,
      );
    }
    this.checkNamespaces(envs, extraNamespaces, problems);

    const constructProblems = [...problems];
    const buckets = this.apiObjectsByFolder(problems);
    const json = new ObjectJson();
    const render = (o: ApiObject) => json.of(o);
    const folders: RenderedFolder[] = [];
    for (const env of envs) folders.push(renderFolder(env.name, sortObjects(buckets.get(env) ?? [], problems, render), problems));
    if (this.argoCdChart) {
      if (this.argoCdPath === undefined) {
        problems.push(
          `[${this.argoCdChart.node.path}] ${formatProblem({ prop: 'argoCd.path', value: undefined, rule: 'is required when outdir is an absolute path', fix: 'give the path of the tree inside the repository, like "dist"' })}`,
        );
      }
      folders.push(renderFolder(ARGOCD_FOLDER, sortObjects(buckets.get(this.argoCdChart) ?? [], problems, render), problems));
    }
    // the guardrails: one pass over every object exactly as it will be written
    problems.push(
      ...checkWritten(
        this,
        folders.flatMap((f) => f.objects),
        constructProblems,
      ),
    );
    for (const folder of folders) {
      for (const check of this.checks) {
        for (const message of check.check(
          folder.objects.map((o) => structuredClone(o.object)),
          folder.folder,
        ))
          problems.push(`[${folder.folder}] ${message}`);
      }
    }
    if (problems.length > 0) throw new TiersError(problems);

    for (const folder of folders) {
      const env = envs.find((e) => e.name === folder.folder);
      if (env) folder.files.set(README, { [Symbol.iterator]: () => readme(env, folder) });
    }
    return folders;
  }

  /** Every ApiObject, by the Environment (or Argo CD chart) it belongs to; others are problems. */
  private apiObjectsByFolder(problems: string[]): Map<IConstruct, ApiObject[]> {
    const buckets = new Map<IConstruct, ApiObject[]>();
    for (const c of this.node.findAll()) {
      if (!ApiObject.isApiObject(c)) continue;
      let owner: IConstruct = c;
      while (owner.node.scope && owner.node.scope !== this) owner = owner.node.scope;
      if (!Environment.isEnvironment(owner) && owner !== this.argoCdChart) {
        problems.push(`[${c.node.path}] is not inside an Environment, so it would not be written. Fix: create it inside an Environment`);
        continue;
      }
      const list = buckets.get(owner) ?? [];
      buckets.set(owner, list);
      list.push(c);
    }
    return buckets;
  }

  /** Each namespace belongs to one environment: its own, or one that only its objects use. */
  private checkNamespaces(envs: Environment[], extra: Map<Environment, string[]>, problems: string[]): void {
    const byNamespace = new Map<string, string>();
    for (const env of envs) {
      const other = byNamespace.get(env.namespaceName);
      if (other !== undefined) {
        problems.push(
          `[${env.node.path}] ${formatProblem({
            prop: 'namespace',
            value: env.namespaceName,
            rule: `is also the namespace of environment "${other}"; their objects would overwrite each other in a cluster`,
            fix: 'give each environment its own namespace, like "shop-dev" and "shop-prod"',
          })}`,
        );
      }
      byNamespace.set(env.namespaceName, env.name);
    }
    for (const env of envs) {
      for (const ns of extra.get(env) ?? []) {
        const other = byNamespace.get(ns);
        if (other !== undefined && other !== env.name) {
          problems.push(
            `[${env.node.path}] objects use the namespace "${ns}", which environment "${other}" also writes a Namespace for; ` +
              "two environments would manage one Namespace in a cluster. Fix: give the tier a namespace of this environment's own, or leave its namespace unset",
          );
        }
        byNamespace.set(ns, byNamespace.get(ns) ?? env.name);
      }
    }
  }

  /**
   * The copy for the cdk8s CLI, which deletes its output folder before running the app, made from the files
   * of the tree just written in `target`; returns warnings (the tree is in place).
   */
  private writeCliCopy(folders: RenderedFolder[], target: string): string[] {
    if (!this.cliOutdir) return [];
    const cli = path.resolve(this.cliOutdir);
    let file = cli;
    try {
      fs.mkdirSync(cli, { recursive: true });
      for (const folder of folders) {
        const text = multiDocument(folder, (name) => {
          file = path.join(target, folder.folder, name);
          return fs.readFileSync(file, 'utf8');
        });
        file = path.join(cli, `${folder.folder}.k8s.yaml`);
        fs.writeFileSync(file, text);
      }
      return [];
    } catch (e) {
      const message = (e as Error).message;
      return [`the GitOps tree ${this.outdir}/ is written, but its copy for the cdk8s CLI is not: ${message}${message.includes(file) ? '' : ` (${file})`}`];
    }
  }
}

/** Every file of the tree, by its path relative to the outdir ("dev/deployment-shop-api.yaml"), made as it is read. */
function* treeFiles(folders: readonly RenderedFolder[]): Generator<[string, FileContent]> {
  for (const folder of folders) for (const [file, content] of folderFiles(folder)) yield [`${folder.folder}/${file}`, content];
}

/** The README of an environment, in chunks made as they are read (its topology grows with the objects), from the objects of the folder (read before their files). */
function* readme(env: Environment, folder: RenderedFolder): Generator<string> {
  const cell = (s: string) => (s.includes('|') ? s.replace(/\|/g, '\\|') : s);
  const objects = folder.objects;
  yield [
    `# Environment \`${env.name}\`\n\n<!-- ${GENERATED_NOTE} -->\n\n`,
    `Namespace \`${env.namespaceName}\`, Pod Security Standard \`${env.podSecurity}\`. `,
    `${objects.length} objects; \`kubectl kustomize\` on this folder builds them, \`kubectl apply -k\` applies them.\n\n`,
    '## Topology\n\n',
    'Solid arrows carry traffic, dotted arrows show ownership and configuration, thick arrows show what the NetworkPolicies allow.\n\n',
    '```mermaid\n',
  ].join('');
  yield* topologyChunks(objects.map((o) => o.object));
  // the pieces of a chunk, in one array written again for each chunk (`n` of them so far)
  const out = ['\n```\n\n## Objects, in apply order\n\n| File | Kind | Name |\n| --- | --- | --- |\n'];
  let n = 1;
  for (let i = 0; i < objects.length; i++) {
    const o = objects[i];
    out[n++] = '| [';
    out[n++] = o.file;
    out[n++] = '](';
    out[n++] = o.file;
    out[n++] = ') | ';
    out[n++] = cell(String(o.object.kind));
    out[n++] = ' | ';
    out[n++] = cell(String(valueAt(o.object, 'metadata', 'name')));
    out[n++] = ' |\n';
    if (n >= 4096) {
      yield joined(out, n);
      n = 0;
    }
  }
  yield joined(out, n);
}
