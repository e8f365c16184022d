/* berth-shim ns-create: make a pod's network, UTS and IPC namespaces that outlive any process,
 * like `unshare --net=FILE`: unshare them, set the hostname, then bind-mount /proc/self/ns/<type>
 * onto the (pre-created, empty) files. The runtime later umounts and removes the files.
 *
 * Stages: "ns:unshare" → "ns:hostname" → "ns:bind" → exit 0. */
#define _GNU_SOURCE
#include "shim.h"

#include <errno.h>
#include <sched.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

struct ns_target { const char *flag; const char *type; int clone_flag; const char *path; };

int cmd_ns_create(int argc, char **argv) {
  struct ns_target t[] = {
    { "--net", "net", CLONE_NEWNET, NULL },
    { "--uts", "uts", CLONE_NEWUTS, NULL },
    { "--ipc", "ipc", CLONE_NEWIPC, NULL },
  };
  const size_t nt = sizeof t / sizeof t[0];
  const char *hostname = NULL;
  for (int i = 1; i < argc; i += 2) {
    int known = 0;
    if (i + 1 >= argc) { errno = EINVAL; fail("parse-args", argv[i]); }
    if (!strcmp(argv[i], "--hostname")) { hostname = argv[i + 1]; known = 1; }
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
