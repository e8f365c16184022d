/* Container root filesystem and exec, replayed from exec.spec in the cloned child (new mount ns).
 * Mirrors the order of runc's libcontainer/rootfs_linux.go: propagation, bind the root, mounts
 * (with the cgroup v1 binds) and symlinks in exec.spec order, pivot_root, then masked and
 * read-only paths. */
#define _GNU_SOURCE
#include "rootfs.h"
#include "shim.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/syscall.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Joins the container root and a path inside it. Symlinks inside the image are not resolved
 * securely here (runc uses securejoin); the runtime only mounts onto paths it chose. */
static void in_root(char *out, size_t cap, const char *root, const char *p) {
  if (snprintf(out, cap, "%s/%s", root, p[0] == '/' ? p + 1 : p) >= (int)cap) {
    errno = ENAMETOOLONG;
    fail("path", p);
  }
}

static void mkdir_p(const char *path) {
  char tmp[4096];
  snprintf(tmp, sizeof tmp, "%s", path);
  for (char *p = tmp + 1; *p; p++) {
    if (*p != '/') continue;
    *p = '\0';
    if (mkdir(tmp, 0755) < 0 && errno != EEXIST) fail("mkdir", tmp);
    *p = '/';
  }
  if (mkdir(tmp, 0755) < 0 && errno != EEXIST) fail("mkdir", tmp);
}

/* Creates the mount point: a directory, or an empty file for file bind mounts. */
static void make_target(const char *kind, const char *target) {
  struct stat st;
  if (lstat(target, &st) == 0) return;
  if (!strcmp(kind, "dir")) { mkdir_p(target); return; }
  char parent[4096];
  snprintf(parent, sizeof parent, "%s", target);
  char *slash = strrchr(parent, '/');
  if (slash && slash != parent) { *slash = '\0'; mkdir_p(parent); }
  int fd = open(target, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) fail("create", target);
  close(fd);
}

static void do_mount(const char *root, struct spec_mount *m) {
  char target[4096];
  in_root(target, sizeof target, root, m->dst);
  make_target(m->kind, target);
  const char *src = m->src[0] ? m->src : NULL;
  const char *type = m->type[0] ? m->type : NULL;
  const char *data = m->data[0] ? m->data : NULL;
  if (mount(src, target, type, m->flags, data) < 0) fail("mount", target);
  /* A bind mount ignores most flags on the first call; they apply only on a remount. */
  unsigned long extra = m->flags & ~(unsigned long)(MS_BIND | MS_REC);
  if ((m->flags & MS_BIND) && extra) {
    if (mount(NULL, target, NULL, MS_REMOUNT | MS_BIND | extra, NULL) < 0) fail("remount", target);
  }
}

/* One root filesystem step (mount, remount or symlink), in exec.spec order. */
static void do_step(const char *root, struct spec_mount *m) {
  char target[4096];
  if (!strcmp(m->kind, "remount")) {
    in_root(target, sizeof target, root, m->dst);
    if (mount(NULL, target, NULL, m->flags, NULL) < 0) fail("remount", target);
  } else if (!strcmp(m->kind, "symlink")) {
    in_root(target, sizeof target, root, m->dst);
    if (symlink(m->src, target) < 0 && errno != EEXIST) fail("symlink", target);
  } else {
    do_mount(root, m);
  }
}

static void pivot(const char *root) {
  stage("ctr:pivot");
  /* pivot_root(".", ".") stacks the old root under the new one; detaching "." drops it
   * without needing a directory for it inside the image (runc does the same). */
  if (chdir(root) < 0) fail("chdir", root);
  if (syscall(SYS_pivot_root, ".", ".") < 0) fail("pivot_root", root);
  if (umount2(".", MNT_DETACH) < 0) fail("umount2", "old root");
  if (chdir("/") < 0) fail("chdir", "/");
}

static void mask_path(const char *p) {
  struct stat st;
  if (stat(p, &st) < 0) { if (errno == ENOENT) return; fail("stat", p); }
  if (S_ISDIR(st.st_mode)) {
    if (mount("tmpfs", p, "tmpfs", MS_RDONLY, NULL) < 0) fail("mount", p);
  } else if (mount("/dev/null", p, NULL, MS_BIND, NULL) < 0) {
    fail("mount", p);
  }
}

static void readonly_path(const char *p) {
  if (mount(p, p, NULL, MS_BIND | MS_REC, NULL) < 0) { if (errno == ENOENT) return; fail("mount", p); }
  if (mount(NULL, p, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0) fail("remount", p);
}

void setup_rootfs(struct exec_spec *spec) {
  stage("ctr:mounts");
  if (spec->rootprop && mount(NULL, "/", NULL, spec->rootprop, NULL) < 0) fail("mount", "/ propagation");
  /* After the propagation change, so the overlay stays in this mount namespace. */
  if (spec->overlay && mount("overlay", spec->root, "overlay", 0, spec->overlay) < 0) fail("mount", "overlay root");
  if (mount(spec->root, spec->root, NULL, MS_BIND | MS_REC, NULL) < 0) fail("mount", spec->root);
  for (size_t i = 0; i < spec->n_mounts; i++) do_step(spec->root, &spec->mounts[i]);
  pivot(spec->root);
  stage("ctr:paths");
  for (size_t i = 0; i < spec->n_masked; i++) mask_path(spec->masked[i]);
  for (size_t i = 0; i < spec->n_readonly; i++) readonly_path(spec->readonly[i]);
  /* Last, as runc's finalizeRootfs: every mount point had to be created first. */
  if (spec->readonly_root && mount(NULL, "/", NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL) < 0) fail("remount", "/ read-only");
}

/* The capabilities this kernel knows (PR_CAPBSET_READ answers EINVAL past the last one). */
static unsigned long long known_caps(void) {
  unsigned long long known = 0;
  for (int cap = 0; cap < 64; cap++) {
    if (prctl(PR_CAPBSET_READ, cap, 0, 0, 0) < 0) {
      if (errno == EINVAL) break;
      fail("prctl", "PR_CAPBSET_READ");
    }
    known |= 1ULL << cap;
  }
  return known;
}

/* Drops from the bounding set every known capability outside `keep` (needs CAP_SETPCAP: still root). */
static void drop_bounding(unsigned long long known, unsigned long long keep) {
  for (int cap = 0; cap < 64 && (known >> cap) & 1; cap++) {
    if ((keep >> cap) & 1) continue;
    if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0) fail("prctl", "PR_CAPBSET_DROP");
  }
}

