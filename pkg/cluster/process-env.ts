// The environment every `berth` component process starts with.

/**
 * glibc's malloc raises its mmap threshold to the size of every large block freed, up to 32 MiB.
 * After one big LIST response, buffers of a few hundred KiB (watch chunks, request bodies) come
 * from the brk heap instead. That heap only shrinks from its top, so the freed holes stay
 * resident: an apiserver holding 11,000 pods and 1,000 watchers kept about 40 MiB it no longer
 * used. Setting the threshold pins it at glibc's own default (128 KiB): such blocks keep their
 * own mappings and go back to the OS when freed. Small blocks, like socket reads, are unaffected.
 * A value the user set wins.
 */
export const componentEnv = (env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv => ({
  MALLOC_MMAP_THRESHOLD_: String(128 * 1024),
  ...env,
});
