import { k8s } from './_k8s';
import { Problems } from './_errors';
import { entryProp, isDns1123Subdomain, isString, looksSecret } from './_rules';

enum EnvSource {
  VALUE,
  SECRET,
  CONFIG_MAP,
  FIELD,
}

/** A key of a Secret or ConfigMap. */
const KEY = /^[-._a-zA-Z0-9]+$/;
/** The pod fields an env var can read (the downward API). */
const FIELD_PATHS =
  "metadata.name, metadata.namespace, metadata.uid, metadata.labels['<key>'], metadata.annotations['<key>'], spec.nodeName, spec.serviceAccountName, status.hostIP, status.hostIPs, status.podIP, status.podIPs";
const FIELD_PATH =
  /^(metadata\.(name|namespace|uid)|metadata\.(labels|annotations)\['[^']+'\]|spec\.(nodeName|serviceAccountName)|status\.(hostIPs?|podIPs?))$/;

/**
 * The value of one environment variable: a literal, a key of a Secret or
 * ConfigMap, or a field of the pod. Credentials always come from a Secret.
 */
export class EnvValue {
  /** A literal value. Rejected for names that look like credentials (password, secret, token, api key). */
  public static fromValue(value: string): EnvValue {
    return new EnvValue(EnvSource.VALUE, value);
  }

  /** A key of a Secret that the user creates and names (the library never writes secret values). */
  public static fromSecretKey(secretName: string, key: string): EnvValue {
    return new EnvValue(EnvSource.SECRET, key, secretName);
  }

  /** A key of a ConfigMap. */
  public static fromConfigMapKey(configMapName: string, key: string): EnvValue {
    return new EnvValue(EnvSource.CONFIG_MAP, key, configMapName);
  }

  /** A field of the pod, e.g. `metadata.name` or `status.podIP`. */
  public static fromFieldPath(fieldPath: string): EnvValue {
    return new EnvValue(EnvSource.FIELD, fieldPath);
  }

  private constructor(
    private readonly source: EnvSource,
    private readonly value: string,
    private readonly objectName?: string,
  ) {}

  /** True for a literal value. */
  public get isLiteral(): boolean {
    return this.source === EnvSource.VALUE;
  }

  /** Checks the value of the variable `name`, named `prop` in messages (`prop["key"]` when it is the entry `key` of a map). @internal */
  public _check(problems: Problems, prop: string, name: string, key?: string): void {
    if (this.source === EnvSource.VALUE) {
      // (the messages are made only when they are reported: this runs for every variable of every container)
      if (!isString(this.value))
        problems.add({ prop: entryProp(prop, key), value: this.value, rule: 'must be a string', fix: 'quote the value (numbers too)' });
      if (looksSecret(name)) {
        problems.add({
          prop: entryProp(prop, key),
          value: '(literal value hidden)',
          rule: `"${name}" looks like a credential, and credentials must not be written as literal values into manifests`,
          fix: `create a Secret and use EnvValue.fromSecretKey('<secret-name>', '<key>') for ${name}`,
        });
      }
      return;
    }
    const field = this.source === EnvSource.FIELD;
    if (!(isString(this.value) && (field ? FIELD_PATH.test(this.value) : this.value.length <= 253 && KEY.test(this.value))))
      problems.add({
        prop: entryProp(prop, key),
        value: this.value,
        rule: field ? `needs a field path the API server supports (${FIELD_PATHS})` : 'needs a key: letters, digits, "-", "_" and "."',
        fix: field ? 'use a field path like "metadata.name" or "status.podIP"' : 'give the key as it is written in the object, e.g. "password"',
      });
    if (this.source === EnvSource.SECRET || this.source === EnvSource.CONFIG_MAP) {
      const kind = this.source === EnvSource.SECRET ? 'Secret' : 'ConfigMap';
      if (!isDns1123Subdomain(this.objectName))
        problems.add({
          prop: entryProp(prop, key),
          value: this.objectName,
          rule: `the ${kind} name must be a DNS-1123 subdomain (lower case letters, digits, "-" and ".")`,
          fix: `name the ${kind} that holds ${name}, e.g. "app-credentials"`,
        });
    }
  }

  /** Renders the variable. @internal */
  public _render(name: string): k8s.EnvVar {
    switch (this.source) {
      case EnvSource.VALUE:
        return { name, value: this.value };
      case EnvSource.SECRET:
        return { name, valueFrom: { secretKeyRef: { name: this.objectName, key: this.value } } };
      case EnvSource.CONFIG_MAP:
        return { name, valueFrom: { configMapKeyRef: { name: this.objectName, key: this.value } } };
      default:
        return { name, valueFrom: { fieldRef: { fieldPath: this.value } } };
    }
  }
}
