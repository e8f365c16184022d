// Public API of the node runtime (the CRI server). Other areas import only from here.
export * from './cri';
export type * from './cri-types';
