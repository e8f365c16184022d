// Label selectors (apimachinery pkg/labels/selector.go): the string grammar used by
// `?labelSelector=` and `kubectl -l`, and the LabelSelector struct of specs.
import type { LabelSelector } from '../../api/meta/v1';
import { badRequest } from './errors';

export type Operator = 'in' | 'notin' | '=' | '==' | '!=' | 'exists' | '!' | 'gt' | 'lt';

export interface Requirement { key: string; operator: Operator; values: string[] }

export interface Selector {
  matches(labels: Record<string, string> | undefined): boolean;
  /** True when the selector has no requirements (it matches everything). */
  empty(): boolean;
  toString(): string;
}

const matchRequirement = (r: Requirement, labels: Record<string, string>): boolean => {
  const has = Object.prototype.hasOwnProperty.call(labels, r.key);
  const v = labels[r.key];
  switch (r.operator) {
    case 'in': case '=': case '==': return has && r.values.includes(v);
    case 'notin': case '!=': return !has || !r.values.includes(v);
    case 'exists': return has;
    case '!': return !has;
    case 'gt': case 'lt': {
      if (!has || !/^-?\d+$/.test(v)) return false;
      const n = Number(v);
      const bound = Number(r.values[0]);
      return r.operator === 'gt' ? n > bound : n < bound;
    }
  }
};

const requirementString = (r: Requirement): string => {
  switch (r.operator) {
    case 'exists': return r.key;
    case '!': return `!${r.key}`;
    case 'in': case 'notin': return `${r.key} ${r.operator} (${r.values.join(',')})`;
    case 'gt': return `${r.key}>${r.values[0]}`;
    case 'lt': return `${r.key}<${r.values[0]}`;
    default: return `${r.key}${r.operator}${r.values[0] ?? ''}`;
  }
};

/** A selector over requirements, sorted by key as upstream's internalSelector is. */
export const selectorOf = (reqs: Requirement[]): Selector => {
  const sorted = [...reqs].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return {
    matches: (labels) => sorted.every((r) => matchRequirement(r, labels ?? {})),
    empty: () => sorted.length === 0,
    toString: () => sorted.map(requirementString).join(','),
  };
};

export const everything = (): Selector => selectorOf([]);
export const nothing = (): Selector => ({ matches: () => false, empty: () => false, toString: () => '' });

const qualifiedName = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const labelValue = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

const checkKey = (key: string): void => {
  const name = key.slice(key.indexOf('/') + 1);
  if (!qualifiedName.test(key) || name.length > 63) {
    throw badRequest(`unable to parse requirement: key: Invalid value: "${key}": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')`);
  }
};

const checkValue = (value: string): void => {
  if (!labelValue.test(value) || value.length > 63) {
    throw badRequest(`unable to parse requirement: values[0]: Invalid value: "${value}": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')`);
  }
};

const special = new Set(['=', '!', '(', ')', ',', '>', '<']);

/** Tokens: identifiers, and `(`, `)`, `,`, `=`, `==`, `!=`, `!`, `>`, `<`. */
const lex = (s: string): string[] => {
  const tokens: string[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i];
    if (/\s/.test(c)) { i++; continue; }
    if (special.has(c)) {
      const two = s.slice(i, i + 2);
      if (two === '==' || two === '!=') { tokens.push(two); i += 2; } else { tokens.push(c); i++; }
      continue;
    }
    let j = i;
    while (j < s.length && !special.has(s[j]) && !/\s/.test(s[j])) j++;
    tokens.push(s.slice(i, j));
    i = j;
  }
  return tokens;
};

const isIdentifier = (t: string | undefined): t is string => t !== undefined && !special.has(t[0]);

class Parser {
  private pos = 0;
  constructor(private readonly tokens: string[]) {}
  peek(): string | undefined { return this.tokens[this.pos]; }
  next(): string | undefined { return this.tokens[this.pos++]; }
  fail(expected: string): never {
    const found = this.peek();
    throw badRequest(`unable to parse requirement: found '${found ?? ''}', expected: ${expected}`);
  }
  identifier(what: string): string {
    const t = this.peek();
    if (!isIdentifier(t)) this.fail(what);
    this.pos++;
    return t;
  }

  requirement(): Requirement {
    if (this.peek() === '!') {
      this.next();
      const key = this.identifier('identifier after \'!\'');
      checkKey(key);
      return { key, operator: '!', values: [] };
    }
    const key = this.identifier('identifier');
    checkKey(key);
    const op = this.peek();
    if (op === undefined || op === ',') return { key, operator: 'exists', values: [] };
    this.next();
    if (op === '=' || op === '==' || op === '!=') {
      const v = isIdentifier(this.peek()) ? (this.next() as string) : '';
      checkValue(v);
      return { key, operator: op, values: [v] };
    }
    if (op === '>' || op === '<') {
      const v = this.identifier('integer');
      if (!/^-?\d+$/.test(v)) throw badRequest(`unable to parse requirement: for 'Gt', 'Lt' operators, the value must be an integer`);
      return { key, operator: op === '>' ? 'gt' : 'lt', values: [v] };
    }
    if (op === 'in' || op === 'notin') return { key, operator: op, values: this.valueSet() };
    this.pos--;
    return this.fail("'=', '!=', '==', 'in', 'notin'");
  }

  valueSet(): string[] {
    if (this.next() !== '(') { this.pos--; this.fail("'('"); }
    const values: string[] = [];
    for (;;) {
      const v = isIdentifier(this.peek()) ? (this.next() as string) : '';
      checkValue(v);
      values.push(v);
      const sep = this.next();
      if (sep === ')') break;
      if (sep !== ',') { this.pos--; this.fail("',' or ')'"); }
    }
    return [...new Set(values)].sort();
  }

  selector(): Requirement[] {
    const reqs: Requirement[] = [];
    if (this.peek() === undefined) return reqs;
    for (;;) {
      reqs.push(this.requirement());
      const t = this.next();
      if (t === undefined) return reqs;
      if (t !== ',') { this.pos--; this.fail("','"); }
    }
  }
}

/** Parses `a=b,c!=d,e in (x,y),!f`; throws badRequest on a syntax error. */
export const parseLabelSelector = (s: string): Selector => selectorOf(new Parser(lex(s)).selector());

/** metav1.LabelSelectorAsSelector: undefined selects nothing, `{}` selects everything. */
export const selectorFromLabelSelector = (sel: LabelSelector | undefined): Selector => {
  if (!sel) return nothing();
  const reqs: Requirement[] = Object.entries(sel.matchLabels ?? {}).map(([key, v]) => ({ key, operator: '=', values: [v] }));
  for (const e of sel.matchExpressions ?? []) {
    const values = [...(e.values ?? [])].sort();
    switch (e.operator) {
      case 'In': reqs.push({ key: e.key, operator: 'in', values }); break;
      case 'NotIn': reqs.push({ key: e.key, operator: 'notin', values }); break;
      case 'Exists': reqs.push({ key: e.key, operator: 'exists', values: [] }); break;
      case 'DoesNotExist': reqs.push({ key: e.key, operator: '!', values: [] }); break;
      default: throw badRequest(`"${e.operator}" is not a valid label selector operator`);
    }
  }
  return selectorOf(reqs);
};

/** The selector's string form (Scale's status.selector, `kubectl get -l`). */
export const labelSelectorToString = (sel: LabelSelector): string => selectorFromLabelSelector(sel).toString();
