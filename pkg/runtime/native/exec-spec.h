/*
 * exec.spec: the flattened form of an OCI bundle's config.json that berth-shim reads.
 * Mirrors pkg/runtime/exec-spec.ts (the one place that writes it). Keep both in step.
 *
 * Why a second file: config.json stays the source of truth (runc/crun run the same bundle),
 * but a JSON reader in C is code we would have to trust; this format needs a 20-line reader.
 * TypeScript makes every decision (mount flags, order, ids); the shim only replays it.
 *
 * Byte layout (version 1):
 *   - UTF-8 text, records separated by '\n', fields within a record by one ' ' (0x20).
 *   - the first field of a record is its keyword; the file's first record is "berth-exec-spec 1".
 *   - every other field is percent-encoded: each byte outside [A-Za-z0-9._/:=,@+-] is written as
 *     '%' and two upper-case hex digits, so fields never contain ' ', '\n' or '%' literally.
 *     An empty field is written as "%" alone (one lone percent sign decodes to "").
 *   - integers are decimal ASCII.
 *
 * Records (any order unless stated; repeated records apply in file order):
 *   root PATH                     host path of the root filesystem (already mounted by TS, unless overlay)
 *   overlay DATA                  mount("overlay", root, "overlay", 0, DATA) first, in the container's own
 *                                 mount namespace (DATA = lowerdir=…,upperdir=…,workdir=…): the host never
 *                                 sees the root, and no `mount` process is spawned for it
 *   hostname NAME                 set only when the UTS namespace is new
 *   ns TYPE PATH                  join (setns) an existing namespace; TYPE = net|uts|ipc|pid|mnt|cgroup|user
 *   newns TYPE                    create a namespace of TYPE in clone()
 *   cgroup DIR                    host cgroup directory to join (writes "0" to DIR/tasks on v1, else DIR/cgroup.procs)
 *   rootprop FLAGS                mount(2) propagation flags for "/" (e.g. MS_REC|MS_PRIVATE)
 *   mount KIND SRC DST TYPE FLAGS DATA
 *                                 KIND = dir|file: what to create at DST if missing;
 *                                 DST is inside the container root; FLAGS are mount(2) flags;
 *                                 a bind with extra flags is remounted with them (MS_REMOUNT|MS_BIND)
 *   remount DST FLAGS             mount(NULL, DST, NULL, FLAGS, NULL); FLAGS include MS_REMOUNT (e.g. a
 *                                 tmpfs turned read-only once its contents are in place), or are a
 *                                 propagation change (MS_SLAVE|MS_REC, MS_SHARED|MS_REC, MS_PRIVATE|MS_REC)
 *                                 of the bind mount just made at DST
 *   symlink TARGET LINK           LINK inside the container root (an existing LINK is kept)
 *   mount, remount and symlink records are root filesystem steps, applied in file order before
 *   pivot_root. An OCI "cgroup" mount arrives as such steps (pkg/runtime/exec-spec.ts
 *   cgroupMountRecords, after runc's mountCgroupV1): a tmpfs at /sys/fs/cgroup, one read-only
 *   bind of the container's own cgroup directory per hierarchy, co-mount symlinks, then
 *   "remount /sys/fs/cgroup MS_REMOUNT|MS_BIND|MS_RDONLY|...".
 *   masked PATH                   after pivot_root: /dev/null over a file, read-only tmpfs over a dir
 *   readonly PATH                 after pivot_root: bind onto itself, remounted read-only
 *   readonlyroot                  last rootfs step: remount "/" read-only (MS_REMOUNT|MS_BIND|MS_RDONLY)
 *   user UID GID [GID...]         identity for exec: setgroups(extra gids), setgid, setuid
 *   caps BND EFF PRM INH AMB      capability sets as decimal 64-bit masks (bit N = capability N).
 *                                 Applied as runc does: drop the bounding set (PR_CAPBSET_DROP),
 *                                 PR_SET_KEEPCAPS across setuid, capset(eff, prm, inh), then raise
 *                                 ambient. Bits the running kernel does not know are ignored.
 *                                 Without this record the process keeps the shim's capabilities.
 *   nonewprivs                    PR_SET_NO_NEW_PRIVS before execve
 *   seccomp HEX                   a classic BPF program (struct sock_filter[], 8 bytes each, as hex) that
 *                                 TypeScript compiled from the OCI profile (seccomp-bpf.ts); installed with
 *                                 seccomp(SECCOMP_SET_MODE_FILTER) just before the identity change, while
 *                                 the process still holds CAP_SYS_ADMIN (as runc without no_new_privs)
 *   oomscoreadj N                 write N (-1000…1000) to /proc/self/oom_score_adj before the identity
 *                                 change (the container's process and every exec into it)
 *   cwd PATH                      chdir before exec
 *   env NAME=VALUE                one per variable, in order
 *   arg VALUE                     argv, in order; argv[0] is resolved through PATH from env
 */
#ifndef BERTH_EXEC_SPEC_H
#define BERTH_EXEC_SPEC_H

#include <stddef.h>

#define SPEC_MAGIC "berth-exec-spec"
#define SPEC_VERSION 1
#define SPEC_MAX_FIELDS 72 /* "user" carries up to 69 supplementary groups */

/* One root filesystem step. kind: "dir"|"file" (mount), "remount" (dst, flags), "symlink"
 * (src = TARGET, dst = LINK). Unused strings are "". */
struct spec_mount {
  char *kind, *src, *dst, *type, *data;
  unsigned long flags;
};

struct spec_ns { char *type; char *path; };

/* The order of the masks in a caps record. */
enum spec_cap_set { CAP_SET_BOUNDING, CAP_SET_EFFECTIVE, CAP_SET_PERMITTED, CAP_SET_INHERITABLE, CAP_SET_AMBIENT };

struct exec_spec {
  char *root, *hostname, *cwd;
  char *overlay;                            /* NULL: root is already mounted */
  unsigned long rootprop;
  struct spec_ns *ns; size_t n_ns;          /* joined (path) and new (path == NULL) */
  char **cgroups; size_t n_cgroups;
  struct spec_mount *mounts; size_t n_mounts; /* mount, remount and symlink steps, in file order */
  char **masked; size_t n_masked;
  char **readonly; size_t n_readonly;
  int readonly_root;                        /* readonlyroot */
  unsigned uid, gid; unsigned *gids; size_t n_gids;
  int has_caps;                             /* a caps record was present */
  unsigned long long caps[5];               /* indexed by enum spec_cap_set */
  int no_new_privs;                         /* nonewprivs */
  int has_oom_score_adj, oom_score_adj;     /* oomscoreadj */
  unsigned char *seccomp; size_t seccomp_len; /* seccomp: struct sock_filter[] bytes, NULL for none */
  char **env; size_t n_env;                 /* NULL-terminated */
  char **args; size_t n_args;               /* NULL-terminated */
};

/* Parses PATH into *spec. On failure returns -1 with errno set and *bad_line to the 1-based line. */
int spec_load(const char *path, struct exec_spec *spec, int *bad_line);

/* Decodes a percent-encoded field in place; returns -1 on a malformed escape. */
int spec_unescape(char *s);

#endif
