// Label selectors with Kubernetes semantics: matching (for filtering cached Nodes) and the string form
// used in status.selector (for the scale subresource and HPA/KEDA).
import type { LabelSelector, LabelSelectorRequirement } from '../../api/sandbox-capacity.js';

type Labels = Readonly<Record<string, string>> | undefined;

/** True when the labels satisfy every matchLabels entry and every matchExpressions requirement. An empty selector matches everything. */
export function matchesSelector(selector: LabelSelector, labels: Labels): boolean {
  const present = labels ?? {};
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    if (present[key] !== value) return false;
  }
  return (selector.matchExpressions ?? []).every((requirement) => matchesRequirement(requirement, present));
}

function matchesRequirement(requirement: LabelSelectorRequirement, labels: Readonly<Record<string, string>>): boolean {
  const has = Object.hasOwn(labels, requirement.key);
  const value = labels[requirement.key];
  const values = requirement.values ?? [];
  switch (requirement.operator) {
    case 'In':
      return has && value !== undefined && values.includes(value);
    case 'NotIn':
      return !has || value === undefined || !values.includes(value);
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
  }
}

/** Kubernetes' string form: requirements sorted by key, e.g. "a=b,c in (d,e),!f,g". Empty selector → "". */
export function selectorToString(selector: LabelSelector): string {
  const parts: { key: string; text: string }[] = [];
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    parts.push({ key, text: `${key}=${value}` });
  }
  for (const requirement of selector.matchExpressions ?? []) {
    parts.push({ key: requirement.key, text: requirementToString(requirement) });
  }
  return parts
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map((part) => part.text)
    .join(',');
}

function requirementToString(requirement: LabelSelectorRequirement): string {
  const values = [...(requirement.values ?? [])].sort().join(',');
  switch (requirement.operator) {
    case 'In':
      return `${requirement.key} in (${values})`;
    case 'NotIn':
      return `${requirement.key} notin (${values})`;
    case 'Exists':
      return requirement.key;
    case 'DoesNotExist':
      return `!${requirement.key}`;
  }
}
