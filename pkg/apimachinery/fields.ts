// Field selectors (apimachinery pkg/fields/selector.go): `metadata.name=x,spec.nodeName!=`.
// Only equality operators exist; `\,`, `\=` and `\\` escape the separators in values.
import { badRequest } from './errors';

export interface FieldRequirement { field: string; op: '=' | '!='; value: string }

export interface FieldSelector {
  requirements: FieldRequirement[];
  /** A missing field reads as '' (as upstream's fields.Set does). */
  matches(fields: Record<string, string>): boolean;
  empty(): boolean;
  toString(): string;
}

/** Splits on `sep` outside of backslash escapes, keeping the escapes. */
const splitUnescaped = (s: string, sep: string): string[] => {
  const parts: string[] = [];
  let cur = '';
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '\\' && i + 1 < s.length) { cur += s[i] + s[i + 1]; i++; continue; }
    if (s[i] === sep) { parts.push(cur); cur = ''; continue; }
    cur += s[i];
  }
  parts.push(cur);
  return parts;
};

const unescape = (s: string, whole: string): string => s.replace(/\\(.)/g, (_m, c: string) => {
  if (c !== ',' && c !== '=' && c !== '\\') throw badRequest(`invalid field selector: '${whole}'; invalid escape sequence`);
  return c;
});

const escape = (s: string): string => s.replace(/[\\,=]/g, (c) => `\\${c}`);

const parseTerm = (term: string, whole: string): FieldRequirement => {
  for (const [token, op] of [['!=', '!='], ['==', '='], ['=', '=']] as const) {
    const idx = indexOfUnescaped(term, token);
    if (idx >= 0) {
      return { field: unescape(term.slice(0, idx).trim(), whole), op, value: unescape(term.slice(idx + token.length).trim(), whole) };
    }
  }
  throw badRequest(`invalid selector: '${whole}'; can't understand '${term}'`);
};

const indexOfUnescaped = (s: string, token: string): number => {
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '\\') { i++; continue; }
    if (s.startsWith(token, i)) return i;
  }
  return -1;
};

export const fieldSelectorOf = (requirements: FieldRequirement[]): FieldSelector => ({
  requirements,
  matches: (fields) => requirements.every((r) => ((fields[r.field] ?? '') === r.value) === (r.op === '=')),
  empty: () => requirements.length === 0,
  toString: () => requirements.map((r) => `${escape(r.field)}${r.op}${escape(r.value)}`).join(','),
});

/** Parses a field selector; '' selects everything. Throws badRequest on syntax errors. */
export const parseFieldSelector = (s: string): FieldSelector => {
  const terms = s.trim() === '' ? [] : splitUnescaped(s, ',');
  const reqs = terms.map((t) => parseTerm(t, s));
  for (const r of reqs) if (r.field === '') throw badRequest(`invalid selector: '${s}'; field name must not be empty`);
  return fieldSelectorOf(reqs);
};
