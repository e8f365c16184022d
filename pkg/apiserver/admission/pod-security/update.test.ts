import type { ApiObject } from '../../../../api/meta/v1';
import { existingPodWarnings, isSignificantPodUpdate } from './update';

const pod = (name: string, image = 'busybox', extra: Record<string, unknown> = {}, annotations?: Record<string, string>): ApiObject =>
  ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, ...(annotations ? { annotations } : {}) }, spec: { containers: [{ name: 'c', image }], ...extra } } as ApiObject);

describe('Pod Security on updates', () => {
  test('only images, containers and seccomp annotations are significant', () => {
    expect(isSignificantPodUpdate(pod('p'), pod('p'))).toBe(false);
    expect(isSignificantPodUpdate({ ...pod('p'), metadata: { name: 'p', labels: { a: 'b' } } }, pod('p'))).toBe(false);
    expect(isSignificantPodUpdate(pod('p', 'nginx'), pod('p'))).toBe(true);
    expect(isSignificantPodUpdate(pod('p', 'busybox', {}, { 'seccomp.security.alpha.kubernetes.io/pod': 'unconfined' }), pod('p'))).toBe(true);
    expect(isSignificantPodUpdate(pod('p', 'busybox', { ephemeralContainers: [{ name: 'dbg', image: 'busybox' }] }), pod('p'))).toBe(true);
  });

  test('existing pods are grouped by their reasons, naming the first and counting the rest', () => {
    const hostNet = (name: string) => pod(name, 'busybox', { hostNetwork: true });
    const warnings = existingPodWarnings('ns', { level: 'baseline', version: 'latest' }, [hostNet('web-b'), pod('ok'), hostNet('web-a'),
      pod('priv', 'busybox', { containers: [{ name: 'c', image: 'busybox', securityContext: { privileged: true } }] })]);
    expect(warnings).toEqual([
      'existing pods in namespace "ns" violate the new PodSecurity enforce level "baseline:latest"',
      'priv: privileged', 'web-a (and 1 other pod): host namespaces',
    ]);
    expect(existingPodWarnings('ns', { level: 'baseline', version: 'latest' }, [pod('ok')])).toEqual([]);
  });
});
