/* berth-shim ns-create: make a pod's network, UTS and IPC namespaces that outlive any process,
 * like `unshare --net=FILE`: unshare them, set the hostname, write the pod's sysctls, then
 * bind-mount /proc/self/ns/<type> onto the (pre-created, empty) files. The runtime later umounts
 * and removes the files.
 *
 *   berth-shim ns-create [--net FILE] [--uts FILE] [--ipc FILE] [--hostname NAME] [--sysctl KEY=VALUE]...
 *
 * A sysctl is written to /proc/sys/KEY (dots become slashes, as runc) after unshare: the kernel
 * resolves net.* and the IPC sysctls (kernel.shm*, kernel.msg*, kernel.sem, fs.mqueue.*) in the
 * writer's namespaces, so the values land in the pod's namespaces, never the host's. The runtime
 * refuses keys that are not namespaced (or whose namespace the pod does not own) before this.
 *
 * Stages: "ns:unshare" → "ns:hostname" → "ns:sysctl" → "ns:bind" → exit 0. */
#define _GNU_SOURCE
#include "shim.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#define NS_MAX_SYSCTLS 64

/* Writes VALUE to /proc/sys/KEY for "KEY=VALUE" (KEY with '.' or '/' separators). */
static void write_sysctl(const char *kv) {
  const char *eq = strchr(kv, '=');
  char path[512];
  if (!eq || eq == kv || (size_t)(eq - kv) > sizeof path - 16 || strstr(kv, "..")) { errno = EINVAL; fail("sysctl", kv); }
  int n = snprintf(path, sizeof path, "/proc/sys/%.*s", (int)(eq - kv), kv);
  for (char *p = path + 10; p < path + n; p++) if (*p == '.') *p = '/';
  int fd = open(path, O_WRONLY | O_CLOEXEC);
  if (fd < 0) fail("open", path);
  if (write_all(fd, eq + 1, strlen(eq + 1)) < 0) fail("write", path);
  if (close(fd) < 0) fail("close", path);
}

struct ns_target { const char *flag; const char *type; int clone_flag; const char *path; };

int cmd_ns_create(int argc, char **argv) {
  struct ns_target t[] = {
    { "--net", "net", CLONE_NEWNET, NULL },
    { "--uts", "uts", CLONE_NEWUTS, NULL },
    { "--ipc", "ipc", CLONE_NEWIPC, NULL },
  };
  const size_t nt = sizeof t / sizeof t[0];
  const char *hostname = NULL, *sysctls[NS_MAX_SYSCTLS];
  size_t n_sysctls = 0;
  for (int i = 1; i < argc; i += 2) {
    int known = 0;
    if (i + 1 >= argc) { errno = EINVAL; fail("parse-args", argv[i]); }
    if (!strcmp(argv[i], "--hostname")) { hostname = argv[i + 1]; known = 1; }
    if (!strcmp(argv[i], "--sysctl")) {
      if (n_sysctls == NS_MAX_SYSCTLS) { errno = E2BIG; fail("parse-args", "--sysctl"); }
      sysctls[n_sysctls++] = argv[i + 1];
      known = 1;
    }
    for (size_t j = 0; j < nt; j++) if (!strcmp(argv[i], t[j].flag)) { t[j].path = argv[i + 1]; known = 1; }
    if (!known) { errno = EINVAL; fail("parse-args", argv[i]); }
  }

  stage("ns:unshare");
  int flags = 0;
  for (size_t j = 0; j < nt; j++) if (t[j].path) flags |= t[j].clone_flag;
  if (flags == 0) { errno = EINVAL; fail("parse-args", "no namespace requested"); }
  if (unshare(flags) < 0) fail("unshare", "");

  stage("ns:hostname");
  if (hostname) {
    if (!t[1].path) { errno = EINVAL; fail("sethostname", "--hostname needs --uts"); }
    if (sethostname(hostname, strlen(hostname)) < 0) fail("sethostname", hostname);
  }

  stage("ns:sysctl");
  for (size_t j = 0; j < n_sysctls; j++) write_sysctl(sysctls[j]);

  stage("ns:bind");
  for (size_t j = 0; j < nt; j++) {
    char src[64];
    if (!t[j].path) continue;
    strcpy(src, "/proc/self/ns/");
    strcat(src, t[j].type);
    if (mount(src, t[j].path, NULL, MS_BIND, NULL) < 0) fail("mount", t[j].path);
  }
  return 0;
}

