// -o go-template: the common subset of Go's text/template as kubectl uses it on unstructured
// objects — `{{.a.b}}`, `{{.}}`, `$` and `$var`, `{{range X}}…{{else}}…{{end}}` (with
// `$i, $v :=`), `{{if X}}…{{else if Y}}…{{else}}…{{end}}`, `{{with X}}…{{end}}`, pipelines
// `X | f`, the functions index, printf (%s %d %v %q), len, not, and, or, eq, ne, print,
// println, and `{{- -}}` trimming. Values print as Go prints them (maps `map[k:v]` with sorted
// keys, lists `[a b]`, missing keys `<no value>`).

export class GoTemplateError extends Error {
  override readonly name = 'GoTemplateError';
}

type Value = unknown;
type Node =
  | { t: 'text'; text: string }
  | { t: 'action'; pipe: Pipe }
  | { t: 'if' | 'with'; pipe: Pipe; then: Node[]; else: Node[] }
  | { t: 'range'; pipe: Pipe; vars: string[]; body: Node[]; else: Node[] };
interface Pipe { decl: string[]; cmds: Arg[][] }
type Arg = { t: 'field'; base: 'dot' | string; path: string[] } | { t: 'lit'; v: Value } | { t: 'fn'; name: string } | { t: 'sub'; pipe: Pipe; path: string[] };

const isMap = (v: Value): v is Record<string, Value> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Splits into text and actions, applying `{{-` and `-}}` trimming. */
const lex = (src: string): { t: 'text' | 'action'; s: string }[] => {
  const out: { t: 'text' | 'action'; s: string }[] = [];
  let i = 0;
  let trimNext = false;
  while (i < src.length) {
    const open = src.indexOf('{{', i);
    let text = src.slice(i, open < 0 ? src.length : open);
    if (trimNext) text = text.replace(/^\s+/, '');
    if (open < 0) { if (text) out.push({ t: 'text', s: text }); break; }
    const close = src.indexOf('}}', open + 2);
    if (close < 0) throw new GoTemplateError('unclosed action');
    let body = src.slice(open + 2, close);
    if (body.startsWith('- ')) { text = text.replace(/\s+$/, ''); body = body.slice(2); }
    trimNext = body.endsWith(' -');
    if (trimNext) body = body.slice(0, -2);
    if (text) out.push({ t: 'text', s: text });
    if (!/^\s*\/\*[\s\S]*\*\/\s*$/.test(body)) out.push({ t: 'action', s: body.trim() });
    i = close + 2;
  }
  return out;
};

/** Tokens of one action: strings, numbers, fields, variables, identifiers, `|`, `(`, `)`, `:=`, `,`. */
const tokens = (s: string): string[] => {
  // `)` takes the fields chained onto it: `(index .env 0).name`.
  const re = /\s*("(?:[^"\\]|\\.)*"|`[^`]*`|:=|\)(?:\.[\w-]+)*|[|(,]|[^\s|(),]+)/gy;
  const out: string[] = [];
  let m: RegExpExecArray | null;
  while ((m = re.exec(s)) !== null) { out.push(m[1]); if (re.lastIndex >= s.length) break; }
  if (out.join('').replace(/\s/g, '') !== s.replace(/\s/g, '')) throw new GoTemplateError(`unexpected input in action: ${s}`);
  return out;
};

const FUNCS = new Set(['index', 'printf', 'len', 'not', 'and', 'or', 'eq', 'ne', 'print', 'println', 'lt', 'le', 'gt', 'ge']);

const parseArg = (tok: string, rest: string[]): Arg => {
  if (tok === '(') {
    const count = (k: number, f: (x: string) => boolean) => rest.slice(0, k + 1).filter(f).length;
    const depth = rest.findIndex((_, k) => count(k, (x) => x === '(') + 1 === count(k, (x) => x.startsWith(')')));
    if (depth < 0) throw new GoTemplateError('unclosed left paren');
    const taken = rest.splice(0, depth + 1);
    const close = taken.pop() ?? ')';
    return { t: 'sub', pipe: parsePipe(taken), path: close.split('.').slice(1) };
  }
  if (tok.startsWith('"')) return { t: 'lit', v: JSON.parse(tok) as string };
  if (tok.startsWith('`')) return { t: 'lit', v: tok.slice(1, -1) };
  if (/^-?\d+(\.\d+)?$/.test(tok)) return { t: 'lit', v: Number(tok) };
  if (tok === 'true' || tok === 'false') return { t: 'lit', v: tok === 'true' };
  if (tok === 'nil') return { t: 'lit', v: null };
  if (tok === '.') return { t: 'field', base: 'dot', path: [] };
  if (tok.startsWith('.')) return { t: 'field', base: 'dot', path: tok.slice(1).split('.') };
  if (tok.startsWith('$')) { const [v, ...path] = tok.split('.'); return { t: 'field', base: v, path }; }
  if (FUNCS.has(tok)) return { t: 'fn', name: tok };
  throw new GoTemplateError(`function "${tok}" not defined`);
};

