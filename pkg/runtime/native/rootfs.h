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

/* What the shim relays for a container: its output (err_fd -1 with a TTY: one stream, logged as
 * stdout), and the attach FIFOs: stdin_fd → stdin_to (the child's stdin pipe or the pty master;
 * with stdin_once the first EOF closes stdin_to), resize_fd lines "ROWS COLS" → TIOCSWINSZ on
 * master. Unused fds are -1. Ends when the output streams hit EOF. */
struct relay_io { int out_fd, err_fd, log_fd, stdin_fd, stdin_to, stdin_once, resize_fd, master; };
void relay_io(struct relay_io *r);

/* Applies the "ROWS COLS\n" lines readable on fd to the pty master; *open = 0 at EOF (exec.c). */
void apply_resizes(int fd, int master, int *open);

#endif
