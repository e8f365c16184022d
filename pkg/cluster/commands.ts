// Flag declarations of the `berth` binary. Each subcommand only parses flags and calls the
// component's run function from its package; the actions live in those packages.
import { Command } from 'commander';
import { createLogger, type Logger } from '../log';
import { parseDuration } from '../cli/duration';
import { defaultHome, paths, portsWithOffset, readConfig, type ClusterConfig } from './config';
import { ipRange } from '../apiserver/allocators/ranges';

// Every component process runs this same binary, so each subcommand loads only its own
// package (dynamic imports): a scheduler does not carry the apiserver's or runtime's code.

type Run = (signal: AbortSignal) => Promise<void>;

const int = (v: string) => Number.parseInt(v, 10);
const list = (v: string) => v.split(',').filter(Boolean);
const bool = (v: string) => {
  if (v !== 'true' && v !== 'false') throw new Error(`want true or false, got "${v}"`);
  return v === 'true';
};
/** `docker.io=http://127.0.0.1:5000` pairs → { 'docker.io': ['http://127.0.0.1:5000'] }. */
const mirrors = (pairs: string[]): Record<string, string[]> => {
  const out: Record<string, string[]> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new Error(`--registry-mirror wants domain=url, got "${pair}"`);
    (out[pair.slice(0, at)] ??= []).push(pair.slice(at + 1));
  }
  return out;
};

