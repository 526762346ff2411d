import type { DependencyType, IForbiddenRuleType } from 'dependency-cruiser';
import { findCycle } from './find-cycle';
import type { ImportEdge } from './read-widget-graph';
import type { Violation } from './violation';

interface PathRestriction {
  readonly path?: string | string[];
  readonly pathNot?: string | string[];
}

/** The part of dependency-cruiser's rule language the widget's rules use. */
interface SimpleRule {
  readonly name?: string;
  readonly from: PathRestriction;
  readonly to: PathRestriction & {
    readonly dependencyTypes?: readonly DependencyType[];
    readonly couldNotResolve?: boolean;
    readonly circular?: boolean;
  };
}

const knownKeys = {
  rule: new Set(['name', 'severity', 'comment', 'from', 'to']),
  from: new Set(['path', 'pathNot']),
  to: new Set(['path', 'pathNot', 'dependencyTypes', 'couldNotResolve', 'circular']),
};

// a condition this file cannot evaluate would silently match too much or too little, so it stops the check instead
function asSimpleRule(rule: IForbiddenRuleType): SimpleRule {
  const to: object = 'to' in rule ? rule.to : {};
  const unknown = [
    ...Object.keys(rule).filter((key) => !knownKeys.rule.has(key)),
    ...Object.keys(rule.from).flatMap((key) => (knownKeys.from.has(key) ? [] : [`from.${key}`])),
    ...Object.keys(to).flatMap((key) => (knownKeys.to.has(key) ? [] : [`to.${key}`])),
  ];
  if (unknown.length > 0) {
    throw new Error(`rule ${rule.name ?? '(unnamed)'}: the widget check does not understand ${unknown.join(', ')}`);
  }
  return { ...rule, to } as SimpleRule;
}

function anyMatches(patterns: string | string[], value: string): boolean {
  return [patterns].flat().some((pattern) => new RegExp(pattern).test(value));
}

function pathMatches(restriction: PathRestriction, value: string): boolean {
  return (
    (restriction.path === undefined || anyMatches(restriction.path, value)) &&
    (restriction.pathNot === undefined || !anyMatches(restriction.pathNot, value))
  );
}

function toMatches(rule: SimpleRule, edge: ImportEdge, cycle: readonly string[] | undefined): boolean {
  const { to } = rule;
  return (
    pathMatches(to, edge.to) &&
    (to.dependencyTypes === undefined || to.dependencyTypes.some((type) => edge.dependencyTypes.includes(type))) &&
    (to.couldNotResolve === undefined || to.couldNotResolve === edge.couldNotResolve) &&
    (to.circular === undefined || to.circular === (cycle !== undefined))
  );
}

// one violation per cycle, however many of its imports the rule sees, as dependency-cruiser reports them
function cycleKey(rule: string, cycle: readonly string[]): string {
  const start = cycle.indexOf([...cycle].sort()[0]!);
  return [rule, ...cycle.slice(start), ...cycle.slice(0, start)].join(' ');
}

/**
 * Applies dependency-cruiser's forbidden rules to an import graph read without it: each rule whose `from` matches
 * the importing file, with the conditions path, pathNot, dependencyTypes, couldNotResolve and circular.
 */
export function applyRules(rules: readonly IForbiddenRuleType[], edges: readonly ImportEdge[]): Violation[] {
  const imports = new Map<string, string[]>();
  for (const edge of edges) imports.set(edge.from, [...(imports.get(edge.from) ?? []), edge.to]);
  const violations: Violation[] = [];
  const cyclesReported = new Set<string>();
  for (const edge of edges) {
    const cycle = findCycle(imports, edge.from, edge.to);
    for (const rule of rules) {
      if (!pathMatches(rule.from, edge.from)) continue;
      const simple = asSimpleRule(rule);
      if (!toMatches(simple, edge, cycle)) continue;
      const name = simple.name ?? '(unnamed)';
      if (simple.to.circular !== true || cycle === undefined) {
        violations.push({ rule: name, from: edge.from, to: edge.to });
      } else if (!cyclesReported.has(cycleKey(name, cycle))) {
        cyclesReported.add(cycleKey(name, cycle));
        violations.push({ rule: name, from: edge.from, to: edge.to, cycle });
      }
    }
  }
  return violations;
}
