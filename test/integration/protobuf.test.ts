// `kubectl create <generator>` (1.32+) sends protobuf bodies with no JSON fallback. Each object
// it creates must be stored exactly as the same generator's JSON manifest would be when applied
// (`kubectl create … --dry-run=client -o yaml | kubectl apply -f -`).
import path from 'node:path';
import { existsSync, writeFileSync } from 'node:fs';
import { pkiPaths } from '../../pkg/apiserver';
import { startTestCluster, requester, type TestCluster } from './apiserver-helpers';
import { comparable, kubectlRunner, type Kubectl, type Run } from './protobuf-kubectl';

jest.setTimeout(120_000);

// 1.32 is the first kubectl that sends these bodies; plain `kubectl` (the gcloud dispatcher) picks
// the release matching the server (1.33).
const kubectl132 = existsSync('/usr/lib/google-cloud-sdk/bin/kubectl.1.32') ? '/usr/lib/google-cloud-sdk/bin/kubectl.1.32' : 'kubectl';

type Json = Record<string, unknown>;

interface Case {
  what: string;
  /** kubectl args after `create`; NAME is replaced by the object's name, files are in the test dir. */
  args: string[];
  resource: string;
  clusterScoped?: boolean;
  check?: (obj: Json) => void;
}

const blob = Buffer.from([0, 1, 2, 0xff, 0xfe, 10]);

const cases = (dir: string): Case[] => {
  const p = pkiPaths(path.join(dir, 'pki'));
  const binary = path.join(dir, 'blob.bin');
  return [
    { what: 'namespace', args: ['namespace', 'NAME'], resource: 'namespace', clusterScoped: true },
    {
      what: 'deployment', args: ['deployment', 'NAME', '--image=busybox:1.36', '--replicas=2', '--port=8080', '--', 'sleep', '3600'], resource: 'deployment',
      check: (o) => expect(o).toMatchObject({ spec: { replicas: 2, selector: { matchLabels: { app: 'obj1' } },
        template: { spec: { containers: [{ name: 'busybox', image: 'busybox:1.36', command: ['sleep', '3600'], ports: [{ containerPort: 8080 }] }] } } } }),
    },
    { what: 'deployment with 0 replicas', args: ['deployment', 'NAME', '--image=busybox', '--replicas=0'], resource: 'deployment', check: (o) => expect(o).toMatchObject({ spec: { replicas: 0 } }) },
    {
      what: 'configmap', args: ['configmap', 'NAME', '--from-literal=a=1', '--from-literal=empty=', `--from-file=blob=${binary}`], resource: 'configmap',
      check: (o) => expect(o).toMatchObject({ data: { a: '1', empty: '' }, binaryData: { blob: blob.toString('base64') } }),
    },
    {
      what: 'secret generic', args: ['secret', 'generic', 'NAME', '--from-literal=user=admin', '--from-literal=pw=s3cr3t'], resource: 'secret',
      check: (o) => expect(o).toMatchObject({ type: 'Opaque', data: { user: Buffer.from('admin').toString('base64') } }),
    },
    {
      what: 'secret tls', args: ['secret', 'tls', 'NAME', `--cert=${p.adminCert}`, `--key=${p.adminKey}`], resource: 'secret',
      check: (o) => expect(o).toMatchObject({ type: 'kubernetes.io/tls' }),
    },
    {
      what: 'secret docker-registry', args: ['secret', 'docker-registry', 'NAME', '--docker-server=r.example', '--docker-username=u', '--docker-password=p'],
      resource: 'secret', check: (o) => expect(o).toMatchObject({ type: 'kubernetes.io/dockerconfigjson' }),
    },
    { what: 'serviceaccount', args: ['serviceaccount', 'NAME'], resource: 'serviceaccount' },
    {
      what: 'job', args: ['job', 'NAME', '--image=busybox', '--', 'echo', 'hi'], resource: 'job',
      check: (o) => expect(o).toMatchObject({ spec: { template: { spec: { restartPolicy: 'Never', containers: [{ command: ['echo', 'hi'] }] } } } }),
    },
    {
      what: 'cronjob', args: ['cronjob', 'NAME', '--image=busybox', '--schedule=*/5 * * * *', '--restart=OnFailure', '--', 'date'], resource: 'cronjob',
      check: (o) => expect(o).toMatchObject({ spec: { schedule: '*/5 * * * *', jobTemplate: { spec: { template: { spec: { restartPolicy: 'OnFailure' } } } } } }),
    },
    {
      what: 'quota', args: ['quota', 'NAME', '--hard=cpu=1,memory=1Gi,pods=10', '--scopes=NotTerminating'], resource: 'resourcequota',
      check: (o) => expect(o).toMatchObject({ spec: { hard: { cpu: '1', memory: '1Gi', pods: '10' }, scopes: ['NotTerminating'] } }),
    },
    {
      what: 'priorityclass', args: ['priorityclass', 'NAME', '--value=1000', '--description=important', '--preemption-policy=Never'], resource: 'priorityclass',
      clusterScoped: true, check: (o) => expect(o).toMatchObject({ value: 1000, description: 'important', preemptionPolicy: 'Never' }),
    },
    { what: 'priorityclass of value 0', args: ['priorityclass', 'NAME', '--value=0'], resource: 'priorityclass', clusterScoped: true, check: (o) => expect(o).toMatchObject({ value: 0 }) },
    {
      what: 'poddisruptionbudget (percent)', args: ['poddisruptionbudget', 'NAME', '--selector=app=web', '--min-available=50%'], resource: 'poddisruptionbudget',
      check: (o) => expect(o).toMatchObject({ spec: { minAvailable: '50%', selector: { matchLabels: { app: 'web' } } } }),
    },
    {
      what: 'poddisruptionbudget (int)', args: ['poddisruptionbudget', 'NAME', '--selector=app=web', '--max-unavailable=1'], resource: 'poddisruptionbudget',
      check: (o) => expect(o).toMatchObject({ spec: { maxUnavailable: 1 } }),
    },
    {
      what: 'service clusterip', args: ['service', 'clusterip', 'NAME', '--tcp=80:8080', '--tcp=443:https'], resource: 'service',
      check: (o) => expect(o).toMatchObject({ spec: { type: 'ClusterIP', ports: [{ port: 80, targetPort: 8080, name: '80-8080' }, { port: 443, targetPort: 'https' }] } }),
    },
    {
      what: 'service nodeport', args: ['service', 'nodeport', 'NAME', '--tcp=5678:8080'], resource: 'service',
      check: (o) => expect(o).toMatchObject({ spec: { type: 'NodePort', ports: [{ port: 5678, targetPort: 8080 }] } }),
    },
    {
      what: 'service externalname', args: ['service', 'externalname', 'NAME', '--external-name=db.example.com'], resource: 'service',
      check: (o) => expect(o).toMatchObject({ spec: { type: 'ExternalName', externalName: 'db.example.com' } }),
    },
    {
      what: 'ingress', args: ['ingress', 'NAME', '--class=default', '--rule=foo.com/bar*=svc1:8080,tls=my-cert', '--rule=/=svc2:http', '--default-backend=svc3:80'],
      resource: 'ingress',
      check: (o) => expect(o).toMatchObject({ spec: { ingressClassName: 'default', defaultBackend: { service: { name: 'svc3', port: { number: 80 } } },
        tls: [{ hosts: ['foo.com'], secretName: 'my-cert' }],
        rules: [{ host: 'foo.com', http: { paths: [{ path: '/bar', pathType: 'Prefix', backend: { service: { name: 'svc1', port: { number: 8080 } } } }] } },
          { http: { paths: [{ path: '/', pathType: 'Exact', backend: { service: { name: 'svc2', port: { name: 'http' } } } }] } }] } }),
    },
    { what: 'headless service', args: ['service', 'clusterip', 'NAME', '--clusterip=None'], resource: 'service', check: (o) => expect(o).toMatchObject({ spec: { clusterIP: 'None' } }) },
  ];
};

