import type { FilterPattern } from './types';

/**
 * Lambda event filtering (the EventBridge pattern language) for stream records: the subset the product
 * uses and the tests pin down. A pattern is an object whose leaves are arrays of rules; a record matches
 * when every key of the pattern matches (AND) and, per leaf, at least one rule matches (OR). Rules:
 * literal values, { exists }, { prefix }, { suffix }, { 'equals-ignore-case' }, { 'anything-but' } and
 * { numeric }. Anything else is rejected by validateFilterPattern, so a pattern that would behave
 * differently in AWS never silently matches everything locally.
 */

type Json = unknown;

const isPlainObject = (value: Json): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const isScalar = (value: Json): value is string | number | boolean | null =>
  value === null || ['string', 'number', 'boolean'].includes(typeof value);

const NUMERIC_OPERATORS = ['<', '<=', '=', '>', '>='] as const;
type NumericOperator = (typeof NUMERIC_OPERATORS)[number];
const isNumericOperator = (value: Json): value is NumericOperator =>
  typeof value === 'string' && (NUMERIC_OPERATORS as readonly string[]).includes(value);

/** Problems with a pattern, each with its path; empty when the matcher supports the pattern fully. */
export const validateFilterPattern = (pattern: Json, path = ''): string[] => {
  if (!isPlainObject(pattern)) return [`${path || 'pattern'}: must be an object`];
  const entries = Object.entries(pattern);
  if (entries.length === 0) return [`${path || 'pattern'}: must not be empty`];
  return entries.flatMap(([key, value]) => {
    const at = path ? `${path}.${key}` : key;
    if (Array.isArray(value)) {
      if (value.length === 0) return [`${at}: an empty rule list matches nothing`];
      return value.flatMap((rule, index) => validateRule(rule, `${at}[${index}]`));
    }
    if (isPlainObject(value)) return validateFilterPattern(value, at);
    return [`${at}: leaves must be arrays of rules (write [${JSON.stringify(value)}])`];
  });
};

const validateRule = (rule: Json, at: string): string[] => {
  if (isScalar(rule)) return [];
  if (!isPlainObject(rule)) return [`${at}: a rule is a value or an operator object`];
  const keys = Object.keys(rule);
  const [operator] = keys;
  if (keys.length !== 1 || operator === undefined) return [`${at}: an operator object has exactly one key`];
  const operand = rule[operator];
  switch (operator) {
    case 'exists':
      return typeof operand === 'boolean' ? [] : [`${at}.exists: must be true or false`];
    case 'prefix':
    case 'suffix':
    case 'equals-ignore-case':
      return typeof operand === 'string' ? [] : [`${at}.${operator}: must be a string`];
    case 'anything-but':
      if (isScalar(operand)) return [];
      if (Array.isArray(operand) && operand.length > 0 && operand.every(isScalar)) return [];
      if (
        isPlainObject(operand) &&
        Object.keys(operand).join() === 'prefix' &&
        typeof operand.prefix === 'string'
      )
        return [];
      return [`${at}.anything-but: must be a value, a list of values or { prefix }`];
    case 'numeric':
      return validateNumeric(operand) ? [] : [`${at}.numeric: must be operator/number pairs, e.g. ['>', 0]`];
    default:
      return [`${at}: unsupported operator '${operator}'`];
  }
};

const validateNumeric = (operand: Json): boolean => {
  if (!Array.isArray(operand) || operand.length === 0 || operand.length % 2 !== 0 || operand.length > 4)
    return false;
  for (let i = 0; i < operand.length; i += 2) {
    if (!isNumericOperator(operand[i]) || typeof operand[i + 1] !== 'number') return false;
  }
  return true;
};

const compare = (operator: NumericOperator, left: number, right: number): boolean => {
  switch (operator) {
    case '<':
      return left < right;
    case '<=':
      return left <= right;
    case '=':
      return left === right;
    case '>':
      return left > right;
    case '>=':
      return left >= right;
  }
};

/** Whether one rule accepts one leaf value (an array value is tested element by element by the caller). */
const ruleMatchesValue = (rule: Json, value: Json): boolean => {
  if (isScalar(rule)) return rule === value;
  if (!isPlainObject(rule)) return false;
  const [operator] = Object.keys(rule);
  const operand = operator === undefined ? undefined : rule[operator];
  switch (operator) {
    case 'prefix':
      return typeof value === 'string' && typeof operand === 'string' && value.startsWith(operand);
    case 'suffix':
      return typeof value === 'string' && typeof operand === 'string' && value.endsWith(operand);
    case 'equals-ignore-case':
      return (
        typeof value === 'string' &&
        typeof operand === 'string' &&
        value.toLowerCase() === operand.toLowerCase()
      );
    case 'anything-but':
      if (isPlainObject(operand))
        return (
          typeof value === 'string' && typeof operand.prefix === 'string' && !value.startsWith(operand.prefix)
        );
      return !(Array.isArray(operand) ? operand : [operand]).includes(value);
    case 'numeric': {
      // Numbers only, as in AWS: DynamoDB N attributes arrive as strings ({ N: '42' }) and do not match.
      if (typeof value !== 'number' || !Array.isArray(operand)) return false;
      for (let i = 0; i < operand.length; i += 2) {
        const operator = operand[i];
        const bound = operand[i + 1];
        if (!isNumericOperator(operator) || typeof bound !== 'number' || !compare(operator, value, bound))
          return false;
      }
      return true;
    }
    default:
      return false;
  }
};

/** A leaf: present when the key exists and does not hold an object (EventBridge matches leaves only). */
const leafMatches = (rules: readonly Json[], present: boolean, value: Json): boolean =>
  rules.some((rule) => {
    if (isPlainObject(rule) && 'exists' in rule) return rule.exists === (present && !isPlainObject(value));
    if (!present || isPlainObject(value)) return false;
    // An array in the record matches when any of its elements does.
    return Array.isArray(value)
      ? value.some((item) => ruleMatchesValue(rule, item))
      : ruleMatchesValue(rule, value);
  });

export const matchesFilterPattern = (pattern: FilterPattern, record: Json): boolean => {
  const target = isPlainObject(record) ? record : {};
  return Object.entries(pattern).every(([key, expected]) => {
    const present = Object.hasOwn(target, key) && target[key] !== undefined;
    const value = target[key];
    if (Array.isArray(expected)) return leafMatches(expected, present, value);
    if (isPlainObject(expected)) {
      // A nested pattern needs an object here; `exists: false` rules below still see an absent subtree.
      return matchesFilterPattern(expected, isPlainObject(value) ? value : {});
    }
    return false;
  });
};

/** Lambda's FilterCriteria: a record passes when any pattern matches; no patterns lets everything through. */
export const matchesAnyFilter = (patterns: readonly FilterPattern[], record: Json): boolean =>
  patterns.length === 0 || patterns.some((pattern) => matchesFilterPattern(pattern, record));
