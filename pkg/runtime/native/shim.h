/* Shared helpers of berth-shim: stage naming and the one-line JSON error report (crun-style
 * {errno, op, path, message}; runc-style bail = report, then a non-zero exit). */
#ifndef BERTH_SHIM_H
#define BERTH_SHIM_H

#include <stddef.h>
#include <sys/types.h>

/* Where errors go: fd 3 when the caller passed one (the runtime always does), else stderr.
 * In the container child it is the sync pipe to the shim, which forwards it. */
extern int report_fd;

/* Renames the process (PR_SET_NAME, 15 chars) so `ps` shows which stage is running or stuck. */
void stage(const char *name);

/* Writes {"errno":N,"op":OP,"path":PATH,"message":MSG}\n to report_fd. */
void report_error(int err, const char *op, const char *path, const char *message);

/* report_error(errno, op, path, strerror(errno)) and _exit(1). */
void fail(const char *op, const char *path) __attribute__((noreturn));

/* Writes all of buf (retrying on EINTR and short writes); -1 on error. */
int write_all(int fd, const void *buf, size_t len);

/* Writes CONTENT to PATH atomically (PATH.tmp, fsync-free rename); -1 on error with errno set. */
int write_file_atomic(const char *path, const char *content);

/* Opens the file through which the calling (single-threaded) process joins cgroup DIR: v1's `tasks`
 * when present, else cgroup.procs. Writing "0" (the current thread) to `tasks` skips the global
 * threadgroup lock that a cgroup.procs write takes, whose RCU grace period costs ~15 ms on v1
 * (kernel/cgroup/cgroup.c cgroup_procs_write_start); for a process with one thread it is the same
 * move. Returns the fd (O_WRONLY|O_CLOEXEC) or -1 with errno; PATH gets the file's path. */
int open_cgroup_join(const char *dir, char *path, size_t cap);

/* Joins each cgroup directory (open_cgroup_join, then "0"); fails the process on the first error. */
void join_cgroup_dirs(char *const *dirs, size_t n);

/* Every signal disposition back to SIG_DFL and nothing blocked: ignored signals and the blocked
 * mask survive execve, so a container (or exec) must not inherit the shim's or the runtime's. */
void default_signal_dispositions(void);

/* Leaves the caller: fork, setsid, fork again (STAGE names the step). The first process waits for
 * the middle one and exits with its status; the daemon continues with stdio on /dev/null, cwd /,
 * SIGPIPE and SIGHUP ignored. SUBREAPER: the daemon also reaps orphans of its descendants. */
void daemonize(const char *stage_name, int subreaper);

/* The exit file of a reaped process: {"exitCode" (128+signal when killed), "signal", "finishedAt"}, atomically. */
void write_exit_file(const char *path, int status);

/* A new session whose controlling terminal (and stdin, stdout, stderr) is the pty SLAVE. */
void take_terminal(const char *slave);

/* clone(FN, ARG) with FLAGS | SIGCHLD on a fresh mmap'd stack of STACK_SIZE bytes (never freed:
 * the parent execs or exits soon); fails the process when the stack or the clone fails. */
pid_t clone_on_new_stack(int (*fn)(void *), void *arg, size_t stack_size, int flags);

/* RFC 3339 UTC timestamp with nanoseconds, e.g. 2024-01-02T03:04:05.000000006Z (31 chars + NUL). */
void rfc3339_now(char out[40]);

int cmd_ns_create(int argc, char **argv);
int cmd_pause(int argc, char **argv);         /* ns-create.c */
int pause_loop(void) __attribute__((noreturn)); /* ns-create.c: the init `pause` re-executes into */
int cmd_run(int argc, char **argv);
int cmd_exec(int argc, char **argv);         /* exec.c */
int cmd_port_forward(int argc, char **argv); /* exec.c */
int cmd_oci_run(int argc, char **argv);      /* oci-run.c */

#endif
