/*
 * berth-shim exec and port-forward: enter a running container (or a pod's network namespace) from
 * outside, as nsenter does, and relay its stdio. The runtime spawns one per call and streams over
 * the helper's stdin/stdout/stderr; fd 3 is the report pipe, fd 4 (with --tty) carries resizes.
 *
 *   berth-shim exec --pid PID --spec FILE [--tty] [--timeout SECONDS] -- ARG...
 *   berth-shim port-forward --netns FILE --port N
 *
 * exec stages (each renames the process; failures report JSON on fd 3 and exit 1):
 *   exec:load    read the container's exec.spec (env, user, cwd, cgroups: the container's own)
 *   exec:open    open /proc/PID/ns/{ipc,uts,net,pid,mnt}, /proc/PID/root and each cgroup's join file
 *                while host paths still resolve
 *   exec:setns   join ipc, uts, net, pid (for children), mnt; then chroot to the container's root
 *   exec:pty     with --tty: posix_openpt in the container's /dev/pts, grantpt, unlockpt
 *   exec:fork    the child joins the cgroups ("0" into tasks or cgroup.procs), takes the pty slave as
 *                its controlling terminal, and execs through exec_process (user, cwd, PATH, env)
 *   exec:relay   with --tty: stdin → master, master → stdout, fd 4 "ROWS COLS\n" → TIOCSWINSZ
 *   exec:wait    reap; report {"exitCode":N} on fd 3. --timeout kills the child with SIGKILL and
 *                reports {"errno":ETIMEDOUT,"op":"timeout",...} first. SIGTERM/SIGHUP to the helper
 *                (the runtime closing the session) kill the child too.
 * A child that fails before exec reports its own JSON line (exec_process) and exits 126/127.
 *
 * port-forward stages: pf:setns (join the netns file) → pf:connect (127.0.0.1:N, then [::1]:N) →
 * report {"connected":N} → pf:relay (stdin → socket, socket → stdout; stdin EOF half-closes).
 */
#define _GNU_SOURCE
#include "rootfs.h"
#include "shim.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#define MAX_CGROUPS 16
#define RESIZE_FD 4

struct exec_args { const char *pid, *spec; int tty; long timeout; char **argv; };

static void parse_exec_args(int argc, char **argv, struct exec_args *a) {
  memset(a, 0, sizeof *a);
  int i = 1;
  for (; i < argc && strcmp(argv[i], "--"); i++) {
    if (!strcmp(argv[i], "--tty")) { a->tty = 1; continue; }
    const char *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (!v) { errno = EINVAL; fail("parse-args", argv[i]); }
    if (!strcmp(argv[i], "--pid")) a->pid = v;
    else if (!strcmp(argv[i], "--spec")) a->spec = v;
    else if (!strcmp(argv[i], "--timeout")) a->timeout = strtol(v, NULL, 10);
    else { errno = EINVAL; fail("parse-args", argv[i]); }
    i++;
  }
  if (!a->pid || !a->spec || i + 1 >= argc) {
    errno = EINVAL;
    fail("parse-args", "--pid, --spec and a command after -- are required");
  }
  a->argv = argv + i + 1;
}

/* Namespaces to join, in runc's nsenter order (mnt last: it changes what paths mean). */
static const struct { const char *name; int flag; } exec_ns[] = {
  { "ipc", CLONE_NEWIPC }, { "uts", CLONE_NEWUTS }, { "net", CLONE_NEWNET }, { "pid", CLONE_NEWPID }, { "mnt", CLONE_NEWNS },
};
#define N_EXEC_NS (sizeof exec_ns / sizeof exec_ns[0])

struct targets { int ns[N_EXEC_NS]; int root; int cgroups[MAX_CGROUPS]; size_t n_cgroups; };

