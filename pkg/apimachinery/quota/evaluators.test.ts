import type { Pod, ResourceQuota, ScopedResourceSelectorRequirement } from '../../../api/core/v1';
import type { ApiObject } from '../../../api/meta/v1';
import { evaluatorFor, evaluatorsForNames, objectCountName, parseObjectCountName } from './evaluators';
import { podConstraints, quotaV1Pod } from './pods';
import { quotaMatches } from './evaluator';
import { toApi } from './resources';

const now = new Date('2024-01-01T00:00:00Z');
type Res = { requests?: Record<string, string>; limits?: Record<string, string> };
const container = (name: string, resources: Res = {}, restartPolicy?: string) => ({ name, image: 'i', resources, ...(restartPolicy ? { restartPolicy } : {}) });
const pod = (spec: Partial<NonNullable<Pod['spec']>> = {}, extra: Partial<Pod> = {}): ApiObject =>
  ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'ns' }, spec: { containers: [container('c')], ...spec }, ...extra }) as unknown as ApiObject;
const usageOf = (group: string, resource: string, obj: ApiObject) => toApi(evaluatorFor(group, resource).usage(obj, now));

describe('pod usage', () => {
  test.each([
    { name: 'no resources: counts only', spec: {}, want: { 'count/pods': '1', pods: '1' } },
    {
      name: 'sums containers and names requests both ways',
      spec: { containers: [container('a', { requests: { cpu: '250m', memory: '64Mi' }, limits: { cpu: '500m', memory: '128Mi' } }), container('b', { requests: { cpu: '750m', memory: '64Mi' }, limits: { cpu: '1', memory: '128Mi' } })] },
      want: { 'count/pods': '1', pods: '1', cpu: '1', 'requests.cpu': '1', memory: '128Mi', 'requests.memory': '128Mi', 'limits.cpu': '1500m', 'limits.memory': '256Mi' },
    },
    {
      name: 'an init container larger than the sum wins',
      spec: { containers: [container('a', { requests: { cpu: '100m' } })], initContainers: [container('i', { requests: { cpu: '2' }, limits: { 'ephemeral-storage': '1Gi' } })] },
      want: { 'count/pods': '1', pods: '1', cpu: '2', 'requests.cpu': '2', 'limits.ephemeral-storage': '1Gi' },
    },
    {
      name: 'sidecars add to the sum and to later init containers',
      spec: {
        containers: [container('a', { requests: { cpu: '100m' } })],
        initContainers: [container('side', { requests: { cpu: '200m' } }, 'Always'), container('i', { requests: { cpu: '250m' } })],
      },
      want: { 'count/pods': '1', pods: '1', cpu: '450m', 'requests.cpu': '450m' },
    },
    {
      name: 'overhead adds to requests, and to limits already set',
      spec: { containers: [container('a', { requests: { cpu: '100m', memory: '10Mi' }, limits: { cpu: '200m' } })], overhead: { cpu: '50m', memory: '1Mi' } },
      want: { 'count/pods': '1', pods: '1', cpu: '150m', 'requests.cpu': '150m', memory: '11Mi', 'requests.memory': '11Mi', 'limits.cpu': '250m' },
    },
    {
      name: 'hugepages and extended resources',
      spec: { containers: [container('a', { requests: { 'hugepages-2Mi': '4Mi', 'example.com/gpu': '1' } })] },
      want: { 'count/pods': '1', pods: '1', 'hugepages-2Mi': '4Mi', 'requests.hugepages-2Mi': '4Mi', 'requests.example.com/gpu': '1' },
    },
  ])('$name', ({ spec, want }) => {
    expect(usageOf('', 'pods', pod(spec as Partial<NonNullable<Pod['spec']>>))).toEqual(want);
  });

  test.each([
    { name: 'Succeeded', extra: { status: { phase: 'Succeeded' } }, counts: false },
    { name: 'Failed', extra: { status: { phase: 'Failed' } }, counts: false },
    { name: 'Running', extra: { status: { phase: 'Running' } }, counts: true },
    { name: 'deleted within its grace period', extra: { metadata: { name: 'p', deletionTimestamp: '2023-12-31T23:59:50Z', deletionGracePeriodSeconds: 30 } }, counts: true },
    { name: 'deleted past its grace period', extra: { metadata: { name: 'p', deletionTimestamp: '2023-12-31T23:59:00Z', deletionGracePeriodSeconds: 30 } }, counts: false },
  ])('a pod $name counts for compute quota: $counts; count/pods always', ({ extra, counts }) => {
    const p = pod({ containers: [container('a', { requests: { cpu: '1' } })] }, extra as Partial<Pod>);
    expect(quotaV1Pod(p as Pod, now)).toBe(counts);
    expect(usageOf('', 'pods', p)).toEqual(counts ? { 'count/pods': '1', pods: '1', cpu: '1', 'requests.cpu': '1' } : { 'count/pods': '1' });
  });

  it('names each container missing a resource a quota requires', () => {
    const p = pod({ containers: [container('a', { requests: { cpu: '1' } }), container('b')], initContainers: [container('i', { limits: { cpu: '1' } })] }) as Pod;
    expect(podConstraints(['requests.cpu', 'limits.cpu', 'requests.memory', 'pods', 'requests.storage'], p))
      .toBe('must specify limits.cpu for: a,b; requests.cpu for: b,i; requests.memory for: a,b,i');
    expect(podConstraints(['pods', 'requests.ephemeral-storage'], p)).toBeUndefined();
    // A limit alone satisfies only limits.*, as upstream.
    expect(podConstraints(['requests.cpu'], pod({ containers: [container('a', { limits: { cpu: '1' } })] }) as Pod)).toBe('must specify requests.cpu for: a');
  });
});

