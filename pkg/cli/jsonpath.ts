// kubectl's JSONPath dialect (client-go util/jsonpath): template text with `{…}` actions;
// fields, `['key']`, indexes and slices, `[*]`, unions `[0,1]`, `..` recursive descent,
// filters `[?(@.a=="x")]` (==, !=, <, >, <=, >=, =~ and existence), `range … end`, quoted
// literals (`{"\n"}`). Missing keys yield nothing, as with kubectl's default
// --allow-missing-template-keys=true.

export type JsonPathNode =
  | { type: 'text'; text: string }
  | { type: 'field'; name: string }
  | { type: 'wildcard' }
  | { type: 'recursive' }
  | { type: 'array'; start?: number; end?: number; step?: number; derivedEnd: boolean }
  | { type: 'union'; lists: JsonPathNode[][] }
  | { type: 'filter'; left: JsonPathNode[]; right: JsonPathNode[]; op: string }
  | { type: 'int'; value: number }
  | { type: 'float'; value: number }
  | { type: 'bool'; value: boolean }
  | { type: 'identifier'; name: string };

/** The template split into top-level items: literal text, or one `{…}` action's node list. */
export type Template = JsonPathNode[][];

export class JsonPathError extends Error {
  override readonly name = 'JsonPathError';
  readonly code = 'BERTH_ERR_JSONPATH';
}

const isTerminator = (c: string | undefined): boolean => c === undefined || ' \t\r\n.,[]$@{}'.includes(c);
const isAlnum = (c: string): boolean => /^[\p{L}\p{Nd}_]$/u.test(c);
const SLICE = /^(-?\d*)(:-?\d*)?(:-?\d*)?$/;
const FILTER = /^([^!<>=]+)([!<>=~]+)(.+?)$/;

/** Go's strconv.Unquote, extended to single quotes (UnquoteExtend). */
const unquote = (s: string): string => {
  const body = s.slice(1, -1);
  if (!body.includes('\\')) return body;
  return body.replace(/\\(u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|[0-7]{3}|.)/g, (_, e: string) => {
    const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', a: '\x07', b: '\b', f: '\f', v: '\v', '\\': '\\', '"': '"', "'": "'" };
    if (e in simple) return simple[e];
    if (e[0] === 'u' || e[0] === 'x') return String.fromCodePoint(parseInt(e.slice(1), 16));
    if (/^[0-7]{3}$/.test(e)) return String.fromCharCode(parseInt(e, 8));
    throw new JsonPathError(`unquote string ${s} error invalid syntax`);
  });
};

class Parser {
  private pos = 0;
  constructor(private readonly input: string) {}

  parseTemplate(): Template {
    const out: Template = [];
    let start = 0;
    while (this.pos < this.input.length) {
      if (this.input[this.pos] === '{') {
        if (this.pos > start) out.push([{ type: 'text', text: this.input.slice(start, this.pos) }]);
        this.pos++;
        out.push(this.parseAction());
        start = this.pos;
      } else {
        this.pos++;
      }
    }
    if (this.pos > start) out.push([{ type: 'text', text: this.input.slice(start, this.pos) }]);
    return out;
  }

  /** Parses until the closing `}` (consumed). */
  parseAction(): JsonPathNode[] {
    const nodes: JsonPathNode[] = [];
    for (;;) {
      const rest = this.input.slice(this.pos);
      if (rest.startsWith('}')) { this.pos++; return nodes; }
      if (rest.startsWith('[?(')) { nodes.push(this.parseFilter()); continue; }
      if (rest.startsWith('..')) { this.parseRecursive(nodes); continue; }
      const c = this.input[this.pos];
      if (c === undefined || c === '\n' || c === '\r') throw new JsonPathError('unclosed action');
      if (c === ' ' || c === '@' || c === '$') { this.pos++; continue; }
      if (c === '[') { nodes.push(...this.parseArray()); continue; }
      if (c === '"' || c === "'") { nodes.push(this.parseQuote(c)); continue; }
      if (c === '.') { this.pos++; nodes.push(this.parseField()); continue; }
      if (c === '+' || c === '-' || /\d/.test(c)) { nodes.push(this.parseNumber()); continue; }
      if (isAlnum(c)) { nodes.push(this.parseIdentifier()); continue; }
      throw new JsonPathError(`unrecognized character in action: U+${c.codePointAt(0)?.toString(16).toUpperCase().padStart(4, '0')} '${c}'`);
    }
  }