describe('kubectl create <generator> with protobuf bodies', () => {
  let c: TestCluster;
  let kubectl: Kubectl;
  beforeAll(async () => {
    c = await startTestCluster();
    writeFileSync(path.join(c.dir, 'blob.bin'), blob);
    kubectl = kubectlRunner(c, kubectl132);
    for (const ns of ['pb', 'js']) expect((await kubectl(['create', 'namespace', ns])).code).toBe(0);
  });
  afterAll(async () => { await c?.stop(); });

  const get = async (resource: string, name: string, ns: string): Promise<Json> => {
    const r = await kubectl(['get', resource, name, '-n', ns, '-o', 'json']);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    return JSON.parse(r.stdout) as Json;
  };

  interface Outcome { created: Run; manifest: Run; applied: Run; pb?: Json; js?: Json; pbName: string; jsName: string }

  const runCase = async (k: Case, i: number): Promise<Outcome> => {
    const base = `obj${i}`;
    const pbName = k.clusterScoped ? `pb-${base}` : base;
    const jsName = k.clusterScoped ? `js-${base}` : base;
    // Flags go before `--`: what follows is the container's command.
    const argsFor = (name: string, ns: string, ...flags: string[]) => {
      const args = k.args.map((a) => (a === 'NAME' ? name : a));
      const dash = args.includes('--') ? args.indexOf('--') : args.length;
      return ['create', ...args.slice(0, dash), ...(k.clusterScoped ? [] : ['-n', ns]), ...flags, ...args.slice(dash)];
    };
    const created = await kubectl(argsFor(pbName, 'pb'));
    const manifest = await kubectl(argsFor(jsName, 'js', '--dry-run=client', '-o', 'yaml'));
    const applied = await kubectl(['apply', '-f', '-', ...(k.clusterScoped ? [] : ['-n', 'js'])], manifest.stdout);
    if (created.code !== 0 || applied.code !== 0) return { created, manifest, applied, pbName, jsName };
    return { created, manifest, applied, pbName, jsName, pb: await get(k.resource, pbName, 'pb'), js: await get(k.resource, jsName, 'js') };
  };

  // The generators run four at a time (each case is five kubectl runs); the tests below check them.
  const outcomes = new Map<number, Outcome>();
  beforeAll(async () => {
    const all = cases(c.dir);
    let next = 0;
    const worker = async (): Promise<void> => {
      for (let i = next++; i < all.length; i = next++) outcomes.set(i, await runCase(all[i], i));
    };
    await Promise.all([worker(), worker(), worker(), worker()]);
  });

  it.each(cases('').map((k, i) => [k.what, i]))('%s', (_what, i) => {
    const k = cases(c.dir)[i as number];
    const o = outcomes.get(i as number) as Outcome;
    expect(o.created).toMatchObject({ code: 0, stderr: '' });
    expect(o.manifest.code).toBe(0);
    expect(o.applied).toMatchObject({ code: 0 });
    expect(comparable(o.pb as Json, o.pbName)).toEqual(comparable(o.js as Json, o.jsName));
    k.check?.(o.pb as Json);
  });

  // kubectl 1.32 sends an autoscaling/v1 HorizontalPodAutoscaler, and that version is not served yet.
  it.each([['1.33', '/usr/lib/google-cloud-sdk/bin/kubectl.1.33']])('autoscales a deployment with kubectl %s (a HorizontalPodAutoscaler in protobuf)', async (_v, binary) => {
    const k = existsSync(binary) ? kubectlRunner(c, binary) : kubectl;
    const name = `scaled-${_v.replace('.', '')}`;
    for (const ns of ['pb', 'js']) expect((await k(['create', 'deployment', name, '--image=busybox', '-n', ns])).code).toBe(0);
    const args = ['autoscale', 'deployment', name, '--min=2', '--max=5', '--cpu-percent=80'];
    expect(await k([...args, '-n', 'pb'])).toMatchObject({ code: 0, stderr: '' });
    const manifest = await k([...args, '-n', 'js', '--dry-run=client', '-o', 'yaml']);
    expect(await k(['apply', '-f', '-', '-n', 'js'], manifest.stdout)).toMatchObject({ code: 0 });
    const pb = JSON.parse((await k(['get', 'hpa', name, '-n', 'pb', '-o', 'json'])).stdout) as Json;
    const js = JSON.parse((await k(['get', 'hpa', name, '-n', 'js', '-o', 'json'])).stdout) as Json;
    expect(comparable(pb, name)).toEqual(comparable(js, name));
    expect(pb).toMatchObject({ spec: { minReplicas: 2, maxReplicas: 5, scaleTargetRef: { kind: 'Deployment', name } } });
  });

  it('creates a job from a cronjob (a protobuf GET answered in JSON, then a protobuf POST)', async () => {
    expect((await kubectl(['create', 'cronjob', 'nightly', '--image=busybox', '--schedule=0 0 * * *', '-n', 'pb'])).code).toBe(0);
    const r = await kubectl(['create', 'job', 'manual', '--from=cronjob/nightly', '-n', 'pb']);
    expect(r).toMatchObject({ code: 0, stdout: 'job.batch/manual created\n' });
    const job = await get('job', 'manual', 'pb');
    expect(job).toMatchObject({ metadata: { annotations: { 'cronjob.kubernetes.io/instantiate': 'manual' }, ownerReferences: [{ kind: 'CronJob', name: 'nightly', controller: true }] } });
  });

  it('creates a token (a TokenRequest in protobuf; serviceaccount-token.test.ts covers the rest)', async () => {
    expect((await kubectl(['create', 'serviceaccount', 'bot', '-n', 'pb'])).code).toBe(0);
    const r = await kubectl(['create', 'token', 'bot', '-n', 'pb', '--duration=15m']);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout.trim().split('.')).toHaveLength(3);
  });

  it('answers the protobuf Accept of typed clients with JSON, which kubectl reads', async () => {
    const req = requester(c);
    const r = await req('GET', '/api/v1/namespaces/pb', { accept: 'application/vnd.kubernetes.protobuf,application/json' });
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toMatch(/^application\/json/);
    expect((await kubectl(['describe', 'namespace', 'pb'])).code).toBe(0);
  });

  it('drains a node: the typed client\'s DELETE carries a protobuf DeleteOptions body', async () => {
    const req = requester(c);
    expect((await req('POST', '/api/v1/nodes', { body: { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' } } })).status).toBe(201);
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p1' }, spec: { nodeName: 'n1', containers: [{ name: 'c', image: 'busybox' }] } };
    expect((await req('POST', '/api/v1/namespaces/pb/pods', { body: pod })).status).toBe(201);
    const r = await kubectl(['drain', 'n1', '--force', '--grace-period=0', '--timeout=30s']);
    expect(r).toMatchObject({ code: 0, stdout: expect.stringContaining('node/n1 drained') });
    expect((await req('GET', '/api/v1/namespaces/pb/pods/p1')).status).toBe(404);
  });

  it('honours dryRun=All on a protobuf create', async () => {
    expect(await kubectl(['create', 'configmap', 'dry', '--from-literal=a=b', '-n', 'pb', '--dry-run=server'])).toMatchObject({ code: 0 });
    expect((await kubectl(['get', 'configmap', 'dry', '-n', 'pb'])).code).toBe(1);
  });
});
