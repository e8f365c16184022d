/*
 * berth-shim run: start one container from a bundle and stay as its parent.
 *
 * State machine (each stage renames the process; a failure reports JSON and exits non-zero):
 *   shim:load     read <bundle>/exec.spec, open the log file              (caller still waiting)
 *   shim:daemon   fork, setsid, fork: the shim survives the runtime; the first process exits 0
 *   shim:setns    join the namespaces that have paths (the pod's net/uts/ipc)
 *   shim:clone    clone() with the new namespaces (mount, pid, …) → container child:
 *       ctr:cgroup    write "0" to each cgroup's tasks (v1) or cgroup.procs, then send 'c' on the sync pipe
 *       ctr:mounts    root propagation, bind the root, mount/remount/symlink steps (rootfs.c)
 *       ctr:pivot     pivot_root(".", "."), detach the old root                  (rootfs.c)
 *       ctr:paths     masked and read-only paths, then the read-only root         (rootfs.c)
 *       ctr:console   with --tty: open /dev/ptmx of the container's devpts, make the slave the
 *                     controlling terminal and stdio, send the master to the shim
 *       ctr:exec      hostname, then apply_identity (bounding set, keep-caps, groups/gid/uid,
 *                     capset + ambient, no_new_privs), cwd, execve through PATH   (rootfs.c)
 *     the child's errors travel over the sync pipe (close-on-exec: EOF means exec succeeded)
 *   shim:sync     after 'c': write the pid file; after EOF: report {"pid":N} on fd 3 and close it;
 *                 with --tty, receive the pty master the child sent (SCM_RIGHTS, as runc's console socket)
 *   shim:relay    copy the child's stdout/stderr (or the pty master) into the log file in CRI format;
 *                 --stdin FIFO: what attach writes there goes to the child's stdin (a pipe, or the
 *                 pty); --stdin-once: the first writer's EOF closes it; --resize FIFO: "ROWS COLS\n"
 *                 lines resize the pty. The shim makes both FIFOs (0600) before it reports.
 *   shim:reap     waitpid, write the exit file {"exitCode","signal","finishedAt"}, exit 0
 */
#define _GNU_SOURCE
#include "exec-spec.h"
#include "rootfs.h"
#include "shim.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

struct run_args { const char *bundle, *id, *log, *exit_file, *pid_file, *stdin_fifo, *resize_fifo; int tty, stdin_once; };

struct child_ctx { struct exec_spec *spec; int sync_w, out_w, err_w, in_r, console_w, tty; };

static void parse_args(int argc, char **argv, struct run_args *a) {
  memset(a, 0, sizeof *a);
  for (int i = 1; i < argc; i += 2) {
    if (!strcmp(argv[i], "--tty")) { a->tty = 1; i--; continue; }
    if (!strcmp(argv[i], "--stdin-once")) { a->stdin_once = 1; i--; continue; }
    const char *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (!v) { errno = EINVAL; fail("parse-args", argv[i]); }
    if (!strcmp(argv[i], "--stdin")) a->stdin_fifo = v;
    else if (!strcmp(argv[i], "--resize")) a->resize_fifo = v;
    else if (!strcmp(argv[i], "--bundle")) a->bundle = v;
    else if (!strcmp(argv[i], "--id")) a->id = v;
    else if (!strcmp(argv[i], "--log")) a->log = v;
    else if (!strcmp(argv[i], "--exit-file")) a->exit_file = v;
    else if (!strcmp(argv[i], "--pid-file")) a->pid_file = v;
    else { errno = EINVAL; fail("parse-args", argv[i]); }
  }
  if (!a->bundle || !a->id || !a->log || !a->exit_file || !a->pid_file) {
    errno = EINVAL;
    fail("parse-args", "--bundle, --id, --log, --exit-file and --pid-file are required");
  }
}

static int ns_flag(const char *type) {
  static const struct { const char *name; int flag; } map[] = {
    { "net", CLONE_NEWNET }, { "uts", CLONE_NEWUTS }, { "ipc", CLONE_NEWIPC }, { "pid", CLONE_NEWPID },
    { "mnt", CLONE_NEWNS }, { "cgroup", CLONE_NEWCGROUP }, { "user", CLONE_NEWUSER },
  };
  for (size_t i = 0; i < sizeof map / sizeof map[0]; i++) if (!strcmp(map[i].name, type)) return map[i].flag;
  errno = EINVAL;
  fail("namespace-type", type);
}