  private parseRecursive(nodes: JsonPathNode[]): void {
    if (nodes[nodes.length - 1]?.type === 'recursive') throw new JsonPathError('invalid multiple recursive descent');
    this.pos += 2;
    nodes.push({ type: 'recursive' });
    const c = this.input[this.pos];
    if (c !== undefined && isAlnum(c)) nodes.push(this.parseField());
  }

  private parseField(): JsonPathNode {
    const start = this.pos;
    while (this.pos < this.input.length) {
      const c = this.input[this.pos];
      if (c === '\\') { this.pos += 2; continue; }
      if (isTerminator(c)) break;
      this.pos++;
    }
    const value = this.input.slice(start, this.pos);
    return value === '*' ? { type: 'wildcard' } : { type: 'field', name: value.replace(/\\/g, '') };
  }

  private parseIdentifier(): JsonPathNode {
    const start = this.pos;
    while (!isTerminator(this.input[this.pos])) this.pos++;
    const value = this.input.slice(start, this.pos);
    if (value === 'true' || value === 'false') return { type: 'bool', value: value === 'true' };
    return { type: 'identifier', name: value };
  }

  private parseNumber(): JsonPathNode {
    const start = this.pos;
    if ('+-'.includes(this.input[this.pos])) this.pos++;
    while (/[\d.]/.test(this.input[this.pos] ?? '')) this.pos++;
    const text = this.input.slice(start, this.pos);
    if (/^[+-]?\d+$/.test(text)) return { type: 'int', value: Number(text) };
    if (/^[+-]?(\d+\.?\d*|\.\d+)$/.test(text)) return { type: 'float', value: Number(text) };
    throw new JsonPathError(`cannot parse number ${text}`);
  }

  private parseQuote(quote: string): JsonPathNode {
    const start = this.pos;
    this.pos++;
    for (;;) {
      const c = this.input[this.pos++];
      if (c === undefined || c === '\n') throw new JsonPathError('unterminated quoted string');
      if (c === quote && this.input[this.pos - 2] !== '\\') break;
    }
    return { type: 'text', text: unquote(this.input.slice(start, this.pos)) };
  }

  private parseArray(): JsonPathNode[] {
    const close = this.input.indexOf(']', this.pos);
    const nl = this.input.indexOf('\n', this.pos);
    if (close < 0 || (nl >= 0 && nl < close)) throw new JsonPathError('unterminated array');
    let text = this.input.slice(this.pos + 1, close);
    this.pos = close + 1;
    if (text === '*') text = ':';
    const parts = text.split(',');
    if (parts.length > 1) return [{ type: 'union', lists: parts.map((p) => parseSub(`[${p.trim()}]`)) }];
    const key = /^'([^']*)'$/.exec(text);
    if (key) return parseSub(`.${key[1]}`);
    const m = SLICE.exec(text);
    if (!m) throw new JsonPathError(`invalid array index ${text}`);
    const num = (s: string | undefined): number | undefined => {
      if (s === undefined || s === '') return undefined;
      if (!/^-?\d+$/.test(s)) throw new JsonPathError(`array index ${s} is not a number`);
      return Number(s);
    };
    const start = num(m[1]);
    if (m[2] === undefined) {
      return [{ type: 'array', start, end: (start ?? 0) + 1, derivedEnd: true }];
    }
    return [{ type: 'array', start, end: num(m[2].slice(1)), step: num(m[3]?.slice(1)), derivedEnd: false }];
  }

  private parseFilter(): JsonPathNode {
    this.pos += 3;
    const start = this.pos;
    let begin = false;
    let end = false;
    let pair = '';
    for (;;) {
      const c = this.input[this.pos++];
      if (c === undefined || c === '\n') throw new JsonPathError('unterminated filter');
      if (c === '"' || c === "'") {
        if (!begin) { begin = true; pair = c; continue; }
        if (this.input[this.pos - 2] !== '\\' && c === pair) end = true;
      } else if (c === ')' && begin === end) {
        break;
      }
    }
    if (this.input[this.pos++] !== ']') throw new JsonPathError('unclosed array expect ]');
    const text = this.input.slice(start, this.pos - 2);
    const m = FILTER.exec(text);
    if (!m) return { type: 'filter', left: parseSub(text), right: [], op: 'exists' };
    return { type: 'filter', left: parseSub(m[1]), right: parseSub(m[3]), op: m[2] };
  }
}

