// get -w: the list as a table, then one aligned row per watch event from the list's
// resourceVersion; the command ends (exit 0) when the server closes the stream.
import { runWith, type RecordedRequest } from './testing';

const columns = [{ name: 'Name', type: 'string', format: 'name', priority: 0 }, { name: 'Status', type: 'string', priority: 0 }];
const table = (rows: [string, string, string][], withColumns = true) => ({
  kind: 'Table', apiVersion: 'meta.k8s.io/v1', metadata: { resourceVersion: '7' }, columnDefinitions: withColumns ? columns : [],
  rows: rows.map(([name, status, rv]) => ({ cells: [name, status], object: { metadata: { name, namespace: 'default', resourceVersion: rv } } })),
});

const server = (req: RecordedRequest): unknown => {
  if (req.query.watch) {
    return [
      { type: 'ADDED', object: table([['a-much-longer-name', 'Pending', '8']]) },
      { type: 'MODIFIED', object: table([['a', 'Running', '9']], false) },
    ].map((e) => JSON.stringify(e)).join('\n');
  }
  return table([['a', 'Pending', '5']]);
};

test('get pods -w prints the list, then each event as a row, widths remembered', async () => {
  const r = await runWith(['get', 'pods', '-w'], server);
  expect(r.code).toBe(0);
  expect(r.out).toBe('NAME   STATUS\na      Pending\na-much-longer-name   Pending\na                    Running\n');
  const watch = r.client.requests[1];
  expect(watch.query).toMatchObject({ resourceVersion: '7', watch: true });
  expect(watch.accept).toContain('as=Table');
});

test('get pod NAME -w watches by metadata.name from resourceVersion 0 and skips the replayed ADDED', async () => {
  const one = (req: RecordedRequest): unknown => (req.query.watch
    ? JSON.stringify({ type: 'ADDED', object: table([['a', 'Pending', '5']]) })
    : table([['a', 'Pending', '5']]));
  const r = await runWith(['get', 'pod', 'a', '-w'], one);
  expect(r.out).toBe('NAME   STATUS\na      Pending\n');
  expect(r.client.requests[1].query).toMatchObject({ fieldSelector: 'metadata.name=a', resourceVersion: '0' });
});

test('-o name -w prints each object once per event; several types are refused', async () => {
  const r = await runWith(['get', 'pods', '-w', '-o', 'name'], (req) => (req.query.watch
    ? JSON.stringify({ type: 'ADDED', object: { metadata: { name: 'b' } } })
    : { kind: 'PodList', apiVersion: 'v1', metadata: { resourceVersion: '3' }, items: [{ metadata: { name: 'a' } }] }));
  expect(r.out).toBe('pod/a\npod/b\n');
  expect((await runWith(['get', 'pods,rs', '-w'], server)).err).toBe('error: you may only specify a single resource type\n');
});
