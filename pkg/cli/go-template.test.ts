// go-template's engine on its own (kubectl comparisons: test/integration/berthctl-go-template.test.ts).
import { executeGoTemplate, goString, GoTemplateError, parseGoTemplate } from './go-template';
import { runWith } from './testing';

const run = (t: string, data: unknown) => executeGoTemplate(parseGoTemplate(t), data);

test('a List: range over items, as `get pods -o go-template` uses it', () => {
  const list = { kind: 'List', items: [{ metadata: { name: 'a' } }, { metadata: { name: 'b' } }] };
  expect(run('{{range .items}}{{.metadata.name}}{{"\\n"}}{{end}}', list)).toBe('a\nb\n');
  expect(run('{{- range .items -}} {{ .metadata.name }} {{- end -}}', list)).toBe('ab');
});

test('Go\'s printing of values', () => {
  expect(goString({ b: [1, 'x'], a: null })).toBe('map[a:<nil> b:[1 x]]');
  expect(goString(undefined)).toBe('<no value>');
  expect(run('{{printf "%d%%" .n}} {{printf "%v" .s}} {{not .f}} {{and 1 0}} {{or 0 "x"}} {{ne 1 2}}', { n: 7, s: 'y', f: false })).toBe('7% y true 0 x true');
});

test('errors are GoTemplateErrors: unknown function, unclosed action or block, undefined variable', () => {
  expect(() => parseGoTemplate('{{nope .x}}')).toThrow(new GoTemplateError('function "nope" not defined'));
  expect(() => parseGoTemplate('{{.x')).toThrow(GoTemplateError);
  expect(() => parseGoTemplate('{{range .x}}')).toThrow('unexpected EOF');
  expect(() => run('{{$y}}', {})).toThrow('undefined variable "$y"');
  expect(() => run('{{range .n}}{{end}}', { n: 3 })).toThrow("range can't iterate over 3");
});

test('-o go-template without a template, and a failing template, are one line and exit 1', async () => {
  const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' } };
  expect(await runWith(['get', 'pod', 'p', '-o', 'go-template='], () => pod)).toMatchObject({ code: 1, err: 'error: template format specified but no template given\n' });
  expect(await runWith(['get', 'pod', 'p', '-o', 'go-template={{len .metadata.name.x}}'], () => pod))
    .toMatchObject({ code: 1, err: expect.stringMatching(/^error: error executing template "\{\{len \.metadata\.name\.x\}\}": template: output:1: error calling len/) });
  expect(await runWith(['get', 'pod', 'p', '-o', 'template={{.metadata.name}}'], () => pod)).toMatchObject({ code: 0, out: 'p' });
});