describe('pod scopes', () => {
  const exists = (scopeName: string): ScopedResourceSelectorRequirement => ({ scopeName, operator: 'Exists' });
  const bestEffort = pod();
  const burstable = pod({ containers: [container('a', { requests: { memory: '1Mi' } })] });
  const deadline = pod({ activeDeadlineSeconds: 0 });
  const high = pod({ priorityClassName: 'high' });
  const crossNs = pod({ affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'k', namespaces: ['other'] }] } } });
  test.each([
    { scope: exists('BestEffort'), pod: bestEffort, want: true },
    { scope: exists('BestEffort'), pod: burstable, want: false },
    { scope: exists('NotBestEffort'), pod: burstable, want: true },
    { scope: exists('Terminating'), pod: deadline, want: true },
    { scope: exists('Terminating'), pod: bestEffort, want: false },
    { scope: exists('NotTerminating'), pod: bestEffort, want: true },
    { scope: exists('PriorityClass'), pod: high, want: true },
    { scope: exists('PriorityClass'), pod: bestEffort, want: false },
    { scope: { scopeName: 'PriorityClass', operator: 'In', values: ['high', 'mid'] }, pod: high, want: true },
    { scope: { scopeName: 'PriorityClass', operator: 'In', values: ['low'] }, pod: high, want: false },
    { scope: { scopeName: 'PriorityClass', operator: 'NotIn', values: ['low'] }, pod: bestEffort, want: true },
    { scope: { scopeName: 'PriorityClass', operator: 'DoesNotExist' }, pod: bestEffort, want: true },
    { scope: exists('CrossNamespacePodAffinity'), pod: crossNs, want: true },
    { scope: exists('CrossNamespacePodAffinity'), pod: bestEffort, want: false },
  ])('$scope.scopeName $scope.operator $scope.values: $want', ({ scope, pod: p, want }) => {
    expect(evaluatorFor('', 'pods').matchesScope(scope, p)).toBe(want);
  });

  it('a quota matches when its status limits something of the kind and every scope selects the object', () => {
    const q = (hard: Record<string, string> | undefined, scopes?: string[]) => ({ metadata: { name: 'q' }, spec: { hard: hard ?? {}, scopes }, status: hard ? { hard } : {} }) as ResourceQuota;
    const pods = evaluatorFor('', 'pods');
    expect(quotaMatches(pods, q({ pods: '1' }), bestEffort)).toBe(true);
    expect(quotaMatches(pods, q(undefined), bestEffort)).toBe(false); // not synced yet
    expect(quotaMatches(pods, q({ services: '1' }), bestEffort)).toBe(false);
    expect(quotaMatches(pods, q({ pods: '1' }, ['NotBestEffort']), bestEffort)).toBe(false);
    expect(quotaMatches(pods, q({ pods: '1' }, ['BestEffort', 'NotTerminating']), bestEffort)).toBe(true);
    // Kinds without scopes never match a scoped quota.
    expect(quotaMatches(evaluatorFor('', 'configmaps'), q({ 'count/configmaps': '1' }, ['BestEffort']), { metadata: { name: 'c' } })).toBe(false);
  });
});

