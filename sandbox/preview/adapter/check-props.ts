/**
 * Checks one UI Kit element's props against the schema read from `@forge/react`'s published types: an unknown prop,
 * a missing required prop, a value of the wrong kind or a string outside a literal union is refused, as Jira's
 * renderer and type checker would refuse it.
 */
import type { PropRule, ValueKind } from '../prop-schema';

/** A prop Jira would refuse. */
export class UIKitPropError extends Error {
  override name = 'UIKitPropError';
}

// React keeps these to itself; they never reach a UI Kit component as props.
const REACT_PROPS = new Set(['key', 'ref']);

function kindOf(value: unknown): ValueKind {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return 'array';
  const t = typeof value;
  if (t === 'string' || t === 'number' || t === 'boolean' || t === 'function') return t;
  return 'object';
}

function show(value: unknown): string {
  if (typeof value === 'function') return 'a function';
  try {
    const s = JSON.stringify(value);
    return s === undefined ? String(value) : s.length > 60 ? `${s.slice(0, 57)}...` : s;
  } catch {
    return String(value);
  }
}

/** Throws a {@link UIKitPropError} naming the component, the prop and what it takes. */
export function checkProps(component: string, rules: Record<string, PropRule>, props: Record<string, unknown>): void {
  for (const [name, value] of Object.entries(props)) {
    if (REACT_PROPS.has(name)) continue;
    const rule = rules[name];
    if (!rule) {
      const known = Object.keys(rules).sort().join(', ') || 'none';
      throw new UIKitPropError(`<${component}> has no prop "${name}" in UI Kit (it takes: ${known}).`);
    }
    if (value === undefined) continue;
    const kind = kindOf(value);
    if (rule.kinds.includes('any')) continue;
    // A React element passed where the type allows an object (ReactNode): objects match objects.
    if (!rule.kinds.includes(kind)) {
      throw new UIKitPropError(`<${component}> prop "${name}" takes ${rule.kinds.filter((k) => k !== 'null').join(' or ')}, got ${kind} ${show(value)}.`);
    }
    if (kind === 'string' && rule.literals && !rule.literals.includes(value as string)) {
      throw new UIKitPropError(`<${component}> prop "${name}" takes one of ${rule.literals.map((l) => `"${l}"`).join(', ')}, got ${show(value)}.`);
    }
  }
  for (const [name, rule] of Object.entries(rules)) {
    if (rule.required && props[name] === undefined && name !== 'children') {
      throw new UIKitPropError(`<${component}> needs the prop "${name}" (${rule.kinds.filter((k) => k !== 'null').join(' or ')}).`);
    }
  }
}
