/**
 * RBAC policy: who is bound to which role, and what roles grant. A chart that
 * grants cluster-wide power should say why, in a waiver.
 */
import { show } from '../_errors';
import { check, Check } from './check';
import { GuardrailArea } from './findings';
import { JsonObject, list, obj, objects, text } from '../_json';

const POLICY = GuardrailArea.POLICY;
const RBAC_GROUP = 'rbac.authorization.k8s.io';
/** Built-in ClusterRoles that grant (nearly) everything in their scope. */
const POWERFUL_ROLES = new Set(['cluster-admin', 'admin', 'edit']);
/** Subjects that stand for everyone (or every anonymous caller). */
const EVERYONE: ReadonlyMap<string, ReadonlySet<string>> = new Map([
  ['Group', new Set(['system:authenticated', 'system:unauthenticated'])],
  ['User', new Set(['system:anonymous'])],
]);
/** Verbs that let a subject grant itself more than it has. */
const ESCALATING_VERBS = ['escalate', 'bind', 'impersonate'];
const READ_VERBS = new Set(['get', 'list', 'watch', '*']);

const isRbac = (o: JsonObject) => text(o.apiVersion).startsWith(`${RBAC_GROUP}/`);
const bindings = (ctx: { subjectsOfKind(k: string): readonly JsonObject[] }) =>
  [...ctx.subjectsOfKind('RoleBinding'), ...ctx.subjectsOfKind('ClusterRoleBinding')].filter(isRbac);
const roles = (ctx: { subjectsOfKind(k: string): readonly JsonObject[] }) =>
  [...ctx.subjectsOfKind('Role'), ...ctx.subjectsOfKind('ClusterRole')].filter(isRbac);
const strings = (v: unknown) => list(v).filter((x): x is string => typeof x === 'string');

export const RBAC_CHECKS: readonly Check[] = [
  check(
    POLICY,
    'rbac-binding',
    `bindings grant neither the built-in ${[...POWERFUL_ROLES].join(', ')} ClusterRoles nor anything to ${[...EVERYONE.values()].flatMap((s) => [...s]).join(', ')}`,
    'bind a Role that grants only what the workload needs, to its own ServiceAccount',
    (ctx) => {
      for (const b of bindings(ctx)) {
        const ref = obj(b.roleRef);
        if (ref.kind === 'ClusterRole' && POWERFUL_ROLES.has(text(ref.name))) ctx.report(b, `binds the built-in ClusterRole ${show(ref.name)}`);
        for (const s of objects(b.subjects)) {
          if (EVERYONE.get(text(s.kind))?.has(text(s.name)))
            ctx.report(b, `binds ${text(s.kind)} ${show(s.name)} (everyone${s.name === 'system:authenticated' ? ' with an account' : ''})`);
        }
      }
    },
  ),
  check(
    POLICY,
    'rbac-wildcard',
    'Roles and ClusterRoles name their verbs, resources and API groups (no "*")',
    'list the verbs, resources and API groups the workload needs',
    (ctx) => {
      for (const r of roles(ctx)) {
        objects(r.rules).forEach((rule, i) => {
          const wild = ['verbs', 'resources', 'apiGroups', 'nonResourceURLs'].filter((k) => strings(rule[k]).includes('*'));
          if (wild.length) ctx.report(r, `rules[${i}]: "*" in ${wild.join(', ')}`);
        });
      }
    },
  ),
  check(
    POLICY,
    'rbac-escalation',
    `Roles and ClusterRoles do not grant ${ESCALATING_VERBS.join(', ')}`,
    "remove the verb; grant roles through the platform team's own pipeline",
    (ctx) => {
      for (const r of roles(ctx)) {
        objects(r.rules).forEach((rule, i) => {
          const verbs = strings(rule.verbs).filter((v) => ESCALATING_VERBS.includes(v));
          if (verbs.length) ctx.report(r, `rules[${i}]: grants ${verbs.join(', ')}`);
        });
      }
    },
  ),
  check(
    POLICY,
    'rbac-secrets',
    'ClusterRoles do not grant reading Secrets (get, list or watch across all namespaces)',
    'grant reading one named Secret in a Role of its namespace (resourceNames)',
    (ctx) => {
      for (const r of ctx.subjectsOfKind('ClusterRole').filter(isRbac)) {
        objects(r.rules).forEach((rule, i) => {
          const core = strings(rule.apiGroups).some((g) => g === '' || g === '*');
          const secrets = strings(rule.resources).some((x) => x === 'secrets' || x === '*');
          const reads = strings(rule.verbs).filter((v) => READ_VERBS.has(v));
          if (core && secrets && reads.length) ctx.report(r, `rules[${i}]: grants ${reads.join(', ')} on Secrets in every namespace`);
        });
      }
    },
  ),
];