/** Builds the command tree; the chosen subcommand stores its action in `chosen`. */
export const berthCommand = (chosen: { run?: Run }): Command => {
  const program = new Command('berth').description('Berth: a Kubernetes-style container orchestrator')
    .option('--v <level>', 'log verbosity', '0').enablePositionalOptions().passThroughOptions();
  const logger = (component: string): Logger => createLogger(component, { verbosity: int(program.opts().v ?? '0') });
  const sub = (name: string, description: string) => program.command(name).description(description).option('--v <level>', 'log verbosity');

  sub('up', 'start a one-node cluster in the background and wait until the node is Ready')
    .option('--home <dir>', 'state directory', defaultHome())
    .option('--port-offset <n>', 'shift every port by n (a second cluster on this machine)', int)
    .option('--node-name <name>').option('--bridge <name>').option('--pod-cidr <cidr>').option('--cgroup-parent <name>')
    .option('--service-cidr <cidr>', 'the Service cluster IP range (default 10.96.0.0/16)')
    .option('--image <archive...>', 'OCI image archives to import', [])
    .option('--timeout <seconds>', 'how long to wait for the node', int, 120)
    .action((o) => {
      const overrides: Partial<ClusterConfig> = {};
      if (o.portOffset !== undefined) overrides.ports = portsWithOffset(o.portOffset);
      if (o.nodeName) overrides.nodeName = o.nodeName;
      if (o.bridge) overrides.bridge = o.bridge;
      if (o.podCidr) overrides.podCidr = o.podCidr;
      if (o.cgroupParent) overrides.cgroupParent = o.cgroupParent;
      if (o.serviceCidr) overrides.serviceCidr = ipRange(o.serviceCidr) && o.serviceCidr; // throws on a bad range
      chosen.run = async () => {
        const started = Date.now();
        const progress = (line: string) => process.stderr.write(`berth up: ${line}\n`);
        const { up } = await import('./up');
        const cfg = await up({ home: o.home, overrides, images: o.image, timeoutMs: o.timeout * 1000, progress, log: logger('up') });
        process.stdout.write(`Berth is running (node ${cfg.nodeName} Ready in ${((Date.now() - started) / 1000).toFixed(1)}s).\n` +
          `  export KUBECONFIG=${paths(cfg.home).kubeconfig}\n`);
      };
    });

  sub('down', 'stop the cluster and remove its pods')
    .option('--home <dir>', 'state directory', defaultHome()).option('--purge', 'also delete the state directory', false)
    .action((o) => { chosen.run = async () => (await import('./down')).down(o.home, o.purge, logger('down')); });

  sub('server', 'run every component of a one-node cluster as supervised children (started by up)')
    .option('--home <dir>', 'state directory', defaultHome())
    .action((o) => {
      chosen.run = async (signal) => {
        const cfg = readConfig(o.home);
        if (!cfg) throw new Error(`no cluster config in ${o.home}; run "berth up" first`);
        const [{ componentSpecs }, { runSupervisor }] = await Promise.all([import('./components'), import('./supervisor')]);
        return runSupervisor({ specs: componentSpecs(cfg), logDir: paths(cfg.home).logs, log: logger('server') }, signal);
      };
    });

  sub('apiserver', 'serve the Kubernetes API over HTTPS, backed by etcd')
    .requiredOption('--etcd-servers <urls>', 'comma-separated etcd client URLs', list)
    .option('--bind <addr>', 'address to listen on', '127.0.0.1').option('--port <n>', 'HTTPS port', int, 6443)
    .option('--advertise-address <ip>', 'the address pods reach the API at (the kubernetes Service\'s endpoints); default --bind unless loopback or any')
    .requiredOption('--pki-dir <dir>', 'cluster CA and certificates')
    .option('--event-ttl <duration>', 'how long Events are kept (Go duration)', '1h0m0s')
    .option('--service-cluster-ip-range <cidr>', 'the IPv4 range Service cluster IPs come from', '10.96.0.0/16')
    .option('--service-node-port-range <from-to>', 'the ports NodePort Services get', '30000-32767')
    .action((o) => {
      const eventTTLSeconds = Math.ceil(parseDuration(o.eventTtl, 'event-ttl') / 1000);
      const serviceRanges = { serviceClusterIPRange: o.serviceClusterIpRange, serviceNodePortRange: o.serviceNodePortRange };
      chosen.run = async (signal) => (await import('../apiserver')).runApiserver(
        { etcdServers: o.etcdServers, bind: o.bind, advertiseAddress: o.advertiseAddress, port: o.port, pkiDir: o.pkiDir, eventTTLSeconds, serviceRanges }, logger('apiserver'), signal);
    });

  sub('runtime', 'serve the CRI-like runtime over gRPC on a unix socket')
    .requiredOption('--root <dir>').requiredOption('--socket <path>').option('--health-port <n>', '', int, 10249)
    .option('--cgroup-parent <name>', '', 'berth').option('--bridge <name>', '', 'berth0')
    .option('--pod-cidr <cidr>', '', '10.244.0.0/24').option('--network-name <name>', '', 'berth')
    .option('--pod-pids-limit <n>', 'pids.max of every pod cgroup (0 = unlimited)', int, 4096)
    .option('--executor <name>', 'what starts containers without a runtime handler: native, runc or crun', 'native')
    .option('--streaming-address <ip>', 'exec/attach/port-forward streaming server address', '127.0.0.1')
    .option('--streaming-port <n>', 'streaming server port (0 = any free port)', int, 0)
    .option('--registry-mirror <domain=url...>', 'a registry mirror asked first, e.g. docker.io=http://127.0.0.1:5000', [])
    .option('--insecure-registry <host...>', 'a registry reached over plain http', [])
    .option('--pull-from-origin', 'allow pulls from non-loopback origin registries (off: mirrors and loopback only)', false)
    .option('--image-gc-high-threshold <percent>', 'image filesystem usage that starts image GC', int, 85)
    .option('--image-gc-low-threshold <percent>', 'usage image GC frees down to', int, 80)
    .action((o) => {
      chosen.run = async (signal) => (await import('../runtime')).runRuntime({
        root: o.root, socket: o.socket, healthPort: o.healthPort, cgroupParent: o.cgroupParent,
        bridge: o.bridge, podCidr: o.podCidr, networkName: o.networkName, podPidsLimit: o.podPidsLimit,
        executor: o.executor, streamingAddress: o.streamingAddress, streamingPort: o.streamingPort,
        registry: { registryMirrors: mirrors(o.registryMirror), insecureRegistries: o.insecureRegistry, pullFromOrigin: o.pullFromOrigin },
        imageGC: { highThresholdPercent: o.imageGcHighThreshold, lowThresholdPercent: o.imageGcLowThreshold },
      }, logger('runtime'), signal);
    });

  sub('import', 'import an OCI image archive into the runtime image store')
    .option('--home <dir>', 'state directory', defaultHome()).argument('<archive>')
    .action((archive: string, o) => {
      chosen.run = async () => { await (await import('../runtime')).importImage(paths(o.home).runtime, archive, logger('import')); };
    });

  sub('agent', 'run the node agent')
    .requiredOption('--kubeconfig <path>').option('--node-name <name>').option('--node-ip <ip>', '', '127.0.0.1')
    .requiredOption('--runtime-socket <path>').option('--port <n>', '', int, 10250).option('--health-port <n>', '', int, 10248)
    .requiredOption('--pki-dir <dir>').requiredOption('--pod-log-dir <dir>')
    .option('--root-dir <dir>', 'pod directories (volumes, /etc/hosts); default $BERTH_HOME/agent')
    .option('--cluster-dns <ips>', 'comma-separated nameservers for ClusterFirst pods (none: the host resolver)', list)
    .option('--cluster-domain <domain>', 'the cluster DNS domain', 'cluster.local')
    .option('--resolv-conf <file>', 'the resolver configuration dnsPolicy Default pods get', '/etc/resolv.conf')
    .option('--container-log-max-size <quantity>', 'rotate a container log past this size', '10Mi')
    .option('--container-log-max-files <n>', 'log files kept per container', int, 5)
    .action((o) => {
      chosen.run = async (signal) => {
        const [{ runAgent }, { parseQuantity }] = await Promise.all([import('../agent'), import('../apimachinery')]);
        return runAgent({
          kubeconfig: o.kubeconfig, nodeName: o.nodeName, nodeIP: o.nodeIp, runtimeSocket: o.runtimeSocket,
          port: o.port, healthPort: o.healthPort, pkiDir: o.pkiDir, podLogDir: o.podLogDir, rootDir: o.rootDir,
          clusterDNS: o.clusterDns, clusterDomain: o.clusterDomain, resolvConf: o.resolvConf,
          containerLogMaxSize: parseQuantity(o.containerLogMaxSize), containerLogMaxFiles: o.containerLogMaxFiles,
        }, logger('agent'), signal);
      };
    });

  sub('scheduler', 'assign pending pods to nodes')
    .requiredOption('--kubeconfig <path>').option('--health-port <n>', '', int, 10259)
    .option('--leader-elect <bool>', 'take the kube-system/kube-scheduler Lease before scheduling', bool, true)
    .action((o) => {
      chosen.run = async (signal) => (await import('../scheduler')).runScheduler(
        { kubeconfig: o.kubeconfig, healthPort: o.healthPort, leaderElection: { enabled: o.leaderElect } }, logger('scheduler'), signal);
    });

  sub('proxy', 'program iptables so that Service cluster IPs and node ports reach their endpoints')
    .option('--kubeconfig <path>').option('--health-port <n>', '', int, 10256).option('--bridge <name>', 'the pod bridge (names the chains)', 'berth0')
    .option('--cluster-cidr <cidr>', 'the pod CIDR; service traffic from outside it is masqueraded')
    .option('--service-cluster-ip-range <cidr>', 'the service CIDR, routed to a local discard interface', '10.96.0.0/16')
    .option('--cleanup', 'remove the rules and routes of this proxy, then exit', false)
    .action((o) => {
      chosen.run = async (signal) => {
        const proxy = await import('../proxy');
        if (o.cleanup) return proxy.cleanupProxy(o.bridge, logger('proxy'), o.serviceClusterIpRange);
        if (!o.kubeconfig) throw new Error('--kubeconfig is required');
        return proxy.runProxy({
          kubeconfig: o.kubeconfig, healthPort: o.healthPort, bridge: o.bridge, clusterCIDR: o.clusterCidr, serviceCIDR: o.serviceClusterIpRange,
        }, logger('proxy'), signal);
      };
    });

  sub('controller-manager', 'run the controllers')
    .requiredOption('--kubeconfig <path>').option('--health-port <n>', '', int, 10257)
    .option('--leader-elect <bool>', 'take the kube-system/kube-controller-manager Lease before running controllers', bool, true)
    .option('--cluster-signing-cert-file <path>', 'the CA certificate that signs approved CertificateSigningRequests')
    .option('--cluster-signing-key-file <path>', 'its private key (PKCS#8 PEM)')
    .action((o) => {
      if (Boolean(o.clusterSigningCertFile) !== Boolean(o.clusterSigningKeyFile)) throw new Error('--cluster-signing-cert-file and --cluster-signing-key-file go together');
      const clusterSigning = o.clusterSigningCertFile ? { certFile: o.clusterSigningCertFile, keyFile: o.clusterSigningKeyFile } : undefined;
      chosen.run = async (signal) => (await import('../controller')).runControllerManager(
        { kubeconfig: o.kubeconfig, healthPort: o.healthPort, leaderElection: { enabled: o.leaderElect }, clusterSigning }, logger('controller-manager'), signal);
    });
  return program;
};
