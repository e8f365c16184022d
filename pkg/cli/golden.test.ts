// Golden tests of berthctl's printers against test/fixtures/cli (captured by capture.sh from a
// real cluster). get-*.txt is what the real kubectl printed for the same objects; describe-*.txt
// is berthctl's rendering at a fixed clock, compared live with kubectl's by test/e2e.
// UPDATE_GOLDEN=1 rewrites the describe goldens.
import fs from 'node:fs';
import path from 'node:path';
import { notFound } from '../apimachinery';
import { runWith, type RecordedRequest } from './testing';

const dir = path.join(__dirname, '..', '..', 'test', 'fixtures', 'cli');
const read = (name: string): unknown => JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8'));
const golden = (name: string): string => fs.readFileSync(path.join(dir, 'golden', name), 'utf8');

type Dict = Record<string, unknown>;
const items = (name: string): Dict[] => (read(name) as { items: Dict[] }).items;
const metaOf = (o: Dict) => o.metadata as { name: string; uid: string; labels?: Record<string, string> };

/** Serves the captured objects: single GETs, lists (label selectors by equality), events by involvedObject.uid. */
const fixtureServer = (req: RecordedRequest): unknown => {
  const all: Record<string, Dict[]> = {
    pods: items('pods.json'), replicasets: [read('rs-web.json') as Dict], deployments: [read('deploy-dep.json') as Dict],
    services: [read('svc.json') as Dict], configmaps: [read('cm-cfg.json') as Dict], nodes: items('nodes.json'), events: items('events.json'),
  };
  const m = /\/([a-z]+)(?:\/([^/]+))?$/.exec(req.path.replace(/\/namespaces\/[^/]+(?=\/[a-z]+)/, ''));
  const [, plural, name] = m ?? [];
  if (!all[plural]) {
    if (req.path.startsWith('/apis/coordination.k8s.io')) throw notFound({ group: 'coordination.k8s.io', resource: 'leases' }, name ?? '');
    return { kind: 'List', apiVersion: 'v1', metadata: {}, items: [] };
  }
  if (name) {
    const found = all[plural].find((o) => metaOf(o).name === name);
    if (!found) throw notFound({ group: '', resource: plural }, name);
    return found;
  }
  let list = all[plural];
  const sel = String(req.query.labelSelector ?? '');
  if (sel) list = list.filter((o) => sel.split(',').every((kv) => { const [k, v] = kv.split('='); return metaOf(o).labels?.[k] === v; }));
  const uid = /involvedObject\.uid=([^,]+)/.exec(String(req.query.fieldSelector ?? ''))?.[1];
  if (plural === 'events' && req.query.fieldSelector) {
    list = list.filter((e) => (e.involvedObject as { uid?: string; name?: string }).uid === uid || (e.involvedObject as { name?: string }).name === uid);
  }
  const nodeName = /spec\.nodeName=([^,]+)/.exec(String(req.query.fieldSelector ?? ''))?.[1];
  if (nodeName) list = list.filter((p) => (p.spec as { nodeName?: string }).nodeName === nodeName);
  return { kind: 'List', apiVersion: 'v1', metadata: { resourceVersion: '1' }, items: list };
};

test.each([
  ['jsonpath-names', ['-o', 'jsonpath={.items[*].metadata.name}']],
  ['jsonpath-range', ['-o', 'jsonpath={range .items[*]}{.metadata.name}{"\\t"}{.status.podIP}{"\\t"}{.spec.containers[0].resources.limits}{"\\n"}{end}']],
  ['jsonpath-filter', ['-o', 'jsonpath={.items[?(@.metadata.labels.app=="web")].metadata.name}']],
  ['jsonpath-conditions', ['-o', 'jsonpath={range .items[*]}{.status.conditions[?(@.type=="Ready")].status}{" "}{end}']],
  ['custom-columns', ['-o', 'custom-columns=NAME:.metadata.name,NODE:spec.nodeName,IMAGES:.spec.containers[*].image,MISSING:.nope']],
  ['custom-columns-labels', ['-o', 'custom-columns=NAME:{.metadata.name},LABELS:.metadata.labels', '--no-headers']],
  ['yaml', ['-o', 'yaml']],
  ['json', ['-o', 'json']],
  ['name-sorted', ['-o', 'name', '--sort-by=.metadata.name']],
])('get pods %s prints what kubectl printed', async (name, args) => {
  const r = await runWith(['get', 'pods', ...args], fixtureServer);
  expect(r.err).toBe('');
  expect(r.out).toBe(golden(`get-${name}.txt`));
});

/** The clock of the describe goldens: a minute after the captured pod started. */
const NOW = new Date(Date.parse(String((read('pod-hello.json') as { status: { startTime: string } }).status.startTime)) + 60_000);

test.each([
  ['pod', ['pod', 'hello']],
  ['rs', ['rs', 'web']],
  ['deploy', ['deploy', 'dep']],
  ['svc', ['svc', 'svc']],
  ['cm', ['cm', 'cfg']],
  ['node', ['nodes']],
  ['prefix', ['pods', 'web']],
])('describe %s', async (name, args) => {
  const r = await runWith(['describe', ...args], fixtureServer, '', NOW);
  expect(r.err).toBe('');
  const file = path.join(dir, 'golden', `describe-${name}.txt`);
  if (process.env.UPDATE_GOLDEN) fs.writeFileSync(file, r.out);
  expect(r.out).toBe(fs.readFileSync(file, 'utf8'));
});