static void join_namespaces(struct exec_spec *spec, int *clone_flags) {
  stage("shim:setns");
  *clone_flags = 0;
  for (size_t i = 0; i < spec->n_ns; i++) {
    int flag = ns_flag(spec->ns[i].type);
    if (!spec->ns[i].path) { *clone_flags |= flag; continue; }
    int fd = open(spec->ns[i].path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) fail("open", spec->ns[i].path);
    if (setns(fd, flag) < 0) fail("setns", spec->ns[i].path);
    close(fd);
  }
}

static void join_cgroups(struct exec_spec *spec) {
  stage("ctr:cgroup");
  join_cgroup_dirs(spec->cgroups, spec->n_cgroups);
}

/* Stage ctr:console: a pty of the container's own devpts (so `tty` names it inside), the slave as
 * controlling terminal and stdio; the master goes to the shim over the console socket. */
static void setup_console(int console_w) {
  stage("ctr:console");
  char slave[128];
  int master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (master < 0) fail("posix_openpt", "/dev/ptmx");
  if (grantpt(master) < 0 || unlockpt(master) < 0) fail("unlockpt", "/dev/ptmx");
  if (ptsname_r(master, slave, sizeof slave) != 0) fail("ptsname", "");
  take_terminal(slave);
  char byte = 'm';
  struct iovec iov = { &byte, 1 };
  union { struct cmsghdr h; char buf[CMSG_SPACE(sizeof(int))]; } ctl;
  memset(&ctl, 0, sizeof ctl);
  struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.buf, .msg_controllen = sizeof ctl.buf };
  struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);
  cm->cmsg_level = SOL_SOCKET;
  cm->cmsg_type = SCM_RIGHTS;
  cm->cmsg_len = CMSG_LEN(sizeof(int));
  memcpy(CMSG_DATA(cm), &master, sizeof(int));
  if (sendmsg(console_w, &msg, 0) < 0) fail("sendmsg", "console socket");
  close(master);
}

/* The pty master the child sent; -1 (reported) when none came. */
static int receive_console(int console_r) {
  char byte;
  struct iovec iov = { &byte, 1 };
  union { struct cmsghdr h; char buf[CMSG_SPACE(sizeof(int))]; } ctl;
  struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.buf, .msg_controllen = sizeof ctl.buf };
  ssize_t n;
  while ((n = recvmsg(console_r, &msg, MSG_CMSG_CLOEXEC)) < 0 && errno == EINTR) continue;
  struct cmsghdr *cm = n > 0 ? CMSG_FIRSTHDR(&msg) : NULL;
  if (!cm || cm->cmsg_type != SCM_RIGHTS) {
    report_error(n < 0 ? errno : EPIPE, "recvmsg", "console socket", "no pty master from the container");
    return -1;
  }
  int master;
  memcpy(&master, CMSG_DATA(cm), sizeof(int));
  return master;
}

static int child_main(void *arg) {
  struct child_ctx *c = arg;
  report_fd = c->sync_w;
  default_signal_dispositions();
  join_cgroups(c->spec);
  if (write_all(c->sync_w, "c", 1) < 0) fail("write", "sync pipe");
  int devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (devnull < 0) fail("open", "/dev/null");
  if (!c->tty && (dup2(c->in_r >= 0 ? c->in_r : devnull, 0) < 0 || dup2(c->out_w, 1) < 0 || dup2(c->err_w, 2) < 0)) fail("dup2", "stdio");
  setup_rootfs(c->spec);
  if (c->tty) setup_console(c->console_w);
  exec_process(c->spec);
  return 1; /* not reached: exec_process execs or fails */
}

static pid_t clone_child(struct child_ctx *ctx, int clone_flags) {
  stage("shim:clone");
  return clone_on_new_stack(child_main, ctx, 1 << 20, clone_flags);
}

/* Reads the child's sync pipe until EOF; returns the bytes (NUL-terminated, possibly empty). */
static void read_sync(int fd, char *buf, size_t cap, size_t *len) {
  *len = 0;
  for (;;) {
    ssize_t n = read(fd, buf + *len, cap - 1 - *len);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) fail("read", "sync pipe");
    if (n == 0 || (*len += (size_t)n) == cap - 1) break;
  }
  buf[*len] = '\0';
}

