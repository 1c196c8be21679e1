/**
 * The guardrails as a cdk8s validation plugin: `cdk8s synth` hands it the
 * manifest files it wrote and it reports one violation per check, with every
 * object that breaks it. Enable it in cdk8s.yaml:
 *
 *   validations:
 *     - package: ./node_modules/cdk8s-tiers/plugins/cdk8s-tiers-guardrails
 *       version: 0.1.0
 *       class: GuardrailsValidation
 *
 * The contract (cdk8s-cli lib/plugins/validation.d.ts) is restated here as
 * structural types, so that the library does not depend on the CLI.
 */
import { checkById, runChecks } from './engine';
import { describeObject, GuardrailFinding, waiverLine } from './findings';
import { isObject, JsonObject } from '../_json';

/** One object of a violation, as the CLI expects it. */
export interface PluginViolatingResource {
  /** `metadata.name`: the CLI maps it to a construct path through construct-metadata.json. */
  readonly resourceName: string;
  readonly locations: readonly string[];
  readonly manifestPath: string;
}

/** One violated rule, as the CLI expects it. */
export interface PluginViolation {
  readonly ruleName: string;
  readonly recommendation: string;
  readonly fix: string;
  readonly violatingResources: readonly PluginViolatingResource[];
}

/** What `cdk8s synth` passes to `validate` (the part of ValidationContext this plugin uses). */
export interface PluginContext {
  readonly manifests: readonly string[];
  readonly metadata?: { readonly [resourceName: string]: { readonly path: string } };
  readonly report: {
    addViolation(violation: PluginViolation): void;
    submit(status: 'success' | 'failure', metadata?: { readonly [key: string]: string }): void;
  };
  readonly logger: { log(message: string): void };
  parseManifest(manifestPath: string): unknown[];
}

/**
 * The cdk8s validation plugin: the same checks and waivers as synth-time guardrails,
 * over every manifest `cdk8s synth` wrote (also charts without library constructs).
 */
export class GuardrailsValidation {
  /** `properties` of the cdk8s.yaml entry (none are used). */
  constructor(_properties: unknown = {}) {}

  public async validate(context: PluginContext): Promise<void> {
    const fileOf = new Map<JsonObject, string>();
    for (const file of context.manifests) {
      for (const doc of context.parseManifest(file)) if (isObject(doc)) fileOf.set(doc, file);
    }
    const objects = [...fileOf.keys()];
    const pathOf = (o: JsonObject) => {
      const name = (o.metadata as { name?: unknown } | undefined)?.name;
      return typeof name === 'string' ? context.metadata?.[name]?.path : undefined;
    };
    const {
      report: { findings, waivers },
      sources,
    } = runChecks(objects, { pathOf });
    for (const w of waivers) context.logger.log(`cdk8s-tiers guardrails: ${waiverLine(w)}`);

    const byCheck = new Map<string, GuardrailFinding[]>();
    for (const f of findings) {
      const l = byCheck.get(f.checkId);
      if (l) l.push(f);
      else byCheck.set(f.checkId, [f]);
    }
    for (const [id, found] of [...byCheck].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const check = checkById(id);
      context.report.addViolation({
        ruleName: id,
        recommendation: check?.title ?? id,
        fix: check?.fix ?? '',
        violatingResources: found.map((f) => ({
          resourceName: f.object.name,
          locations: [`${describeObject(f.object)}: ${f.message}`],
          manifestPath: fileOf.get(sources.get(f) ?? {}) ?? '',
        })),
      });
    }
    context.report.submit(findings.length ? 'failure' : 'success', {
      objects: String(objects.length),
      findings: String(findings.length),
      waived: String(waivers.length),
    });
  }
}
