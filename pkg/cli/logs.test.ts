import { runWith, type RecordedRequest } from './testing';

const pod = (containers: string[], annotations?: Record<string, string>) => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { name: 'hello', namespace: 'default', annotations },
  spec: { containers: containers.map((name) => ({ name, image: 'busybox' })) },
});
const server = (p: unknown) => (req: RecordedRequest) => (req.path.endsWith('/log') ? 'hello from berth\n' : p);

test('logs POD picks the only container and streams the log', async () => {
  const r = await runWith(['logs', 'hello'], server(pod(['main'])));
  expect(r).toMatchObject({ code: 0, out: 'hello from berth\n', err: '' });
  expect(r.client.requests[1]).toMatchObject({ path: '/api/v1/namespaces/default/pods/hello/log', query: { container: 'main' } });
});

test('several containers: the first, with kubectl\'s note; the annotation wins', async () => {
  const r = await runWith(['logs', 'pod/hello'], server(pod(['a', 'b'])));
  expect(r.err).toBe('Defaulted container "a" out of: a, b\n');
  const annotated = await runWith(['logs', 'hello'], server(pod(['a', 'b'], { 'kubectl.kubernetes.io/default-container': 'b' })));
  expect(annotated.client.requests[1].query.container).toBe('b');
  expect(annotated.err).toBe('');
});

test('flags map to kubectl\'s query; -c skips the pod GET', async () => {
  const r = await runWith(['logs', 'hello', '-c', 'side', '-f', '--tail', '2', '--timestamps', '--since=1h', '-n', 'dev'], server(pod(['main'])));
  expect(r.client.requests).toHaveLength(1);
  expect(r.client.requests[0]).toMatchObject({ path: '/api/v1/namespaces/dev/pods/hello/log',
    query: { container: 'side', follow: true, tailLines: 2, timestamps: true, sinceSeconds: 3600 } });
});

test.each([
  { argv: ['logs'], err: /^error: expected POD_NAME/ },
  { argv: ['logs', 'rs/web'], err: /only pods are supported/ },
  { argv: ['logs', 'hello', '--since', 'soon'], err: /invalid duration "soon"/ },
  { argv: ['logs', 'hello', '--tail', 'x'], err: /must be an integer/ },
])('usage: $argv', async ({ argv, err }) => {
  const r = await runWith(argv, server(pod(['main'])));
  expect(r.code).toBe(1);
  expect(r.err).toMatch(err);
});
