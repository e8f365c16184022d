/* Reader of exec.spec (layout in exec-spec.h). Small on purpose: split lines, split fields,
 * percent-decode, append to growable arrays. Memory is never freed: the process execs or exits. */
#define _GNU_SOURCE
#include "exec-spec.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int hexval(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

int spec_unescape(char *s) {
  if (strcmp(s, "%") == 0) { s[0] = '\0'; return 0; }
  char *out = s;
  for (char *in = s; *in; in++) {
    if (*in != '%') { *out++ = *in; continue; }
    int hi = hexval(in[1]), lo = hi < 0 ? -1 : hexval(in[2]);
    if (hi < 0 || lo < 0) return -1;
    *out++ = (char)(hi * 16 + lo);
    in += 2;
  }
  *out = '\0';
  return 0;
}

/* Appends one element of `size` bytes to a growable array; aborts the load on ENOMEM. */
static int push(void **arr, size_t *n, size_t size, const void *elem) {
  void *grown = realloc(*arr, (*n + 2) * size); /* +2 keeps room for a NULL terminator */
  if (!grown) return -1;
  *arr = grown;
  memcpy((char *)grown + *n * size, elem, size);
  (*n)++;
  memset((char *)grown + *n * size, 0, size);
  return 0;
}

static int parse_ulong(const char *s, unsigned long *out) {
  char *end;
  errno = 0;
  unsigned long v = strtoul(s, &end, 10);
  if (errno || end == s || *end) { errno = EINVAL; return -1; }
  *out = v;
  return 0;
}

static int parse_ids(char **f, int nf, struct exec_spec *spec) {
  unsigned long v;
  if (nf < 3 || parse_ulong(f[1], &v)) return -1;
  spec->uid = (unsigned)v;
  if (parse_ulong(f[2], &v)) return -1;
  spec->gid = (unsigned)v;
  for (int i = 3; i < nf; i++) {
    unsigned g;
    if (parse_ulong(f[i], &v)) return -1;
    g = (unsigned)v;
    if (push((void **)&spec->gids, &spec->n_gids, sizeof g, &g)) return -1;
  }
  return 0;
}

/* caps BND EFF PRM INH AMB: five decimal 64-bit masks. */
static int parse_caps(char **f, int nf, struct exec_spec *spec) {
  if (nf != 6) { errno = EINVAL; return -1; }
  for (int i = 0; i < 5; i++) {
    char *end;
    errno = 0;
    unsigned long long v = strtoull(f[i + 1], &end, 10);
    if (errno || end == f[i + 1] || *end) { errno = EINVAL; return -1; }
    spec->caps[i] = v;
  }
  spec->has_caps = 1;
  return 0;
}

static int parse_oom_score_adj(const char *s, struct exec_spec *spec) {
  char *end;
  errno = 0;
  long v = strtol(s, &end, 10);
  if (errno || end == s || *end || v < -1000 || v > 1000) { errno = EINVAL; return -1; }
  spec->oom_score_adj = (int)v;
  spec->has_oom_score_adj = 1;
  return 0;
}

/* seccomp HEX: whole 8-byte instructions only, decoded into aligned memory (struct sock_filter). */
static int parse_seccomp(const char *hex, struct exec_spec *spec) {
  size_t n = strlen(hex);
  if (n == 0 || n % 16 != 0) { errno = EINVAL; return -1; }
  unsigned char *out = malloc(n / 2);
  if (!out) return -1;
  for (size_t i = 0; i < n; i += 2) {
    int hi = hexval(hex[i]), lo = hexval(hex[i + 1]);
    if (hi < 0 || lo < 0) { errno = EINVAL; return -1; }
    out[i / 2] = (unsigned char)(hi * 16 + lo);
  }
  spec->seccomp = out;
  spec->seccomp_len = n / 2;
  return 0;
}

static char empty[] = "";

/* mount KIND SRC DST TYPE FLAGS DATA | remount DST FLAGS | symlink TARGET LINK → one ordered step. */
static int parse_step(char **f, int nf, struct exec_spec *spec) {
  struct spec_mount m = { f[0], empty, empty, empty, empty, 0 };
  if (!strcmp(f[0], "mount")) {
    if (nf != 7 || (strcmp(f[1], "dir") && strcmp(f[1], "file"))) { errno = EINVAL; return -1; }
    m.kind = f[1]; m.src = f[2]; m.dst = f[3]; m.type = f[4]; m.data = f[6];
    if (parse_ulong(f[5], &m.flags)) return -1;
  } else if (!strcmp(f[0], "remount")) {
    if (nf != 3) { errno = EINVAL; return -1; }
    m.dst = f[1];
    if (parse_ulong(f[2], &m.flags)) return -1;
  } else {
    if (nf != 3) { errno = EINVAL; return -1; }
    m.src = f[1]; m.dst = f[2];
  }
  return push((void **)&spec->mounts, &spec->n_mounts, sizeof m, &m);
}