describe('services, claims and object counts', () => {
  const svc = (spec: Record<string, unknown>): ApiObject => ({ metadata: { name: 's' }, spec } as unknown as ApiObject);
  test.each([
    { spec: { type: 'ClusterIP', ports: [{ port: 80 }] }, want: { 'count/services': '1', services: '1', 'services.loadbalancers': '0', 'services.nodeports': '0' } },
    { spec: { type: 'NodePort', ports: [{ port: 80 }, { port: 443 }] }, want: { 'count/services': '1', services: '1', 'services.loadbalancers': '0', 'services.nodeports': '2' } },
    { spec: { type: 'LoadBalancer', ports: [{ port: 80 }] }, want: { 'count/services': '1', services: '1', 'services.loadbalancers': '1', 'services.nodeports': '1' } },
    {
      spec: { type: 'LoadBalancer', allocateLoadBalancerNodePorts: false, ports: [{ port: 80 }, { port: 81, nodePort: 30001 }] },
      want: { 'count/services': '1', services: '1', 'services.loadbalancers': '1', 'services.nodeports': '1' },
    },
  ])('service $spec.type', ({ spec, want }) => {
    expect(usageOf('', 'services', svc(spec))).toEqual(want);
  });

  it('charges a claim its rounded-up storage request, per storage class too', () => {
    const claim = (spec: Record<string, unknown>, status?: Record<string, unknown>, annotations?: Record<string, string>) =>
      ({ metadata: { name: 'c', annotations }, spec, status } as unknown as ApiObject);
    expect(usageOf('', 'persistentvolumeclaims', claim({ resources: { requests: { storage: '1Gi' } } })))
      .toEqual({ persistentvolumeclaims: '1', 'count/persistentvolumeclaims': '1', 'requests.storage': '1Gi' });
    expect(usageOf('', 'persistentvolumeclaims', claim({ storageClassName: 'gold', resources: { requests: { storage: '1500m' } } }, { allocatedResources: { storage: '1' } })))
      .toEqual({
        persistentvolumeclaims: '1', 'count/persistentvolumeclaims': '1', 'requests.storage': '2',
        'gold.storageclass.storage.k8s.io/persistentvolumeclaims': '1', 'gold.storageclass.storage.k8s.io/requests.storage': '2',
      });
    expect(usageOf('', 'persistentvolumeclaims', claim({ storageClassName: 'gold', resources: { requests: { storage: '1Gi' } } }, { allocatedResources: { storage: '2Gi' } }, { 'volume.beta.kubernetes.io/storage-class': 'beta' })))
      .toEqual({
        persistentvolumeclaims: '1', 'count/persistentvolumeclaims': '1', 'requests.storage': '2Gi',
        'beta.storageclass.storage.k8s.io/persistentvolumeclaims': '1', 'beta.storageclass.storage.k8s.io/requests.storage': '2Gi',
      });
    expect(evaluatorFor('', 'persistentvolumeclaims').matchingResources(['requests.storage', 'gold.storageclass.storage.k8s.io/requests.storage', 'pods']))
      .toEqual(['requests.storage', 'gold.storageclass.storage.k8s.io/requests.storage']);
  });

  test.each([
    { group: '', resource: 'configmaps', want: { 'count/configmaps': '1', configmaps: '1' } },
    { group: '', resource: 'secrets', want: { 'count/secrets': '1', secrets: '1' } },
    { group: '', resource: 'resourcequotas', want: { 'count/resourcequotas': '1', resourcequotas: '1' } },
    { group: '', resource: 'replicationcontrollers', want: { 'count/replicationcontrollers': '1', replicationcontrollers: '1' } },
    { group: '', resource: 'serviceaccounts', want: { 'count/serviceaccounts': '1' } },
    { group: 'apps', resource: 'deployments', want: { 'count/deployments.apps': '1' } },
    { group: 'batch', resource: 'jobs', want: { 'count/jobs.batch': '1' } },
  ])('counts $resource.$group', ({ group, resource, want }) => {
    expect(usageOf(group, resource, { metadata: { name: 'x' } })).toEqual(want);
    expect(evaluatorFor(group, resource).matchingResources([...Object.keys(want), 'pods', 'count/other'])).toEqual(Object.keys(want));
  });

  it('names and parses count/<resource>.<group>, and builds the registry a quota needs', () => {
    expect(objectCountName('apps', 'deployments')).toBe('count/deployments.apps');
    expect(parseObjectCountName('count/deployments.apps')).toEqual({ group: 'apps', resource: 'deployments' });
    expect(parseObjectCountName('count/widgets.example.com')).toEqual({ group: 'example.com', resource: 'widgets' });
    expect(parseObjectCountName('count/configmaps')).toEqual({ group: '', resource: 'configmaps' });
    expect(parseObjectCountName('pods')).toBeUndefined();
    expect(evaluatorsForNames(['pods', 'count/pods', 'secrets', 'count/secrets', 'count/jobs.batch']).map((e) => `${e.group}/${e.resource}`))
      .toEqual(['/pods', '/services', '/persistentvolumeclaims', '/secrets', 'batch/jobs']);
  });
});
