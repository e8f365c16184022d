// Controllers for the deletion suites, in-process against the test cluster's apiserver: the
// whole controller-manager (ReplicaSet, garbage collector, namespace), or only the namespace
// controller for suites that must not have pods created behind their back.
import { findResource, type ResourceInfo } from '../../api/resources';
import { createClient, createInformer, loadKubeconfig } from '../../pkg/client';
import { clientNamespaceAccess, newNamespaceController, runControllerManager, type ControllerManagerOptions } from '../../pkg/controller';
import { createLogger, silentLogger, type Logger } from '../../pkg/log';

export interface RunningControllers { stop(): Promise<void> }

const testLog = (name: string): Logger => (process.env.BERTH_TEST_LOG ? createLogger(name) : silentLogger());

export const startControllerManager = (kubeconfig: string, extra: Partial<ControllerManagerOptions> = {}): RunningControllers => {
  const ac = new AbortController();
  const run = runControllerManager({ kubeconfig, healthPort: 0, workers: 2, ...extra }, testLog('controller-manager'), ac.signal);
  return { stop: async () => { ac.abort(); await run; } };
};

export const startNamespaceController = (kubeconfig: string): RunningControllers => {
  const client = createClient({ ...loadKubeconfig({ path: kubeconfig }), userAgent: 'namespace-controller-test' });
  const log = testLog('namespace-controller');
  const informer = createInformer(client.resource(findResource('', 'v1', 'namespaces') as ResourceInfo), { log });
  const controller = newNamespaceController({ namespaces: informer, access: clientNamespaceAccess(client), log });
  const ac = new AbortController();
  const run = Promise.all([informer.run(ac.signal), controller.run(ac.signal)]);
  return { stop: async () => { ac.abort(); await run; } };
};
