/* The container side of berth-shim run: root filesystem, identity, exec (rootfs.c) and the
 * shim side's log relay (log.c). */
#ifndef BERTH_ROOTFS_H
#define BERTH_ROOTFS_H

#include "exec-spec.h"

/* Stages ctr:mounts, ctr:pivot, ctr:paths. Fails (reports + exits) on any error. */
void setup_rootfs(struct exec_spec *spec);

/* Identity and privileges of the container process, in runc's order: bounding set, keep-caps,
 * groups/gid/uid, capset + ambient, no_new_privs. Also for processes exec'd into a container. */
void apply_identity(struct exec_spec *spec);

/* Stage ctr:exec: hostname (new UTS only), apply_identity, cwd, execve. Never returns. */
void exec_process(struct exec_spec *spec) __attribute__((noreturn));

/* Maximum bytes of one log line; longer lines are split into P(artial) records, as CRI does. */
#define LOG_MAX_LINE 16384

/* Copies both pipes into log_fd as `<RFC3339Nano> stdout|stderr F|P <line>\n` until both hit EOF. */
void relay_logs(int out_fd, int err_fd, int log_fd);

#endif