static int reap(pid_t pid, const char *exit_file) {
  stage("shim:reap");
  int status;
  while (waitpid(pid, &status, 0) < 0) if (errno != EINTR) fail("waitpid", "");
  write_exit_file(exit_file, status);
  return 0;
}

/* Makes (if missing) and opens an attach FIFO. A reader that must never see EOF holds a writer too (O_RDWR). */
static int open_fifo(const char *path, int flags) {
  if (mkfifo(path, 0600) < 0 && errno != EEXIST) fail("mkfifo", path);
  int fd = open(path, flags | O_CLOEXEC);
  if (fd < 0) fail("open", path);
  return fd;
}

int cmd_run(int argc, char **argv) {
  struct run_args a;
  struct exec_spec spec;
  int bad_line, clone_flags, sync[2], out[2], err[2], in[2] = { -1, -1 }, console[2] = { -1, -1 };
  char path[4096];

  stage("shim:load");
  /* The report fd must not leak into the container, or the caller would wait for its exit. */
  if (report_fd > 2 && fcntl(report_fd, F_SETFD, FD_CLOEXEC) < 0) fail("fcntl", "report fd");
  parse_args(argc, argv, &a);
  snprintf(path, sizeof path, "%s/exec.spec", a.bundle);
  if (spec_load(path, &spec, &bad_line) < 0) {
    char where[4200];
    snprintf(where, sizeof where, "%s:%d", path, bad_line);
    fail("load-spec", where);
  }
  int log_fd = open(a.log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
  if (log_fd < 0) fail("open", a.log);
  if (pipe2(sync, O_CLOEXEC) < 0 || pipe2(out, O_CLOEXEC) < 0 || pipe2(err, O_CLOEXEC) < 0) fail("pipe2", "");
  /* stdin-once: read-only, so the first attach's close is an EOF; otherwise never EOF. */
  int stdin_fd = a.stdin_fifo ? open_fifo(a.stdin_fifo, a.stdin_once ? O_RDONLY | O_NONBLOCK : O_RDWR) : -1;
  int resize_fd = a.tty && a.resize_fifo ? open_fifo(a.resize_fifo, O_RDWR) : -1;
  if (a.stdin_fifo && !a.tty && pipe2(in, O_CLOEXEC) < 0) fail("pipe2", "stdin");
  if (a.tty && socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, console) < 0) fail("socketpair", "console");

  daemonize("shim:daemon", 0);
  join_namespaces(&spec, &clone_flags);
  struct child_ctx ctx = { &spec, sync[1], out[1], err[1], in[0], console[1], a.tty };
  pid_t child = clone_child(&ctx, clone_flags);
  close(sync[1]); close(out[1]); close(err[1]);
  if (in[0] >= 0) close(in[0]);
  if (console[1] >= 0) close(console[1]);

  stage("shim:sync");
  char msg[4096];
  size_t len;
  read_sync(sync[0], msg, sizeof msg, &len);
  if (len == 0 || msg[0] != 'c') { /* failed before or while joining the cgroups */
    if (len == 0) report_error(EPIPE, "sync", "", "container process exited before joining its cgroups");
    else (void)!write_all(report_fd, msg, len);
    reap(child, a.exit_file);
    return 1;
  }
  char pid_text[32];
  snprintf(pid_text, sizeof pid_text, "%d\n", child);
  if (write_file_atomic(a.pid_file, pid_text) < 0) fail("write", a.pid_file);
  if (len > 1) { /* the child reported an error after joining: setup or exec failed */
    (void)!write_all(report_fd, msg + 1, len - 1);
    reap(child, a.exit_file);
    return 1;
  }
  int master = -1;
  if (a.tty && (master = receive_console(console[0])) < 0) {
    kill(child, SIGKILL);
    reap(child, a.exit_file);
    return 1;
  }
  char ok[48];
  snprintf(ok, sizeof ok, "{\"pid\":%d}\n", child);
  if (write_all(report_fd, ok, strlen(ok)) < 0) fail("write", "report fd");
  close(report_fd);
  report_fd = 2;

  stage("shim:relay");
  struct relay_io r = { a.tty ? master : out[0], a.tty ? -1 : err[0], log_fd, stdin_fd, a.tty ? master : in[1], a.stdin_once, resize_fd, master };
  if (a.tty) { close(out[0]); close(err[0]); }
  relay_io(&r);
  return reap(child, a.exit_file);
}
