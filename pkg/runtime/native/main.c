/*
 * berth-shim: the small native helper of the Berth runtime. It holds no policy: TypeScript decides
 * every namespace, mount, limit and id and writes them into the bundle; this program replays them
 * with the syscalls Node cannot make (unshare/clone with namespace flags, setns, pivot_root, exec),
 * and stays as the container's parent (like conmon) so the runtime can restart freely.
 *
 *   berth-shim ns-create [--net FILE] [--uts FILE] [--ipc FILE] [--hostname NAME]
 *   berth-shim pause --pid-ns FILE [--cgroup DIR]...                       (ns-create.c)
 *   berth-shim run --bundle DIR --id ID --log FILE --exit-file FILE --pid-file FILE
 *                  [--tty] [--stdin FIFO [--stdin-once]] [--resize FIFO]      (run.c)
 *   berth-shim exec --pid PID --spec FILE [--tty] [--timeout S] -- ARG...    (exec.c)
 *   berth-shim port-forward --netns FILE --port N                            (exec.c)
 *   berth-shim oci-run --log F --exit-file F --pid-file F [--umount P] -- RUNTIME ARG...  (oci-run.c)
 *
 * Both report a failure as one JSON line on fd 3 (or stderr when fd 3 is not open) and exit 1.
 * `run` reports success as {"pid":N} on fd 3 once the container process has exec'd.
 */
#define _GNU_SOURCE
#include "shim.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int report_fd = 2;

void stage(const char *name) {
  /* A failed rename only costs visibility; it must not stop the container. */
  if (prctl(PR_SET_NAME, name, 0, 0, 0) < 0) report_error(errno, "prctl", name, "PR_SET_NAME failed");
}

int write_all(int fd, const void *buf, size_t len) {
  const char *p = buf;
  while (len > 0) {
    ssize_t n = write(fd, p, len);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return -1;
    p += n;
    len -= (size_t)n;
  }
  return 0;
}

/* Appends s to out as a JSON string body (quotes and control characters escaped). */
static size_t json_escape(char *out, size_t cap, const char *s) {
  size_t n = 0;
  for (; s && *s && n + 7 < cap; s++) {
    unsigned char c = (unsigned char)*s;
    if (c == '"' || c == '\\') { out[n++] = '\\'; out[n++] = (char)c; }
    else if (c < 0x20) n += (size_t)snprintf(out + n, cap - n, "\\u%04x", c);
    else out[n++] = (char)c;
  }
  out[n] = '\0';
  return n;
}