static void open_targets(const char *pid, struct exec_spec *spec, struct targets *t) {
  stage("exec:open");
  char path[4200];
  for (size_t i = 0; i < N_EXEC_NS; i++) {
    snprintf(path, sizeof path, "/proc/%s/ns/%s", pid, exec_ns[i].name);
    if ((t->ns[i] = open(path, O_RDONLY | O_CLOEXEC)) < 0) fail("open", path);
  }
  snprintf(path, sizeof path, "/proc/%s/root", pid);
  if ((t->root = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) fail("open", path);
  t->n_cgroups = 0;
  for (size_t i = 0; i < spec->n_cgroups && i < MAX_CGROUPS; i++) {
    /* The child is single-threaded when it writes "0": `tasks` moves it without the global lock. */
    if ((t->cgroups[t->n_cgroups++] = open_cgroup_join(spec->cgroups[i], path, sizeof path)) < 0) fail("open", path);
  }
}

static void enter(struct targets *t) {
  stage("exec:setns");
  for (size_t i = 0; i < N_EXEC_NS; i++) {
    if (setns(t->ns[i], exec_ns[i].flag) < 0) fail("setns", exec_ns[i].name);
    close(t->ns[i]);
  }
  /* setns(mnt) leaves us at the namespace's root mount; the container's root is its pivoted root,
   * which /proc/PID/root names exactly (nsenter --root does the same). */
  if (fchdir(t->root) < 0) fail("fchdir", "container root");
  if (chroot(".") < 0) fail("chroot", "container root");
  if (chdir("/") < 0) fail("chdir", "/");
  close(t->root);
}

static int open_pty(char *slave, size_t cap) {
  stage("exec:pty");
  int master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (master < 0) fail("posix_openpt", "/dev/ptmx");
  if (grantpt(master) < 0) fail("grantpt", "");
  if (unlockpt(master) < 0) fail("unlockpt", "");
  if (ptsname_r(master, slave, cap) != 0) fail("ptsname", "");
  return master;
}

static void child(struct exec_spec *spec, struct targets *t, const char *slave) {
  for (size_t i = 0; i < t->n_cgroups; i++) {
    if (write_all(t->cgroups[i], "0", 1) < 0) fail("write", "cgroup join file");
    close(t->cgroups[i]);
  }
  default_signal_dispositions();
  if (slave) take_terminal(slave);
  exec_process(spec);
}

/* Copies what is readable on `from` to `to`; returns 0 at EOF or error (EIO: the pty closed). */
static int copy_once(int from, int to) {
  char buf[32768];
  ssize_t n = read(from, buf, sizeof buf);
  if (n < 0 && (errno == EINTR || errno == EAGAIN)) return 1;
  if (n <= 0) return 0;
  /* A reader that went away (the session closed) is not our failure; keep draining. */
  (void)write_all(to, buf, (size_t)n);
  return 1;
}

/* Copies what is already buffered on `from` without waiting (a grandchild may hold the pty open). */
static void drain(int from, int to) {
  char buf[32768];
  int flags = fcntl(from, F_GETFL);
  if (flags < 0 || fcntl(from, F_SETFL, flags | O_NONBLOCK) < 0) return;
  for (;;) {
    ssize_t n = read(from, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0 || write_all(to, buf, (size_t)n) < 0) return;
  }
}

void apply_resizes(int fd, int master, int *open) {
  char buf[256];
  ssize_t n = read(fd, buf, sizeof buf - 1);
  if (n <= 0) { *open = 0; return; }
  buf[n] = '\0';
  for (char *save = NULL, *line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
    struct winsize ws = { 0, 0, 0, 0 };
    unsigned rows, cols;
    if (sscanf(line, "%u %u", &rows, &cols) != 2) continue;
    ws.ws_row = (unsigned short)rows;
    ws.ws_col = (unsigned short)cols;
    if (ioctl(master, TIOCSWINSZ, &ws) < 0) report_error(errno, "ioctl", "TIOCSWINSZ", strerror(errno));
  }
}

static long now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Relays the pty (when master >= 0) until the child is reaped; enforces the deadline. */
static int supervise(pid_t pid, int master, int sfd, long deadline) {
  stage(master >= 0 ? "exec:relay" : "exec:wait");
  int in_open = master >= 0, out_open = master >= 0, resize_open = master >= 0 && fcntl(RESIZE_FD, F_GETFD) >= 0;
  for (;;) {
    struct pollfd p[4] = { { sfd, POLLIN, 0 }, { in_open ? 0 : -1, POLLIN, 0 }, { out_open ? master : -1, POLLIN, 0 },
                           { resize_open ? RESIZE_FD : -1, POLLIN, 0 } };
    int wait = deadline ? (int)(deadline - now_ms()) : -1;
    if (deadline && wait <= 0) {
      kill(pid, SIGKILL);
      report_error(ETIMEDOUT, "timeout", "", "command timed out");
      deadline = 0;
      continue;
    }
    if (poll(p, 4, wait) < 0) { if (errno == EINTR) continue; fail("poll", "exec"); }
    /* Resizes first: the runtime writes a resize before the input that follows it. */
    if (p[3].revents) apply_resizes(RESIZE_FD, master, &resize_open);
    if (p[1].revents) in_open = copy_once(0, master);
    if (p[2].revents) out_open = copy_once(master, 1);
    if (!p[0].revents) continue;
    struct signalfd_siginfo si;
    if (read(sfd, &si, sizeof si) != sizeof si) continue;
    if (si.ssi_signo != SIGCHLD) { kill(pid, SIGKILL); continue; }
    int status;
    pid_t got = waitpid(pid, &status, WNOHANG);
    if (got != pid) continue;
    if (out_open && master >= 0) drain(master, 1); /* what the child left in the pty */
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }
}

int cmd_exec(int argc, char **argv) {
  struct exec_args a;
  struct exec_spec spec;
  struct targets t;
  int bad_line;
  char slave[128];

  stage("exec:load");
  if (report_fd > 2 && fcntl(report_fd, F_SETFD, FD_CLOEXEC) < 0) fail("fcntl", "report fd");
  if (prctl(PR_SET_PDEATHSIG, SIGTERM, 0, 0, 0) < 0) fail("prctl", "PR_SET_PDEATHSIG");
  parse_exec_args(argc, argv, &a);
  if (spec_load(a.spec, &spec, &bad_line) < 0) fail("load-spec", a.spec);
  spec.args = a.argv;
  for (spec.n_args = 0; a.argv[spec.n_args]; spec.n_args++) continue;
  open_targets(a.pid, &spec, &t);

  sigset_t mask;
  sigemptyset(&mask);
  sigaddset(&mask, SIGCHLD); sigaddset(&mask, SIGTERM); sigaddset(&mask, SIGHUP); sigaddset(&mask, SIGINT);
  if (sigprocmask(SIG_BLOCK, &mask, NULL) < 0) fail("sigprocmask", "");
  int sfd = signalfd(-1, &mask, SFD_CLOEXEC);
  if (sfd < 0) fail("signalfd", "");
  signal(SIGPIPE, SIG_IGN);

  enter(&t);
  int master = a.tty ? open_pty(slave, sizeof slave) : -1;
  stage("exec:fork");
  long deadline = a.timeout > 0 ? now_ms() + a.timeout * 1000 : 0;
  pid_t pid = fork();
  if (pid < 0) fail("fork", "");
  if (pid == 0) child(&spec, &t, a.tty ? slave : NULL);
  for (size_t i = 0; i < t.n_cgroups; i++) close(t.cgroups[i]);
  int code = supervise(pid, master, sfd, deadline);
  char line[48];
  snprintf(line, sizeof line, "{\"exitCode\":%d}\n", code);
  if (write_all(report_fd, line, strlen(line)) < 0) fail("write", "report fd");
  return 0;
}

/* Connects to the port on the loopback of the current network namespace (IPv4 first). */
static int connect_loopback(int port) {
  struct sockaddr_in v4 = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
  v4.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) fail("socket", "AF_INET");
  if (connect(fd, (struct sockaddr *)&v4, sizeof v4) == 0) return fd;
  int err4 = errno;
  close(fd);
  struct sockaddr_in6 v6 = { .sin6_family = AF_INET6, .sin6_port = htons((uint16_t)port), .sin6_addr = IN6ADDR_LOOPBACK_INIT };
  fd = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd >= 0 && connect(fd, (struct sockaddr *)&v6, sizeof v6) == 0) return fd;
  char where[32];
  snprintf(where, sizeof where, "localhost:%d", port);
  errno = err4;
  fail("connect", where);
}

