// The service proxy's public API: the component, and the cleanup `berth proxy --cleanup` and `berth down` run.
export { runProxy, cleanupProxy, defaultServiceCIDR, type ProxyOptions } from './proxy';
export { chainPrefix, chainNames } from './names';