const parsePipe = (toks: string[]): Pipe => {
  const rest = [...toks];
  let decl: string[] = [];
  const assign = rest.indexOf(':=');
  if (assign >= 0) { decl = rest.splice(0, assign + 1).slice(0, -1).filter((x) => x !== ','); }
  const cmds: Arg[][] = [[]];
  while (rest.length > 0) {
    const tok = rest.shift()!;
    if (tok === '|') { cmds.push([]); continue; }
    cmds[cmds.length - 1].push(parseArg(tok, rest));
  }
  if (cmds.some((c) => c.length === 0)) throw new GoTemplateError('missing value for command');
  return { decl, cmds };
};

/** Parses a template into its tree. */
export const parseGoTemplate = (src: string): Node[] => {
  const items = lex(src);
  let pos = 0;
  const block = (ends: string[]): { nodes: Node[]; end: string } => {
    const nodes: Node[] = [];
    while (pos < items.length) {
      const it = items[pos++];
      if (it.t === 'text') { nodes.push({ t: 'text', text: it.s }); continue; }
      const [word, ...rest] = tokens(it.s);
      if (ends.includes(word) || (word === 'else' && ends.includes('else'))) return { nodes, end: it.s };
      if (word === 'if' || word === 'with' || word === 'range') nodes.push(control(word, rest));
      else nodes.push({ t: 'action', pipe: parsePipe([word, ...rest]) });
    }
    if (ends.length > 0) throw new GoTemplateError('unexpected EOF');
    return { nodes, end: '' };
  };
  const control = (word: 'if' | 'with' | 'range', rest: string[]): Node => {
    const pipe = parsePipe(rest);
    const body = block(['end', 'else']);
    let elseNodes: Node[] = [];
    if (body.end.startsWith('else')) {
      const tail = tokens(body.end).slice(1);
      if (tail[0] === 'if' || tail[0] === 'with') elseNodes = [control(tail[0], tail.slice(1))];
      else elseNodes = block(['end']).nodes;
    }
    if (word === 'range') return { t: 'range', pipe: { decl: [], cmds: pipe.cmds }, vars: pipe.decl, body: body.nodes, else: elseNodes };
    return { t: word, pipe, then: body.nodes, else: elseNodes };
  };
  return block([]).nodes;
};

const truth = (v: Value): boolean => {
  if (v === undefined || v === null || v === false || v === 0 || v === '') return false;
  if (Array.isArray(v)) return v.length > 0;
  if (isMap(v)) return Object.keys(v).length > 0;
  return true;
};

/** Go's %v of a decoded JSON value. */
export const goString = (v: Value): string => {
  if (v === undefined) return '<no value>';
  if (v === null) return '<nil>';
  if (Array.isArray(v)) return `[${v.map(goString).join(' ')}]`;
  if (isMap(v)) return `map[${Object.keys(v).sort().map((k) => `${k}:${goString(v[k])}`).join(' ')}]`;
  return String(v);
};