#define NEED(n) do { if (nf != (n)) { errno = EINVAL; return -1; } } while (0)
#define PUSH_STR(arr, cnt, s) push((void **)&(arr), &(cnt), sizeof(char *), &(s))

static int parse_record(char **f, int nf, struct exec_spec *spec) {
  const char *k = f[0];
  if (!strcmp(k, "root")) { NEED(2); spec->root = f[1]; return 0; }
  if (!strcmp(k, "overlay")) { NEED(2); spec->overlay = f[1]; return 0; }
  if (!strcmp(k, "hostname")) { NEED(2); spec->hostname = f[1]; return 0; }
  if (!strcmp(k, "cwd")) { NEED(2); spec->cwd = f[1]; return 0; }
  if (!strcmp(k, "rootprop")) { NEED(2); return parse_ulong(f[1], &spec->rootprop); }
  if (!strcmp(k, "ns") || !strcmp(k, "newns")) {
    NEED(!strcmp(k, "ns") ? 3 : 2);
    struct spec_ns ns = { f[1], nf == 3 ? f[2] : NULL };
    return push((void **)&spec->ns, &spec->n_ns, sizeof ns, &ns);
  }
  if (!strcmp(k, "cgroup")) { NEED(2); return PUSH_STR(spec->cgroups, spec->n_cgroups, f[1]); }
  if (!strcmp(k, "mount") || !strcmp(k, "remount") || !strcmp(k, "symlink")) return parse_step(f, nf, spec);
  if (!strcmp(k, "masked")) { NEED(2); return PUSH_STR(spec->masked, spec->n_masked, f[1]); }
  if (!strcmp(k, "readonly")) { NEED(2); return PUSH_STR(spec->readonly, spec->n_readonly, f[1]); }
  if (!strcmp(k, "readonlyroot")) { NEED(1); spec->readonly_root = 1; return 0; }
  if (!strcmp(k, "user")) return parse_ids(f, nf, spec);
  if (!strcmp(k, "caps")) return parse_caps(f, nf, spec);
  if (!strcmp(k, "nonewprivs")) { NEED(1); spec->no_new_privs = 1; return 0; }
  if (!strcmp(k, "oomscoreadj")) { NEED(2); return parse_oom_score_adj(f[1], spec); }
  if (!strcmp(k, "seccomp")) { NEED(2); return parse_seccomp(f[1], spec); }
  if (!strcmp(k, "env")) { NEED(2); return PUSH_STR(spec->env, spec->n_env, f[1]); }
  if (!strcmp(k, "arg")) { NEED(2); return PUSH_STR(spec->args, spec->n_args, f[1]); }
  errno = EINVAL; /* an unknown keyword means TS and C are out of step: refuse rather than guess */
  return -1;
}

static char *read_all(const char *path) {
  FILE *fp = fopen(path, "re");
  if (!fp) return NULL;
  size_t cap = 4096, len = 0;
  char *buf = malloc(cap);
  while (buf) {
    size_t got = fread(buf + len, 1, cap - len - 1, fp);
    len += got;
    if (got == 0) break;
    if (len + 1 == cap) { char *g = realloc(buf, cap *= 2); if (!g) { free(buf); buf = NULL; } else buf = g; }
  }
  int failed = !buf || ferror(fp);
  int saved = errno;
  fclose(fp);
  if (failed) { free(buf); errno = saved ? saved : EIO; return NULL; }
  buf[len] = '\0';
  return buf;
}

int spec_load(const char *path, struct exec_spec *spec, int *bad_line) {
  memset(spec, 0, sizeof *spec);
  spec->cwd = "/";
  *bad_line = 0;
  char *text = read_all(path);
  if (!text) return -1;
  char *save_line = NULL;
  int line_no = 0;
  for (char *line = strtok_r(text, "\n", &save_line); line; line = strtok_r(NULL, "\n", &save_line)) {
    char *f[SPEC_MAX_FIELDS + 1], *save_field = NULL;
    int nf = 0;
    line_no++;
    for (char *t = strtok_r(line, " ", &save_field); t; t = strtok_r(NULL, " ", &save_field)) {
      if (nf == SPEC_MAX_FIELDS || spec_unescape(t)) { *bad_line = line_no; errno = EINVAL; return -1; }
      f[nf++] = t;
    }
    if (nf == 0) continue;
    if (line_no == 1) {
      if (nf != 2 || strcmp(f[0], SPEC_MAGIC) || atoi(f[1]) != SPEC_VERSION) { *bad_line = 1; errno = EINVAL; return -1; }
      continue;
    }
    if (parse_record(f, nf, spec)) { *bad_line = line_no; return -1; }
  }
  if (!spec->root || spec->n_args == 0) { *bad_line = line_no; errno = EINVAL; return -1; }
  return 0;
}