/** Parses `text` as the inside of one action (client-go parseAction). */
const parseSub = (text: string): JsonPathNode[] => {
  const p = new Parser(`${text}}`);
  return p.parseAction();
};

export const parseJsonPath = (template: string): Template => new Parser(template).parseTemplate();

type Value = unknown;
const isObject = (v: Value): v is Record<string, Value> => typeof v === 'object' && v !== null && !Array.isArray(v);

const children = (v: Value): Value[] => {
  if (Array.isArray(v)) return v;
  if (isObject(v)) return Object.keys(v).sort().map((k) => v[k]);
  if (typeof v === 'string') return [...v];
  return [];
};

const compare = (op: string, left: Value, right: Value): boolean => {
  if (op === '=~') {
    if (typeof left !== 'string' || typeof right !== 'string') throw new JsonPathError('regexp search only support string now');
    return new RegExp(right).test(left);
  }
  if (op === '==') return left === right;
  if (op === '!=') return left !== right;
  const comparable = (typeof left === 'number' && typeof right === 'number') || (typeof left === 'string' && typeof right === 'string');
  if (!comparable) throw new JsonPathError('incompatible types for comparison');
  const [l, r] = [left as number | string, right as number | string];
  switch (op) {
    case '<': return l < r;
    case '>': return l > r;
    case '<=': return l <= r;
    case '>=': return l >= r;
    default: throw new JsonPathError(`unrecognized filter operator ${op}`);
  }
};

const evalArray = (input: Value[], n: Extract<JsonPathNode, { type: 'array' }>): Value[] => {
  const out: Value[] = [];
  for (const v of input) {
    if (v === null || v === undefined) continue;
    if (!Array.isArray(v)) throw new JsonPathError(`${typeof v === 'object' ? 'map[string]interface {}' : typeof v} is not array or slice`);
    const len = v.length;
    let start = n.start ?? 0;
    if (start < 0) start += len;
    let end = n.end ?? len;
    if (end < 0 || (n.end === 0 && n.derivedEnd)) end += len;
    if (n.derivedEnd && n.start !== undefined && n.start < 0) end = start + 1;
    if (end === start) continue;
    if (start >= len || start < 0) throw new JsonPathError(`array index out of bounds: index ${start}, length ${len}`);
    if (end > len || end < 0) throw new JsonPathError(`array index out of bounds: index ${end - 1}, length ${len}`);
    if (start > end) throw new JsonPathError(`starting index ${start} is greater than ending index ${end}`);
    const step = n.step ?? 1;
    if (step <= 0) throw new JsonPathError('step must be > 0');
    for (let i = start; i < end; i += step) out.push(v[i]);
  }
  return out;
};

const evalFilter = (input: Value[], n: Extract<JsonPathNode, { type: 'filter' }>): Value[] => {
  const out: Value[] = [];
  for (const v of input) {
    if (!Array.isArray(v)) throw new JsonPathError(`${JSON.stringify(v)} is not array or slice and cannot be filtered`);
    for (const item of v) {
      const lefts = evalList([item], n.left);
      if (n.op === 'exists') {
        if (lefts.length > 0) out.push(item);
        continue;
      }
      if (lefts.length === 0) continue;
      const rights = evalList([item], n.right);
      if (rights.length === 0) continue;
      if (lefts.length > 1 || rights.length > 1) throw new JsonPathError('can only compare one element at a time');
      if (compare(n.op, lefts[0], rights[0])) out.push(item);
    }
  }
  return out;
};