const sprintf = (format: string, args: Value[]): string => {
  let i = 0;
  return format.replace(/%([-+ 0#]*\d*(?:\.\d+)?)([svdqtf%])/g, (_m, _flags: string, verb: string) => {
    if (verb === '%') return '%';
    const a = args[i++];
    if (verb === 'q') return JSON.stringify(typeof a === 'string' ? a : goString(a));
    if (verb === 'd') return typeof a === 'number' ? String(Math.trunc(a)) : `%!d(${goString(a)})`;
    return goString(a);
  });
};

type Scope = Map<string, Value>;

const call = (name: string, args: Value[]): Value => {
  switch (name) {
    case 'index': return args.slice(1).reduce<Value>((v, k) => (Array.isArray(v) ? v[Number(k)] : isMap(v) ? v[String(k)] : undefined), args[0]);
    case 'printf': return sprintf(String(args[0] ?? ''), args.slice(1));
    case 'print': return args.map(goString).join('');
    case 'println': return `${args.map(goString).join(' ')}\n`;
    case 'len': {
      const v = args[0];
      if (typeof v === 'string' || Array.isArray(v)) return v.length;
      if (isMap(v)) return Object.keys(v).length;
      throw new GoTemplateError(`error calling len: len of type ${v === null ? 'nil' : typeof v}`);
    }
    case 'not': return !truth(args[0]);
    case 'and': return args.find((a) => !truth(a)) ?? args[args.length - 1];
    case 'or': return args.find((a) => truth(a)) ?? args[args.length - 1];
    case 'eq': return args.slice(1).some((a) => a === args[0]);
    case 'ne': return args[0] !== args[1];
    case 'lt': return (args[0] as number) < (args[1] as number);
    case 'le': return (args[0] as number) <= (args[1] as number);
    case 'gt': return (args[0] as number) > (args[1] as number);
    case 'ge': return (args[0] as number) >= (args[1] as number);
    default: throw new GoTemplateError(`function "${name}" not defined`);
  }
};

const evalArg = (a: Arg, dot: Value, scope: Scope): Value => {
  if (a.t === 'lit') return a.v;
  if (a.t === 'sub') return a.path.reduce<Value>((v, k) => (isMap(v) ? v[k] : undefined), evalPipe(a.pipe, dot, scope));
  if (a.t === 'fn') return call(a.name, []);
  let v: Value = a.base === 'dot' ? dot : scope.get(a.base);
  if (a.base !== 'dot' && !scope.has(a.base)) throw new GoTemplateError(`undefined variable "${a.base}"`);
  for (const k of a.path) v = isMap(v) ? v[k] : undefined;
  return v;
};

const evalPipe = (p: Pipe, dot: Value, scope: Scope): Value => {
  let prev: Value;
  p.cmds.forEach((cmd, i) => {
    const [head, ...args] = cmd;
    const extra = i > 0 ? [prev] : [];
    if (head.t === 'fn') prev = call(head.name, [...args.map((a) => evalArg(a, dot, scope)), ...extra]);
    else if (args.length > 0 || extra.length > 0) throw new GoTemplateError(`can't give argument to non-function ${goString(evalArg(head, dot, scope))}`);
    else prev = evalArg(head, dot, scope);
  });
  for (const d of p.decl) scope.set(d, prev);
  return prev;
};

const exec = (nodes: Node[], dot: Value, scope: Scope, out: string[]): void => {
  for (const n of nodes) {
    if (n.t === 'text') out.push(n.text);
    else if (n.t === 'action') { const v = evalPipe(n.pipe, dot, scope); if (n.pipe.decl.length === 0) out.push(goString(v)); }
    else if (n.t === 'if' || n.t === 'with') {
      const v = evalPipe(n.pipe, dot, new Map(scope));
      if (truth(v)) exec(n.then, n.t === 'with' ? v : dot, new Map(scope), out);
      else exec(n.else, dot, new Map(scope), out);
    } else if (n.t === 'range') execRange(n, dot, scope, out);
  }
};

const execRange = (n: Extract<Node, { t: 'range' }>, dot: Value, scope: Scope, out: string[]): void => {
  const v = evalPipe(n.pipe, dot, scope);
  if (v !== undefined && v !== null && !Array.isArray(v) && !isMap(v)) throw new GoTemplateError(`range can't iterate over ${goString(v)}`);
  const entries: [Value, Value][] = Array.isArray(v) ? v.map((x, i) => [i, x]) : isMap(v) ? Object.keys(v).sort().map((k) => [k, v[k]]) : [];
  if (entries.length === 0) { exec(n.else, dot, new Map(scope), out); return; }
  for (const [k, x] of entries) {
    const inner = new Map(scope);
    if (n.vars.length === 1) inner.set(n.vars[0], x);
    if (n.vars.length === 2) { inner.set(n.vars[0], k); inner.set(n.vars[1], x); }
    exec(n.body, x, inner, out);
  }
};

/** Runs a parsed template on `data` (`$` is the data). */
export const executeGoTemplate = (tree: Node[], data: Value): string => {
  const out: string[] = [];
  exec(tree, data, new Map([['$', data]]), out);
  return out.join('');
};