int cmd_port_forward(int argc, char **argv) {
  const char *netns = NULL;
  int port = 0;
  stage("pf:setns");
  if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0) fail("prctl", "PR_SET_PDEATHSIG");
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!strcmp(argv[i], "--netns")) netns = argv[i + 1];
    else if (!strcmp(argv[i], "--port")) port = atoi(argv[i + 1]);
    else { errno = EINVAL; fail("parse-args", argv[i]); }
  }
  if (!netns || port <= 0 || port > 65535) { errno = EINVAL; fail("parse-args", "--netns and --port are required"); }
  int nsfd = open(netns, O_RDONLY | O_CLOEXEC);
  if (nsfd < 0) fail("open", netns);
  if (setns(nsfd, CLONE_NEWNET) < 0) fail("setns", netns);
  close(nsfd);
  stage("pf:connect");
  signal(SIGPIPE, SIG_IGN);
  int sock = connect_loopback(port);
  char ok[32];
  snprintf(ok, sizeof ok, "{\"connected\":%d}\n", port);
  if (write_all(report_fd, ok, strlen(ok)) < 0) fail("write", "report fd");
  stage("pf:relay");
  int in_open = 1, out_open = 1;
  while (out_open) {
    struct pollfd p[2] = { { in_open ? 0 : -1, POLLIN, 0 }, { sock, POLLIN, 0 } };
    if (poll(p, 2, -1) < 0) { if (errno == EINTR) continue; fail("poll", "port-forward"); }
    if (p[0].revents && !(in_open = copy_once(0, sock))) shutdown(sock, SHUT_WR);
    if (p[1].revents && !(out_open = copy_once(sock, 1))) close(1);
  }
  return 0;
}