/* capset(2) of effective, permitted and inheritable (version 3: two 32-bit words), then ambient. */
static void set_caps(const struct exec_spec *spec, unsigned long long known) {
  struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
  struct __user_cap_data_struct data[2];
  unsigned long long eff = spec->caps[CAP_SET_EFFECTIVE] & known, prm = spec->caps[CAP_SET_PERMITTED] & known;
  unsigned long long inh = spec->caps[CAP_SET_INHERITABLE] & known, amb = spec->caps[CAP_SET_AMBIENT] & known;
  for (int i = 0; i < 2; i++) {
    data[i].effective = (uint32_t)(eff >> (32 * i));
    data[i].permitted = (uint32_t)(prm >> (32 * i));
    data[i].inheritable = (uint32_t)(inh >> (32 * i));
  }
  if (syscall(SYS_capset, &hdr, data) < 0) fail("capset", "");
  for (int cap = 0; cap < 64; cap++) {
    if (((amb >> cap) & 1) && prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) < 0) fail("prctl", "PR_CAP_AMBIENT_RAISE");
  }
}

void apply_identity(struct exec_spec *spec) {
  unsigned long long known = spec->has_caps ? known_caps() : 0;
  if (spec->has_caps) {
    drop_bounding(known, spec->caps[CAP_SET_BOUNDING]);
    /* Keep the permitted set across setuid to a non-root uid; capset below trims it. */
    if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0) fail("prctl", "PR_SET_KEEPCAPS");
  }
  if (setgroups(spec->n_gids, (gid_t *)spec->gids) < 0) fail("setgroups", "");
  if (setgid(spec->gid) < 0) fail("setgid", "");
  if (setuid(spec->uid) < 0) fail("setuid", "");
  if (spec->has_caps) {
    if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0) fail("prctl", "PR_SET_KEEPCAPS");
    set_caps(spec, known);
  }
  if (spec->no_new_privs && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) fail("prctl", "PR_SET_NO_NEW_PRIVS");
}

static const char *env_path(struct exec_spec *spec) {
  for (size_t i = 0; i < spec->n_env; i++) if (!strncmp(spec->env[i], "PATH=", 5)) return spec->env[i] + 5;
  return "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
}

/* Resolves argv[0] like execvpe, but against the container's PATH rather than the shim's. */
static const char *resolve(struct exec_spec *spec, char *buf, size_t cap) {
  const char *name = spec->args[0];
  if (strchr(name, '/')) return name;
  const char *p = env_path(spec);
  while (*p) {
    const char *end = strchr(p, ':');
    size_t n = end ? (size_t)(end - p) : strlen(p);
    if (n > 0 && snprintf(buf, cap, "%.*s/%s", (int)n, p, name) < (int)cap && access(buf, X_OK) == 0) return buf;
    p += n + (end ? 1 : 0);
  }
  errno = ENOENT;
  report_error(ENOENT, "exec", name, "executable file not found in $PATH");
  _exit(127);
}

/* The filter from exec.spec; the kernel checks it (and refuses one that is malformed). */
static void install_seccomp(unsigned char *prog, size_t len) {
  struct sock_fprog fprog = { (unsigned short)(len / sizeof(struct sock_filter)), (struct sock_filter *)prog };
  if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &fprog) < 0) fail("seccomp", "SECCOMP_SET_MODE_FILTER");
}

void exec_process(struct exec_spec *spec) {
  stage("ctr:exec");
  int new_uts = 0;
  for (size_t i = 0; i < spec->n_ns; i++) if (!strcmp(spec->ns[i].type, "uts") && !spec->ns[i].path) new_uts = 1;
  if (new_uts && spec->hostname && sethostname(spec->hostname, strlen(spec->hostname)) < 0) fail("sethostname", spec->hostname);
  /* Before the identity change: lowering the score needs CAP_SYS_RESOURCE (runc writes it in its init too). */
  if (spec->has_oom_score_adj) {
    char text[16];
    int fd = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
    int n = snprintf(text, sizeof text, "%d", spec->oom_score_adj);
    if (fd < 0) fail("open", "/proc/self/oom_score_adj");
    if (write_all(fd, text, (size_t)n) < 0) fail("write", "/proc/self/oom_score_adj");
    close(fd);
  }
  if (spec->seccomp) install_seccomp(spec->seccomp, spec->seccomp_len);
  apply_identity(spec);
  if (chdir(spec->cwd) < 0) fail("chdir", spec->cwd);
  char buf[4096];
  const char *file = resolve(spec, buf, sizeof buf);
  execve(file, spec->args, spec->env ? spec->env : (char *[]){ NULL });
  int err = errno;
  report_error(err, "exec", file, strerror(err));
  _exit(err == ENOENT ? 127 : 126);
}
