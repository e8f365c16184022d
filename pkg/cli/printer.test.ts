import { formatCell, formatColumns, formatLabels, printJson, printTable, type Table } from './printer';

const podTable = (rows: { cells: unknown[]; ns?: string; labels?: Record<string, string> }[]): Table => ({
  kind: 'Table', apiVersion: 'meta.k8s.io/v1', metadata: { resourceVersion: '7' },
  columnDefinitions: [
    { name: 'Name', type: 'string', format: 'name', priority: 0 },
    { name: 'Ready', type: 'string', priority: 0 },
    { name: 'Status', type: 'string', priority: 0 },
    { name: 'Restarts', type: 'string', priority: 0 },
    { name: 'Age', type: 'string', priority: 0 },
    { name: 'IP', type: 'string', priority: 1 },
    { name: 'Node', type: 'string', priority: 1 },
  ],
  rows: rows.map((r) => ({ cells: r.cells, object: { metadata: { name: String(r.cells[0]), namespace: r.ns, labels: r.labels } } })),
});

const two = podTable([
  { cells: ['hello', '1/1', 'Running', '0', '9s', '10.88.0.2', 'node-1'], ns: 'default', labels: { run: 'hello', app: 'x' } },
  { cells: ['web-abcde', '0/1', 'ContainerCreating', '0', '2m', '<none>', 'node-1'], ns: 'kube-system' },
]);

test.each([
  {
    name: 'default columns, aligned with three spaces (kubectl tabwriter)',
    table: two, opts: {},
    want: 'NAME        READY   STATUS              RESTARTS   AGE\n' +
          'hello       1/1     Running             0          9s\n' +
          'web-abcde   0/1     ContainerCreating   0          2m\n',
  },
  {
    name: '-o wide adds priority 1 columns',
    table: two, opts: { wide: true },
    want: 'NAME        READY   STATUS              RESTARTS   AGE   IP          NODE\n' +
          'hello       1/1     Running             0          9s    10.88.0.2   node-1\n' +
          'web-abcde   0/1     ContainerCreating   0          2m    <none>      node-1\n',
  },
  {
    name: '-A puts NAMESPACE first',
    table: two, opts: { withNamespace: true },
    want: 'NAMESPACE     NAME        READY   STATUS              RESTARTS   AGE\n' +
          'default       hello       1/1     Running             0          9s\n' +
          'kube-system   web-abcde   0/1     ContainerCreating   0          2m\n',
  },
  {
    name: 'kind prefix when several kinds are printed, labels last',
    table: two, opts: { kindPrefix: 'pod', showLabels: true },
    want: 'NAME            READY   STATUS              RESTARTS   AGE   LABELS\n' +
          'pod/hello       1/1     Running             0          9s    app=x,run=hello\n' +
          'pod/web-abcde   0/1     ContainerCreating   0          2m    <none>\n',
  },
  {
    name: 'minimum cell width is 6 (tabwriter minwidth), --no-headers',
    table: podTable([{ cells: ['a', '1/1', 'Ok', 0, '1s', '', ''] }]), opts: { noHeaders: true },
    want: 'a     1/1   Ok    0     1s\n',
  },
])('$name', ({ table, opts, want }) => {
  expect(printTable(table, opts)).toBe(want);
});

test('replicasets with the group-qualified prefix and integer cells', () => {
  const rs: Table = {
    kind: 'Table', apiVersion: 'meta.k8s.io/v1',
    columnDefinitions: ['Name', 'Desired', 'Current', 'Ready', 'Age'].map((name, i) => ({ name, type: i ? 'integer' : 'string', priority: 0 })),
    rows: [{ cells: ['web', 3, 3, 3, '5m'] }],
  };
  expect(printTable(rs, { kindPrefix: 'replicaset.apps' })).toBe(
    'NAME                  DESIRED   CURRENT   READY   AGE\n' +
    'replicaset.apps/web   3         3         3       5m\n');
});

test.each([
  { cell: 'a\nb', want: 'a...' },
  { cell: null, want: '<nil>' },
  { cell: 3, want: '3' },
  { cell: true, want: 'true' },
  { cell: 'plain', want: 'plain' },
])('formatCell($cell)', ({ cell, want }) => expect(formatCell(cell)).toBe(want));

test('formatColumns counts runes, not bytes', () => {
  expect(formatColumns([['né', 'x'], ['abcdefgh', 'y']])).toBe('né         x\nabcdefgh   y\n');
});

test('formatLabels sorts keys', () => {
  expect(formatLabels({ b: '2', a: '1' })).toBe('a=1,b=2');
  expect(formatLabels(undefined)).toBe('<none>');
});

test('printJson sorts keys and indents with four spaces like kubectl', () => {
  expect(printJson({ kind: 'Pod', apiVersion: 'v1', metadata: { name: 'x' } }))
    .toBe('{\n    "apiVersion": "v1",\n    "kind": "Pod",\n    "metadata": {\n        "name": "x"\n    }\n}\n');
});