/* berth-shim pause: the init of a pod's shared PID namespace (CRI NamespaceMode POD for pid,
 * shareProcessNamespace), like the pause container of containerd. A PID namespace cannot be
 * pinned by a bind mount alone: once its init is gone nothing can be forked into it. So a tiny
 * process stays as PID 1: it reaps the zombies re-parented to it and sleeps; containers join its
 * namespace (setns through the bind-mounted FILE, then clone).
 *
 *   berth-shim pause --pid-ns FILE [--cgroup DIR]...
 *
 * Stages: "pause:daemon" (fork; the first process waits and returns the outcome) → "pause:cgroup"
 * (join the pod cgroups, inherited by the init) → "pause:clone" (CLONE_NEWPID) → "pause:bind"
 * (mount /proc/<init>/ns/pid on FILE), report {"pid":N} and exit; the init runs as "pause". */
#define PAUSE_MAX_CGROUPS 16

/* PID 1 of the new namespace: every signal is taken synchronously; SIGCHLD reaps, SIGTERM and
 * SIGINT end it (the kernel then kills whatever is left in the namespace). */
int pause_loop(void) {
  stage("pause");
  sigset_t all;
  sigfillset(&all);
  if (sigprocmask(SIG_BLOCK, &all, NULL) < 0) _exit(1);
  for (;;) {
    int sig = sigwaitinfo(&all, NULL);
    if (sig == SIGTERM || sig == SIGINT) _exit(0);
    if (sig == SIGCHLD) while (waitpid(-1, NULL, WNOHANG) > 0) {}
  }
}

/* The init re-executes the shim as a bare `pause` (main.c), so the pod's processes see argv
 * "pause" and no host paths in /proc/1/cmdline; it stays PID 1 across execve. */
static int pause_init(void *arg) {
  (void)arg;
  int devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
  if (devnull < 0) _exit(1);
  for (int fd = 0; fd <= 2; fd++) if (dup2(devnull, fd) < 0) _exit(1);
  if (report_fd > 2) close(report_fd); /* the caller waits for every copy of the report fd to close */
  if (chdir("/") < 0) _exit(1);
  char *argv[] = { "pause", NULL }, *envp[] = { NULL };
  execve("/proc/self/exe", argv, envp);
  return pause_loop(); /* the shim's binary went away: pause in place */
}

static void pause_join_cgroups(char **dirs, size_t n) {
  stage("pause:cgroup");
  join_cgroup_dirs(dirs, n);
}

int cmd_pause(int argc, char **argv) {
  const char *ns_file = NULL;
  char *cgroups[PAUSE_MAX_CGROUPS];
  size_t n_cgroups = 0;
  for (int i = 1; i < argc; i += 2) {
    if (i + 1 >= argc) { errno = EINVAL; fail("parse-args", argv[i]); }
    if (!strcmp(argv[i], "--pid-ns")) ns_file = argv[i + 1];
    else if (!strcmp(argv[i], "--cgroup") && n_cgroups < PAUSE_MAX_CGROUPS) cgroups[n_cgroups++] = argv[i + 1];
    else { errno = EINVAL; fail("parse-args", argv[i]); }
  }
  if (!ns_file) { errno = EINVAL; fail("parse-args", "--pid-ns is required"); }

  stage("pause:daemon");
  pid_t pid = fork();
  if (pid < 0) fail("fork", "");
  if (pid > 0) {
    int status;
    while (waitpid(pid, &status, 0) < 0) if (errno != EINTR) fail("waitpid", "");
    return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
  }
  if (setsid() < 0) fail("setsid", "");
  pause_join_cgroups(cgroups, n_cgroups);

  stage("pause:clone");
  pid_t init = clone_on_new_stack(pause_init, NULL, 64 << 10, CLONE_NEWPID);

  stage("pause:bind");
  char src[64], ok[48];
  snprintf(src, sizeof src, "/proc/%d/ns/pid", init);
  if (mount(src, ns_file, NULL, MS_BIND, NULL) < 0) {
    int err = errno;
    kill(init, SIGKILL);
    errno = err;
    fail("mount", ns_file);
  }
  snprintf(ok, sizeof ok, "{\"pid\":%d}\n", init);
  if (write_all(report_fd, ok, strlen(ok)) < 0) fail("write", "report fd");
  _exit(0); /* the init is re-parented to the host's init (or subreaper) and lives on */
}
