import { parseYamlDocuments, toYaml, YamlError } from './yaml';

describe('parseYamlDocuments', () => {
  test.each([
    { name: 'one document', text: 'a: 1\n', want: [{ a: 1 }] },
    { name: 'several, empty skipped', text: '---\na: 1\n---\n---\n# only a comment\n---\nb: x\n', want: [{ a: 1 }, { b: 'x' }] },
    { name: 'empty stream', text: '', want: [] },
    { name: 'octal mode as Kubernetes reads it', text: 'defaultMode: 0644\n', want: [{ defaultMode: 420 }] },
    { name: 'timestamps stay strings', text: 'ts: 2021-01-01T00:00:00Z\n', want: [{ ts: '2021-01-01T00:00:00Z' }] },
    { name: 'yes is a boolean', text: 'x: yes\n', want: [{ x: true }] },
    { name: 'quoted stays string', text: 'x: "1"\n', want: [{ x: '1' }] },
    { name: 'list of documents', text: '- a\n- b\n', want: [['a', 'b']] },
  ])('$name', ({ text, want }) => {
    expect(parseYamlDocuments(text)).toEqual(want);
  });

  test.each([
    { source: undefined, text: 'a: 1\nb:\n  c: d\n e: f: g\n', line: 4, prefix: 'error converting YAML to JSON: yaml: line 4: ' },
    { source: 'deploy.yaml', text: 'a: [1, 2\n', line: 2, prefix: 'error parsing deploy.yaml: error converting YAML to JSON: yaml: line 2: ' },
  ])('syntax error in $source', ({ source, text, line, prefix }) => {
    let caught: unknown;
    try { parseYamlDocuments(text, source); } catch (err) { caught = err; }
    expect(caught).toBeInstanceOf(YamlError);
    const e = caught as YamlError;
    expect(e.line).toBe(line);
    expect(e.column).toBeGreaterThanOrEqual(1);
    expect(e.message.startsWith(prefix)).toBe(true);
  });
});

describe('toYaml', () => {
  test.each([
    { name: 'block style', obj: { a: { b: [1, { c: 'd' }] } }, want: 'a:\n  b:\n    - 1\n    - c: d\n' },
    { name: 'long lines are not folded', obj: { a: `${'x'.repeat(120)} y` }, want: `a: ${'x'.repeat(120)} y\n` },
    { name: 'strings that look like other types are quoted', obj: { a: '0644', b: 'yes', c: 'true' }, want: "a: '0644'\nb: 'yes'\nc: 'true'\n" },
    { name: 'shared objects are inlined', obj: (() => { const s = { x: 1 }; return { a: s, b: s }; })(), want: 'a:\n  x: 1\nb:\n  x: 1\n' },
  ])('$name', ({ obj, want }) => {
    expect(toYaml(obj)).toBe(want);
    expect(parseYamlDocuments(toYaml(obj))).toEqual([JSON.parse(JSON.stringify(obj))]);
  });
});
