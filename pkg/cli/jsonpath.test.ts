// Cases from client-go's util/jsonpath tests, run against berthctl's evaluator.
import { executeJsonPath, goFloat, parseJsonPath } from './jsonpath';

const store = {
  Name: 'jsonpath',
  Book: [
    { Category: 'reference', Author: 'Nigel Rees', Title: 'Sayings of the Centurey', Price: 8.95 },
    { Category: 'fiction', Author: 'Evelyn Waugh', Title: 'Sword of Honour', Price: 12.99 },
    { Category: 'fiction', Author: 'Herman Melville', Title: 'Moby Dick', Price: 8.99 },
  ],
  Bicycle: [{ Color: 'red', IsNew: true, Price: 19.95 }, { Color: 'green', IsNew: false, Price: 20.01 }],
  Labels: { engieer: 10, 'web/html': 15, 'k8s-app': 20 },
  Employees: { jason: 'manager', dan: 'clerk' },
};
const types = { bools: [true, false, true, false], integers: [1, 2, 3, 4], floats: [1.0, 2.2, 3.3, 4.0], strings: ['one', 'two', 'three', 'four'] };
const nodes = {
  kind: 'List',
  items: [
    { kind: 'None', metadata: { name: '127.0.0.1', labels: { 'kubernetes.io/hostname': '127.0.0.1' } },
      status: { capacity: { cpu: '4' }, ready: true, addresses: [{ type: 'LegacyHostIP', address: '127.0.0.1' }] } },
    { kind: 'None', metadata: { name: '127.0.0.2', labels: { 'kubernetes.io/hostname': '127.0.0.2' } },
      status: { capacity: { cpu: '8' }, ready: false, addresses: [{ type: 'LegacyHostIP', address: '127.0.0.2' }, { type: 'another', address: '127.0.0.3' }] } },
  ],
  users: [{ name: 'myself', user: {} }, { name: 'e2e', user: { username: 'admin', password: 'secret' } }],
};
const pods = { items: [
  { metadata: { name: 'pod1' }, spec: { containers: [{ name: 'foo' }, { name: 'bar' }] } },
  { metadata: { name: 'pod2' }, spec: { containers: [{ name: 'baz' }] } },
] };

test.each([
  ['plain', 'hello jsonpath', null, 'hello jsonpath'],
  ['recursive', '{..}', [1, 2, 3], '[1,2,3]'],
  ['filter', '{[?(@<5)]}', [2, 6, 3, 7], '2 3'],
  ['quote', '{"{"}', null, '{'],
  ['union', '{[1,3,4]}', [0, 1, 2, 3, 4], '1 3 4'],
  ['array', '{[0:2]}', ['Monday', 'Tudesday'], 'Monday Tudesday'],
  ['variable', 'hello {.Name}', store, 'hello jsonpath'],
  ['dict/', '{$.Labels.web/html}', store, '15'],
  ['dict-', '{.Labels.k8s-app}', store, '20'],
  ['nest', '{.Bicycle[*].Color}', store, 'red green'],
  ['allarray', '{.Book[*].Author}', store, 'Nigel Rees Evelyn Waugh Herman Melville'],
  ['recurfields (keys sorted: Go map order is random)', '{..Price}', store, '19.95 20.01 8.95 12.99 8.99'],
  ['recurdotfields', '{...Price}', store, '19.95 20.01 8.95 12.99 8.99'],
  ['lastarray', '{.Book[-1:]}', store, '{"Author":"Herman Melville","Category":"fiction","Price":8.99,"Title":"Moby Dick"}'],
  ['bool', '{.Bicycle[?(@.IsNew==true)].Color}', store, 'red'],
  ['regexp', "{.Bicycle[?(@.Color=~'^g.*en.*')].Color}", store, 'green'],
  ['missing key', 'before-{.hello}after', store, 'before-after'],
  ['bool index', '{ .bools[-1] }', types, 'false'],
  ['sub slice', '{ .bools[:4:2] }', types, 'true true'],
  ['int reverse', '{ .integers[-2] }', types, '3'],
  ['float slice', '{ .floats }', types, '[1,2.2,3.3,4]'],
  ['string step', '{ .strings[:4:2] }', types, 'one three'],
  ['range item', '{range .items[*]}{.metadata.name}, {end}{.kind}', nodes, '127.0.0.1, 127.0.0.2, List'],
  ['range tab', '{range .items[*]}{.metadata.name}{"\\t"}{end}', nodes, '127.0.0.1\t127.0.0.2\t'],
  ['addresses', '{.items[*].status.addresses[*].address}', nodes, '127.0.0.1 127.0.0.2 127.0.0.3'],
  ['double range', '{range .items[*]}{range .status.addresses[*]}{.address}, {end}{end}', nodes, '127.0.0.1, 127.0.0.2, 127.0.0.3, '],
  ['union fields', "{.items[*]['metadata.name', 'status.capacity']}", nodes, '127.0.0.1 127.0.0.2 {"cpu":"4"} {"cpu":"8"}'],
  ['range capacity', '{range .items[*]}[{.metadata.name}, {.status.capacity}] {end}', nodes, '[127.0.0.1, {"cpu":"4"}] [127.0.0.2, {"cpu":"8"}] '],
  ['password', '{.users[?(@.name=="e2e")].user.password}', nodes, 'secret'],
  ['escaped dot', '{.items[0].metadata.labels.kubernetes\\.io/hostname}', nodes, '127.0.0.1'],
  ['escaped filter', '{.items[?(@.metadata.labels.kubernetes\\.io/hostname=="127.0.0.1")].kind}', nodes, 'None'],
  ['bool item', '{.items[?(@..ready==true)].metadata.name}', nodes, '127.0.0.1'],
  ['exists', '{.items[?(@.status.ready)].metadata.name}', nodes, '127.0.0.1 127.0.0.2'],
  ['empty range', '{range .items[*]}{.metadata.name}{end}', { items: [] }, ''],
  ['nested ranges', '{range .items[*]}{.metadata.name}{":"}{range @.spec.containers[*]}{.name}{","}{end}{"+"}{end}', pods, 'pod1:foo,bar,+pod2:baz,+'],
  ['two nested', '{range .items[*]}{.metadata.name}{"\\t"}{range @.spec.containers[*]}{.name}{" "}{end}{"\\t"}{range @.spec.containers[*]}{.name}{" "}{end}{"\\n"}{end}', pods,
    'pod1\tfoo bar \tfoo bar \npod2\tbaz \tbaz \n'],
  ['html escaped json', '{.a}', { a: { b: '<x>&' } }, '{"b":"\\u003cx\\u003e\\u0026"}'],
])('%s', (_name, template, data, want) => {
  expect(executeJsonPath(parseJsonPath(template), data)).toBe(want);
});

test.each([
  ['{hello}', 'unrecognized identifier hello'],
  ['{.Labels[0]}', 'is not array or slice'],
  ['{.Book[?(@.Price<>10)]}', 'unrecognized filter operator <>'],
  ['{range .Labels.*}{@}{end}{end}', 'not in range, nothing to end'],
  ['{.a', 'unclosed action'],
  ['{.a[1}', 'unterminated array'],
])('error %s', (template, message) => {
  expect(() => executeJsonPath(parseJsonPath(template), store)).toThrow(message);
});

test.each([[1e6, '1e+06'], [123456, '123456'], [1.5, '1.5'], [0.00001, '1e-05'], [1234567.5, '1.2345675e+06']])('goFloat(%p)', (v, want) => {
  expect(goFloat(v)).toBe(want);
});
