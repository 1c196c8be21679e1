import { k8s } from './_k8s';
import { Problems } from './_errors';
import { isLabelKey, isLabelValue } from './_rules';
import { requirementMatches, valuesFit } from './_selector';

/**
 * A set-based selector requirement (`In`, `NotIn`, `Exists`, `DoesNotExist`).
 * @see https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#set-based-requirement
 */
export class LabelExpression {
  /** The label is present and its value is one of `values` (Python: `LabelExpression.in_`, as `in` is a keyword there). */
  public static in(key: string, values: string[]): LabelExpression {
    return new LabelExpression(key, 'In', values);
  }

  /** The label is absent, or its value is none of `values`. */
  public static notIn(key: string, values: string[]): LabelExpression {
    return new LabelExpression(key, 'NotIn', values);
  }

  /** The label is present, whatever its value. */
  public static exists(key: string): LabelExpression {
    return new LabelExpression(key, 'Exists');
  }

  /** The label is absent. */
  public static doesNotExist(key: string): LabelExpression {
    return new LabelExpression(key, 'DoesNotExist');
  }

  private constructor(
    /** The label key. */
    public readonly key: string,
    /** `In`, `NotIn`, `Exists` or `DoesNotExist`. */
    public readonly operator: string,
    /** The values of `In` and `NotIn`. */
    public readonly values?: string[],
  ) {}

  /** Whether a set of labels satisfies this requirement. */
  public matches(labels: { [key: string]: string }): boolean {
    return requirementMatches(this, labels);
  }

  /** Checks key and values; returns whether they are valid. @internal */
  public _check(problems: Problems, prop: string): boolean {
    const keyOk =
      isLabelKey(this.key) ||
      problems.fail({
        prop: `${prop}.key`,
        value: this.key,
        rule: 'must be a label key',
        fix: 'use a key like "track" or "example.com/track"',
      });
    if (this.operator === 'In' || this.operator === 'NotIn') {
      return (
        ((valuesFit(this.operator, this.values) && this.values!.every(isLabelValue)) ||
          problems.fail({
            prop: `${prop}.values`,
            value: this.values,
            rule: `${this.operator} needs a non-empty list of label values`,
            fix: 'list at least one value of at most 63 letters, digits, "-", "_" or "."',
          })) &&
        keyOk
      );
    }
    return keyOk;
  }

  /** @internal */
  public _render(): k8s.LabelSelectorRequirement {
    return { key: this.key, operator: this.operator, ...(this.values ? { values: [...this.values] } : {}) };
  }
}