const recursive = (input: Value[]): Value[] => {
  const out: Value[] = [];
  for (const v of input) {
    const kids = children(v);
    if (kids.length === 0 || typeof v === 'string') continue;
    out.push(v, ...recursive(kids));
  }
  return out;
};

const walk = (input: Value[], n: JsonPathNode): Value[] => {
  switch (n.type) {
    case 'text': return [n.text];
    case 'int': case 'float': case 'bool': return input.map(() => n.value);
    case 'field': return input.flatMap((v) => (isObject(v) && n.name in v ? [v[n.name]] : []));
    case 'wildcard': return input.flatMap(children);
    case 'recursive': return recursive(input);
    case 'array': return evalArray(input, n);
    case 'union': return n.lists.flatMap((l) => evalList(input, l));
    case 'filter': return evalFilter(input, n);
    case 'identifier': throw new JsonPathError(`unrecognized identifier ${n.name}`);
  }
};

const evalList = (input: Value[], nodes: JsonPathNode[]): Value[] => nodes.reduce(walk, input);

/** Go's %v of a float64 (strconv 'g', shortest): 1e+06, 1.5, 123456. */
export const goFloat = (v: number): string => {
  if (!Number.isFinite(v)) return Number.isNaN(v) ? 'NaN' : v > 0 ? '+Inf' : '-Inf';
  if (v === 0) return '0';
  const exp = Math.floor(Math.log10(Math.abs(v)));
  if (exp < -4 || exp >= 6) {
    const [m, e] = v.toExponential().split('e');
    const n = Number(e);
    return `${m}e${n < 0 ? '-' : '+'}${String(Math.abs(n)).padStart(2, '0')}`;
  }
  return String(v);
};

/** Go's json.Marshal: compact, keys as given (unstructured maps are sorted), HTML-escaped. */
export const goJson = (v: Value): string => JSON.stringify(sortDeep(v))
  .replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

const sortDeep = (v: Value): Value => {
  if (Array.isArray(v)) return v.map(sortDeep);
  if (!isObject(v)) return v;
  return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortDeep(v[k])]));
};

/** How one result prints (PrintResults/evalToText): maps and lists as JSON, the rest as fmt.Print. */
export const printValue = (v: Value): string => {
  if (Array.isArray(v) || isObject(v)) return goJson(v);
  if (v === null || v === undefined) return '<nil>';
  if (typeof v === 'number') return Number.isInteger(v) && Math.abs(v) < 1e21 ? String(v) : goFloat(v);
  return String(v);
};

/** The result sets of a template, one per action or range iteration (FindResults). */
export const findResults = (template: Template, data: Value): Value[][] => {
  const out: Value[][] = [];
  const run = (nodes: Template, root: Value, from: number): number => {
    for (let i = from; i < nodes.length; i++) {
      const list = nodes[i];
      const head = list[0];
      if (head?.type === 'identifier' && head.name === 'end') return i;
      if (head?.type === 'identifier' && head.name === 'range') {
        const items = evalList([root], list.slice(1));
        let endAt = -1;
        for (const item of items) endAt = run(nodes, item, i + 1);
        if (items.length === 0) endAt = skipRange(nodes, i + 1);
        if (endAt < 0 || endAt >= nodes.length) throw new JsonPathError('unclosed range: missing {end}');
        i = endAt;
        continue;
      }
      out.push(evalList([root], list));
    }
    return nodes.length;
  };
  const ended = run(template, data, 0);
  if (ended < template.length) throw new JsonPathError('not in range, nothing to end');
  return out;
};

/** Index of the `{end}` matching a range whose body starts at `from`. */
const skipRange = (nodes: Template, from: number): number => {
  let depth = 0;
  for (let i = from; i < nodes.length; i++) {
    const head = nodes[i][0];
    if (head?.type !== 'identifier') continue;
    if (head.name === 'range') depth++;
    if (head.name === 'end') {
      if (depth === 0) return i;
      depth--;
    }
  }
  return -1;
};

/** Executes a parsed template against `data` as kubectl's JSONPath printer does. */
export const executeJsonPath = (template: Template, data: Value): string =>
  findResults(template, data).map((results) => results.map(printValue).join(' ')).join('');
