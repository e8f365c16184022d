// Fuzzing the apiserver: at least 10,000 mutated manifests (fuzz-mutators.ts) of every kind in
// test/fixtures/kinds, sent as POST, PUT, and PATCH of every patch type (and to the status and
// scale subresources) against a real etcd. Every answer must be 2xx or a 4xx whose body is a
// meta/v1 Status with code == the HTTP status; no 5xx, no hang, and the server still answers
// at the end. The run is seeded: BERTH_FUZZ_SEED=<n> reruns a run, BERTH_FUZZ_ONLY=<index> one
// case of it, BERTH_FUZZ_CASES=<n> changes the count, BERTH_FUZZ_REPORT=<file> keeps every failure.
import https from 'node:https';
import { readdirSync, readFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { apiVersionOf, resourceForKind, type ResourceInfo } from '../../api/resources';
import { parseYamlDocuments } from '../../pkg/apimachinery';
import { startApiserver, pkiPaths, type RunningApiserver } from '../../pkg/apiserver';
import { createLogger } from '../../pkg/log';
import { startEtcd, type RunningEtcd } from './harness';
import { caseSeed, expandDeep, jsonPatch, mergePatch, mutate, randomString, rng, type Budget, type Json, type JsonObject, type Rng } from './fuzz-mutators';

jest.setTimeout(120_000);

const seed = Number(process.env.BERTH_FUZZ_SEED ?? 20250704);
const cases = Number(process.env.BERTH_FUZZ_CASES ?? 10_000);
const only = process.env.BERTH_FUZZ_ONLY === undefined ? undefined : Number(process.env.BERTH_FUZZ_ONLY);
const concurrency = 16;
const ns = 'fuzz';

interface Target { info: ResourceInfo; name: string; doc: JsonObject }
interface Case { index: number; label: string; method: string; path: string; contentType: string; body: string }
interface Answer { status: number; contentType: string; text: string }

const loadTargets = (): Target[] => {
  const dir = path.join(__dirname, '..', 'fixtures', 'kinds');
  return readdirSync(dir).filter((f) => f.endsWith('.yaml')).flatMap((f) => parseYamlDocuments(readFileSync(path.join(dir, f), 'utf8')))
    .map((d) => {
      const doc = d as JsonObject & { metadata: { name: string }; apiVersion: string; kind: string };
      const info = resourceForKind(doc.apiVersion, doc.kind);
      if (!info) throw new Error(`no resource for ${doc.apiVersion} ${doc.kind}`);
      delete (doc.metadata as JsonObject).namespace;
      // an Event's involvedObject lives in the Event's own namespace
      const involved = doc.involvedObject as JsonObject | undefined;
      if (involved?.namespace) involved.namespace = ns;
      return { info, name: doc.metadata.name, doc };
    });
};

const collectionPath = (info: ResourceInfo, namespace = ns): string =>
  `${info.group ? `/apis/${apiVersionOf(info)}` : '/api/v1'}${info.namespaced ? `/namespaces/${namespace}` : ''}/${info.plural}`;

/** encodeURIComponent, with lone surrogates (which it refuses) as U+FFFD. */
const uri = (s: string): string => encodeURIComponent(s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd'));

const query = (r: Rng): string => {
  const q: string[] = [];
  if (r.chance(0.3)) q.push(`fieldValidation=${r.pick(['Strict', 'Warn', 'Ignore', 'strict', 'bogus'])}`);
  if (r.chance(0.1)) q.push('dryRun=All');
  if (r.chance(0.05)) q.push(`dryRun=${r.pick(['true', 'None', ''])}`);
  if (r.chance(0.15)) q.push(`fieldManager=${uri(r.chance(0.5) ? randomString(r) : 'm'.repeat(r.pick([1, 128, 129, 300])))}`);
  return q.length ? `?${q.join('&')}` : '';
};

/** A body that is not the JSON it claims to be, or JSON the parser handles in odd ways. */
const rawBody = (r: Rng, json: string): string => r.pick([
  json.slice(0, Math.max(0, r.int(json.length))), '', 'null', '[]', '"a string"', '42', '{"a":', 'not json at all', '\u0000\u0001',
  json.replace(/\d+/, '1e999'), json.replace(/^\{/, '{"metadata":{},"metadata":7,'), `${json}${json}`, `\ufeff${json}`,
  '---\nkind: Pod\n---\n', ': : :\n- [', `{"apiVersion":${JSON.stringify('v'.repeat(1000))}}`,
]);

const buildCase = (index: number, targets: Target[], budget: Budget): Case => {
  const r = rng(caseSeed(seed, index));
  const t = r.pick(targets);
  const namespace = r.chance(0.95) ? ns : r.pick(['no-such-namespace', 'default', 'UPPER', '']);
  const coll = collectionPath(t.info, namespace);
  const item = `${coll}/${r.chance(0.95) ? t.name : r.chance(0.8) ? uri(randomString(r)) : r.pick(['%ff', '%', '%00', '..', '.'])}`;
  const mutated = (name: string): Json => {
    const doc = structuredClone(t.doc);
    (doc.metadata as JsonObject).name = name;
    return mutate(r, doc, budget);
  };
  const pick = r.int(100);
  let c: Omit<Case, 'index' | 'body'> & { body: Json };
  if (pick < 30) c = { label: 'POST', method: 'POST', path: coll, contentType: 'application/json', body: mutated(`${t.name}-${index}`) };
  else if (pick < 48) c = { label: 'PUT', method: 'PUT', path: item, contentType: 'application/json', body: mutated(t.name) };
  else if (pick < 60) c = { label: 'PATCH merge', method: 'PATCH', path: item, contentType: 'application/merge-patch+json', body: mergePatch(r, t.doc, budget, false) };
  else if (pick < 72) c = { label: 'PATCH strategic', method: 'PATCH', path: item, contentType: 'application/strategic-merge-patch+json', body: mergePatch(r, t.doc, budget, true) };
  else if (pick < 84) c = { label: 'PATCH json', method: 'PATCH', path: item, contentType: 'application/json-patch+json', body: jsonPatch(r, t.doc, budget) };
  else if (pick < 94) c = { label: 'PATCH apply', method: 'PATCH', path: item, contentType: 'application/apply-patch+yaml', body: mutated(t.name) };
  else {
    const sub = r.pick(['status', 'scale']);
    const type = r.pick(['application/merge-patch+json', 'application/strategic-merge-patch+json', 'application/json-patch+json']);
    const body = sub === 'scale' ? mutate(r, { apiVersion: 'autoscaling/v1', kind: 'Scale', metadata: { name: t.name }, spec: { replicas: 2 } }, budget) : mergePatch(r, t.doc, budget, false);
    c = r.chance(0.5)
      ? { label: `PUT ${sub}`, method: 'PUT', path: `${item}/${sub}`, contentType: 'application/json', body }
      : { label: `PATCH ${sub}`, method: 'PATCH', path: `${item}/${sub}`, contentType: type, body: type.includes('json-patch') ? jsonPatch(r, t.doc, budget) : body };
  }
  let body = expandDeep(JSON.stringify(c.body));
  if (r.chance(0.04)) body = rawBody(r, body);
  let q = query(r);
  // server-side apply needs a field manager; force only belongs to apply
  if (c.label === 'PATCH apply' && !q.includes('fieldManager=')) q += `${q ? '&' : '?'}fieldManager=fuzz${r.chance(0.3) ? '&force=true' : ''}`;
  return { index, label: `${c.label} ${t.info.plural}`, method: c.method, path: c.path + q, contentType: c.contentType, body };
};

const client = (api: RunningApiserver, pkiDir: string) => {
  const p = pkiPaths(pkiDir);
  const agent = new https.Agent({ keepAlive: true, maxSockets: concurrency, ca: readFileSync(p.caCert), cert: readFileSync(p.adminCert), key: readFileSync(p.adminKey) });
  const send = (method: string, urlPath: string, body?: string, contentType = 'application/json'): Promise<Answer> => new Promise((resolve, reject) => {
    const req = https.request(`${api.url}${urlPath}`, {
      method, agent, timeout: 20_000,
      headers: { Accept: 'application/json', ...(body !== undefined ? { 'Content-Type': contentType, 'Content-Length': String(Buffer.byteLength(body)) } : {}) },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (d: Buffer) => chunks.push(d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, contentType: String(res.headers['content-type'] ?? ''), text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('no answer within 20s')));
    req.on('error', reject);
    req.end(body);
  });
  return { send, close: () => agent.destroy() };
};

/** Why an answer breaks the contract, or undefined when it keeps it. */
const problemWith = (a: Answer): string | undefined => {
  if (a.status >= 500 || a.status < 200 || (a.status >= 300 && a.status < 400)) return `HTTP ${a.status}`;
  let body: { kind?: unknown; code?: unknown } | undefined;
  try {
    body = JSON.parse(a.text) as typeof body;
  } catch (err) {
    return `body is not JSON (${String(err)})`;
  }
  if (a.status >= 400 && (body?.kind !== 'Status' || body.code !== a.status)) return `error body is not a Status with code ${a.status}`;
  return undefined;
};

describe('fuzzing the apiserver with mutated manifests', () => {
  let etcd: RunningEtcd;
  let api: RunningApiserver;
  let dir: string;
  const serverErrors: string[] = [];
  beforeAll(async () => {
    etcd = await startEtcd();
    dir = mkdtempSync(path.join(os.tmpdir(), 'berth-fuzz-'));
    // Only the apiserver's internal errors are kept: they carry the stack of a 5xx.
    const log = createLogger('apiserver', { write: (line) => { if (/ E .*internal error/.test(line)) serverErrors.push(line.slice(0, 2000)); } });
    api = await startApiserver({ etcdServers: [etcd.endpoint], bind: '127.0.0.1', port: 0, pkiDir: path.join(dir, 'pki') }, log);
  });
  afterAll(async () => {
    await api?.close();
    await etcd?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it.each([
    ['GET', '/apis/%'], ['GET', '/api/%ff'], ['GET', '/apis/apps/%'], ['GET', '/apis/apps/v1/%'], ['GET', '/openapi/v3/%'],
    ['GET', '/api/v1/namespaces/%/pods'], ['DELETE', '/api/v1/namespaces/default/pods/%'], ['GET', '/api/v1/pods?limit=%'],
    ['GET', '/api/v1/pods?labelSelector=%ff'], ['GET', '/api/v1/pods?fieldSelector=a%3D%3D%3Db'], ['GET', '/api/v1/pods?watch=true&resourceVersion=abc'],
    ['GET', '/api/v1/pods?continue=%00'], ['GET', '/api/v1/pods?limit=-1&continue=x'], ['GET', '/api/v1/pods?resourceVersionMatch=Bogus'],
  ])('answers %s %s with a 4xx Status or 2xx', async (method, url) => {
    const http = client(api, path.join(dir, 'pki'));
    try {
      const a = await http.send(method, url);
      expect([url, problemWith(a) ?? 'ok']).toEqual([url, 'ok']);
    } finally {
      http.close();
    }
  });

  it(`answers ${cases} mutated requests with 2xx or a 4xx Status, never a 5xx (seed ${seed})`, async () => {
    const targets = loadTargets();
    const http = client(api, path.join(dir, 'pki'));
    try {
      expect((await http.send('POST', '/api/v1/namespaces', JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } }))).status).toBe(201);
      for (const t of targets) {
        const a = await http.send('POST', collectionPath(t.info), JSON.stringify(t.doc));
        expect([t.info.plural, a.status]).toEqual([t.info.plural, 201]);
      }
      const budget: Budget = { hugeBytes: 48 * 1024 * 1024 };
      const indexes = only === undefined ? Array.from({ length: cases }, (_, i) => i) : [only];
      const failures: string[] = [];
      const tally = new Map<number, number>();
      let next = 0;
      const worker = async (): Promise<void> => {
        while (next < indexes.length) {
          const c = buildCase(indexes[next++], targets, budget);
          let why: string | undefined;
          let a: Answer = { status: 0, contentType: '', text: '' };
          try {
            a = await http.send(c.method, c.path, c.body, c.contentType);
            why = problemWith(a);
          } catch (err) {
            why = `request failed: ${String(err)}`;
          }
          tally.set(a.status, (tally.get(a.status) ?? 0) + 1);
          if (why) failures.push(`case ${c.index} (BERTH_FUZZ_SEED=${seed} BERTH_FUZZ_ONLY=${c.index}): ${c.label} ${c.method} ${c.path.slice(0, 200)} [${c.contentType}]: ${why}\n  answer: ${a.text.slice(0, 400)}\n  body: ${c.body.slice(0, 400)}`);
        }
      };
      await Promise.all(Array.from({ length: concurrency }, worker));
      if (failures.length) {
        if (process.env.BERTH_FUZZ_REPORT) writeFileSync(process.env.BERTH_FUZZ_REPORT, `${failures.join('\n')}\n${serverErrors.join('\n')}\n`);
        process.stderr.write(`fuzz: ${failures.length} failures; status tally ${JSON.stringify([...tally])}\n${failures.slice(0, 15).join('\n')}\n${serverErrors.slice(0, 5).join('\n')}\n`);
      }
      expect(failures).toEqual([]);
      if (indexes.length >= 1000) {
        // The server saw errors of both families and real writes, not just one kind of rejection.
        expect([...tally.keys()].filter((s) => s >= 200 && s < 300).length).toBeGreaterThan(0);
        expect(tally.get(400) ?? 0).toBeGreaterThan(0);
        expect(tally.get(422) ?? 0).toBeGreaterThan(0);
      }
      const health = await http.send('GET', '/healthz');
      expect(health).toMatchObject({ status: 200, text: 'ok' });
      expect((await http.send('GET', `/api/v1/namespaces/${ns}/pods?limit=1`)).status).toBe(200);
      expect(serverErrors).toEqual([]);
    } finally {
      http.close();
    }
  });
});
