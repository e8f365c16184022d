/*
 * berth-shim oci-run: the shim for an external OCI runtime (runc, crun), so that the same bundle
 * runs under them with the same log relay and exit file as under `berth-shim run`. TypeScript
 * chooses the whole runtime command line; this only supervises it.
 *
 *   berth-shim oci-run --log FILE --exit-file FILE --pid-file FILE [--umount PATH] -- RUNTIME ARG...
 *
 * RUNTIME must be told `run --detach --pid-file FILE` (same FILE): it creates the container,
 * writes the pid file and exits, and the container's stdio is the runtime's (pass-through).
 *
 * Stages:
 *   oci:load      open the log file, make the stdout/stderr pipes              (caller waiting)
 *   oci:daemon    fork, setsid, fork: survives the Berth runtime; PR_SET_CHILD_SUBREAPER, so the
 *                 container process is re-parented to us when the OCI runtime exits
 *   oci:runtime   fork + exec RUNTIME with stdin /dev/null, stdout/stderr the pipes; with --umount,
 *                 first a private mount namespace without PATH (crun 1.8 refuses the hybrid cgroup
 *                 layout while the empty v2 mount is visible; see machine-limits.md)
 *   oci:sync      RUNTIME exited 0 → read the pid file, report {"pid":N} on fd 3 and close it;
 *                 else report {"errno":0,"op":"runtime",...} and exit 1
 *   oci:relay     copy the container's stdout/stderr into the log file (log.c)
 *   oci:reap      reap every orphan until the container's pid; write the exit file; exit 0
 */
#define _GNU_SOURCE
#include "rootfs.h"
#include "shim.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

struct oci_args { const char *log, *exit_file, *pid_file, *umount; char **argv; };

static void parse_oci_args(int argc, char **argv, struct oci_args *a) {
  memset(a, 0, sizeof *a);
  int i = 1;
  for (; i + 1 < argc && strcmp(argv[i], "--"); i += 2) {
    if (!strcmp(argv[i], "--log")) a->log = argv[i + 1];
    else if (!strcmp(argv[i], "--exit-file")) a->exit_file = argv[i + 1];
    else if (!strcmp(argv[i], "--pid-file")) a->pid_file = argv[i + 1];
    else if (!strcmp(argv[i], "--umount")) a->umount = argv[i + 1];
    else { errno = EINVAL; fail("parse-args", argv[i]); }
  }
  if (!a->log || !a->exit_file || !a->pid_file || i + 1 >= argc || strcmp(argv[i], "--")) {
    errno = EINVAL;
    fail("parse-args", "--log, --exit-file, --pid-file and a runtime command after -- are required");
  }
  a->argv = argv + i + 1;
}

static pid_t spawn_runtime(struct oci_args *a, int out_w, int err_w) {
  stage("oci:runtime");
  pid_t pid = fork();
  if (pid < 0) fail("fork", a->argv[0]);
  if (pid > 0) return pid;
  signal(SIGPIPE, SIG_DFL);
  signal(SIGHUP, SIG_DFL);
  int devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (devnull < 0) fail("open", "/dev/null");
  if (dup2(devnull, 0) < 0 || dup2(out_w, 1) < 0 || dup2(err_w, 2) < 0) fail("dup2", "stdio");
  if (a->umount) {
    if (unshare(CLONE_NEWNS) < 0) fail("unshare", "mnt");
    if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) fail("mount", "/ private");
    if (umount2(a->umount, MNT_DETACH) < 0 && errno != EINVAL && errno != ENOENT) fail("umount2", a->umount);
  }
  execv(a->argv[0], a->argv);
  fail("exec", a->argv[0]);
}

static pid_t read_pid_file(const char *path) {
  char buf[32] = { 0 };
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) fail("open", path);
  ssize_t n = read(fd, buf, sizeof buf - 1);
  close(fd);
  long pid = n > 0 ? strtol(buf, NULL, 10) : 0;
  if (pid <= 0) { errno = EINVAL; fail("read", path); }
  return (pid_t)pid;
}

/* As a subreaper we inherit every orphan of the container; reap them all until the container. */
static void reap_until(pid_t target, const char *exit_file) {
  stage("oci:reap");
  for (;;) {
    int status;
    pid_t got = waitpid(-1, &status, 0);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) fail("waitpid", "container");
    if (got == target) { write_exit_file(exit_file, status); return; }
  }
}

int cmd_oci_run(int argc, char **argv) {
  struct oci_args a;
  int out[2], err[2];
  stage("oci:load");
  if (report_fd > 2 && fcntl(report_fd, F_SETFD, FD_CLOEXEC) < 0) fail("fcntl", "report fd");
  parse_oci_args(argc, argv, &a);
  int log_fd = open(a.log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
  if (log_fd < 0) fail("open", a.log);
  if (pipe2(out, O_CLOEXEC) < 0 || pipe2(err, O_CLOEXEC) < 0) fail("pipe2", "");

  daemonize("oci:daemon", 1); /* subreaper: runc's init is re-parented to us */
  pid_t runtime = spawn_runtime(&a, out[1], err[1]);
  close(out[1]); close(err[1]);
  stage("oci:sync");
  int status;
  while (waitpid(runtime, &status, 0) < 0) if (errno != EINTR) fail("waitpid", a.argv[0]);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    char msg[64];
    snprintf(msg, sizeof msg, "exited with status %d", WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
    report_error(0, "runtime", a.argv[0], msg);
    return 1;
  }
  pid_t pid = read_pid_file(a.pid_file);
  char ok[48];
  snprintf(ok, sizeof ok, "{\"pid\":%d}\n", pid);
  if (write_all(report_fd, ok, strlen(ok)) < 0) fail("write", "report fd");
  close(report_fd);
  report_fd = 2;

  stage("oci:relay");
  relay_logs(out[0], err[0], log_fd);
  reap_until(pid, a.exit_file);
  return 0;
}
