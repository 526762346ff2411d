/** One broken folder rule: the rule's name and one import, both ends relative to the checked root. */
export interface Violation {
  readonly rule: string;
  readonly from: string;
  readonly to: string;
  /** For a cycle: the way from `to` back to `from`. */
  readonly cycle?: readonly string[];
}
