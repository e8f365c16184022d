// A recording in-memory RuntimeService for unit tests: it keeps sandboxes and containers in
// maps, logs every call in `calls`, and lets a test make containers exit or pulls fail.
import type { Clock } from './clock';
import type {
  Container, ContainerConfig, ContainerFilter, ContainerStatus, ImageInfo, PodSandbox, PodSandboxConfig,
  PodSandboxFilter, PodSandboxStatus, RuntimeCondition, RuntimeService, VersionInfo,
} from './runtime-client';

interface FakeContainer { status: ContainerStatus; podSandboxId: string }

const matches = (labels: Record<string, string>, selector?: Record<string, string>): boolean =>
  Object.entries(selector ?? {}).every(([k, v]) => labels[k] === v);

const notFound = (what: string): Error & { code: number } => Object.assign(new Error(`${what} not found`), { code: 5 });

export class FakeRuntime implements RuntimeService {
  calls: string[] = [];
  sandboxes = new Map<string, PodSandboxStatus>();
  containers = new Map<string, FakeContainer>();
  /** The last config each container was created with, by id (mounts, env…). */
  configs = new Map<string, ContainerConfig>();
  /** The last config each sandbox was created with, by id (DNS, ports, namespaces…). */
  sandboxConfigs = new Map<string, PodSandboxConfig>();
  images = new Set<string>();
  pullErrors = new Map<string, string>();
  startErrors = new Map<string, string>();
  down = false;
  private nextId = 1;

  constructor(private clock: Clock, private podIP = '10.88.0.5') {}

  private ns(): number { return this.clock.now() * 1e6; }
  private record(call: string): void { this.calls.push(call); }

  async version(): Promise<VersionInfo> {
    return { version: '0.1.0', runtimeName: 'berth', runtimeVersion: '0.1.0', runtimeApiVersion: 'v1' };
  }
  async status(): Promise<RuntimeCondition[]> {
    if (this.down) throw new Error('connect ECONNREFUSED');
    return [{ type: 'RuntimeReady', status: true, reason: '', message: '' }, { type: 'NetworkReady', status: true, reason: '', message: '' }];
  }
  async runPodSandbox(config: PodSandboxConfig): Promise<string> {
    const id = `sb${this.nextId++}`;
    this.record(`runPodSandbox ${config.metadata.name}`);
    this.sandboxConfigs.set(id, config);
    this.sandboxes.set(id, {
      id, metadata: config.metadata, state: 'SANDBOX_READY', createdAt: this.ns(), labels: config.labels,
      annotations: config.annotations, network: { ip: this.podIP },
    });
    return id;
  }
  async stopPodSandbox(id: string): Promise<void> {
    this.record(`stopPodSandbox ${id}`);
    const sb = this.sandboxes.get(id);
    if (sb) sb.state = 'SANDBOX_NOTREADY';
    for (const c of this.containers.values()) if (c.podSandboxId === id && c.status.state === 'CONTAINER_RUNNING') this.exit(c.status.id, 137);
  }
  async removePodSandbox(id: string): Promise<void> { this.record(`removePodSandbox ${id}`); this.sandboxes.delete(id); }
  async podSandboxStatus(id: string): Promise<PodSandboxStatus> {
    const sb = this.sandboxes.get(id);
    if (!sb) throw notFound(`sandbox ${id}`);
    return { ...sb, network: sb.state === 'SANDBOX_READY' ? sb.network : undefined };
  }
  async listPodSandbox(filter?: PodSandboxFilter): Promise<PodSandbox[]> {
    return [...this.sandboxes.values()].filter((s) => matches(s.labels, filter?.labelSelector) && (!filter?.state || s.state === filter.state));
  }
  async createContainer(podSandboxId: string, config: ContainerConfig): Promise<string> {
    const id = `c${this.nextId++}`;
    this.record(`createContainer ${config.metadata.name} ${config.metadata.attempt}`);
    this.configs.set(id, config);
    this.containers.set(id, {
      podSandboxId,
      status: {
        id, metadata: config.metadata, state: 'CONTAINER_CREATED', createdAt: this.ns(), startedAt: 0, finishedAt: 0, exitCode: 0,
        image: config.image, imageRef: `sha256:${config.image.image}`, reason: '', message: '', labels: config.labels,
        annotations: config.annotations, logPath: `/logs/${config.logPath}`,
      },
    });
    return id;
  }
  async startContainer(id: string): Promise<void> {
    this.record(`startContainer ${id}`);
    const c = this.containers.get(id);
    if (!c) throw notFound(`container ${id}`);
    const err = this.startErrors.get(c.status.metadata.name);
    if (err) throw new Error(err);
    Object.assign(c.status, { state: 'CONTAINER_RUNNING', startedAt: this.ns() });
  }
  async stopContainer(id: string, timeout: number): Promise<void> {
    this.record(`stopContainer ${id} ${timeout}`);
    if (this.containers.get(id)?.status.state === 'CONTAINER_RUNNING') this.exit(id, 143);
  }
  async removeContainer(id: string): Promise<void> { this.record(`removeContainer ${id}`); this.containers.delete(id); }
  async listContainers(filter?: ContainerFilter): Promise<Container[]> {
    return [...this.containers.values()]
      .filter((c) => matches(c.status.labels, filter?.labelSelector) && (!filter?.podSandboxId || c.podSandboxId === filter.podSandboxId))
      .map((c) => ({
        id: c.status.id, podSandboxId: c.podSandboxId, metadata: c.status.metadata, image: c.status.image, imageRef: c.status.imageRef,
        state: c.status.state, createdAt: c.status.createdAt, labels: c.status.labels, annotations: c.status.annotations,
      }));
  }
  async containerStatus(id: string): Promise<ContainerStatus> {
    const c = this.containers.get(id);
    if (!c) throw notFound(`container ${id}`);
    return { ...c.status };
  }
  async reopenContainerLog(id: string): Promise<void> {
    this.record(`reopenContainerLog ${id}`);
    if (!this.containers.has(id)) throw notFound(`container ${id}`);
  }
  async pullImage(image: string): Promise<string> {
    this.record(`pullImage ${image}`);
    const err = this.pullErrors.get(image);
    if (err) throw new Error(err);
    this.images.add(image);
    return `sha256:${image}`;
  }
  async imageStatus(image: string): Promise<ImageInfo | undefined> {
    return this.images.has(image) ? { id: `sha256:${image}`, repoTags: [image], repoDigests: [], size: 1 } : undefined;
  }

  /** Makes a running container exit now with `exitCode`. */
  exit(id: string, exitCode: number): void {
    const c = this.containers.get(id);
    if (!c) throw notFound(`container ${id}`);
    Object.assign(c.status, { state: 'CONTAINER_EXITED', exitCode, finishedAt: this.ns(), reason: exitCode === 0 ? 'Completed' : 'Error' });
  }

  /** The newest container named `name`. */
  latest(name: string): ContainerStatus | undefined {
    return [...this.containers.values()].map((c) => c.status).filter((s) => s.metadata.name === name)
      .sort((a, b) => b.metadata.attempt - a.metadata.attempt)[0];
  }
}