void report_error(int err, const char *op, const char *path, const char *message) {
  char e_op[128], e_path[1024], e_msg[1024], line[2400];
  json_escape(e_op, sizeof e_op, op);
  json_escape(e_path, sizeof e_path, path);
  json_escape(e_msg, sizeof e_msg, message);
  int n = snprintf(line, sizeof line, "{\"errno\":%d,\"op\":\"%s\",\"path\":\"%s\",\"message\":\"%s\"}\n", err, e_op, e_path, e_msg);
  if (n > 0) (void)!write_all(report_fd, line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
}

void fail(const char *op, const char *path) {
  int err = errno;
  report_error(err, op, path, strerror(err));
  _exit(1);
}

int write_file_atomic(const char *path, const char *content) {
  char tmp[4096];
  if (snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp) { errno = ENAMETOOLONG; return -1; }
  int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return -1;
  if (write_all(fd, content, strlen(content)) < 0) { int e = errno; close(fd); errno = e; return -1; }
  if (close(fd) < 0) return -1;
  return rename(tmp, path);
}

int open_cgroup_join(const char *dir, char *path, size_t cap) {
  snprintf(path, cap, "%s/tasks", dir);
  int fd = open(path, O_WRONLY | O_CLOEXEC);
  if (fd >= 0 || errno != ENOENT) return fd;
  snprintf(path, cap, "%s/cgroup.procs", dir);
  return open(path, O_WRONLY | O_CLOEXEC);
}

void join_cgroup_dirs(char *const *dirs, size_t n) {
  for (size_t i = 0; i < n; i++) {
    char path[4096];
    int fd = open_cgroup_join(dirs[i], path, sizeof path);
    if (fd < 0) fail("open", path);
    if (write_all(fd, "0", 1) < 0) fail("write", path);
    close(fd);
  }
}

void default_signal_dispositions(void) {
  sigset_t none;
  for (int sig = 1; sig < NSIG; sig++) {
    if (sig == SIGKILL || sig == SIGSTOP) continue;
    /* Signals 32 and 33 are reserved by glibc for threads and refuse changes: EINVAL is expected. */
    if (signal(sig, SIG_DFL) == SIG_ERR && errno != EINVAL) fail("signal", "SIG_DFL");
  }
  if (sigemptyset(&none) < 0 || sigprocmask(SIG_SETMASK, &none, NULL) < 0) fail("sigprocmask", "");
}

void daemonize(const char *stage_name, int subreaper) {
  stage(stage_name);
  pid_t pid = fork();
  if (pid < 0) fail("fork", "");
  if (pid > 0) {
    int status;
    if (waitpid(pid, &status, 0) < 0) fail("waitpid", "");
    _exit(WIFEXITED(status) ? WEXITSTATUS(status) : 1);
  }
  if (setsid() < 0) fail("setsid", "");
  pid = fork();
  if (pid < 0) fail("fork", "");
  if (pid > 0) _exit(0);
  if (subreaper && prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0) fail("prctl", "PR_SET_CHILD_SUBREAPER");
  /* The caller waits for every copy of stdout/stderr to close, too. */
  int devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
  if (devnull < 0) fail("open", "/dev/null");
  for (int fd = 0; fd <= 2; fd++) if (dup2(devnull, fd) < 0) fail("dup2", "/dev/null");
  if (chdir("/") < 0) fail("chdir", "/");
  signal(SIGPIPE, SIG_IGN);
  signal(SIGHUP, SIG_IGN);
}

void write_exit_file(const char *path, int status) {
  char json[160], when[40];
  int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  int sig = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
  rfc3339_now(when);
  snprintf(json, sizeof json, "{\"exitCode\":%d,\"signal\":%d,\"finishedAt\":\"%s\"}\n", code, sig, when);
  if (write_file_atomic(path, json) < 0) fail("write", path);
}

void take_terminal(const char *slave) {
  if (setsid() < 0) fail("setsid", "");
  int fd = open(slave, O_RDWR);
  if (fd < 0) fail("open", slave);
  if (ioctl(fd, TIOCSCTTY, 0) < 0) fail("ioctl", "TIOCSCTTY");
  for (int i = 0; i <= 2; i++) if (dup2(fd, i) < 0) fail("dup2", slave);
  if (fd > 2) close(fd);
}

pid_t clone_on_new_stack(int (*fn)(void *), void *arg, size_t stack_size, int flags) {
  void *stack = mmap(NULL, stack_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
  if (stack == MAP_FAILED) fail("mmap", "clone stack");
  pid_t pid = clone(fn, (char *)stack + stack_size, flags | SIGCHLD, arg);
  if (pid < 0) fail("clone", "");
  return pid;
}

void rfc3339_now(char out[40]) {
  struct timespec ts;
  struct tm tm;
  clock_gettime(CLOCK_REALTIME, &ts);
  gmtime_r(&ts.tv_sec, &tm);
  size_t n = strftime(out, 40, "%Y-%m-%dT%H:%M:%S", &tm);
  snprintf(out + n, 40 - n, ".%09ldZ", ts.tv_nsec);
}

int main(int argc, char **argv) {
  if (argc == 1 && strcmp(argv[0], "pause") == 0) pause_loop(); /* the init of `berth-shim pause` */
  if (fcntl(3, F_GETFD) >= 0) report_fd = 3;
  if (argc >= 2 && strcmp(argv[1], "ns-create") == 0) return cmd_ns_create(argc - 1, argv + 1);
  if (argc >= 2 && strcmp(argv[1], "pause") == 0) return cmd_pause(argc - 1, argv + 1);
  if (argc >= 2 && strcmp(argv[1], "run") == 0) return cmd_run(argc - 1, argv + 1);
  if (argc >= 2 && strcmp(argv[1], "exec") == 0) return cmd_exec(argc - 1, argv + 1);
  if (argc >= 2 && strcmp(argv[1], "port-forward") == 0) return cmd_port_forward(argc - 1, argv + 1);
  if (argc >= 2 && strcmp(argv[1], "oci-run") == 0) return cmd_oci_run(argc - 1, argv + 1);
  errno = EINVAL;
  report_error(EINVAL, "usage", argc >= 2 ? argv[1] : "", "usage: berth-shim ns-create|pause|run|exec|port-forward|oci-run [flags]");
  return 2;
}
