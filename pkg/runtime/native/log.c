/* The shim's log relay: the container's stdout and stderr pipes → one file in the CRI log format
 * the kubelet reads (`<RFC3339Nano> <stream> <F|P> <content>\n`, see kubelet pkg/kubelet/kuberuntime/logs).
 * SIGUSR1 reopens the file at the path it had when the relay started (CRI ReopenContainerLog: the
 * kubelet renames the full file, then asks for a new one at the same path). */
#define _GNU_SOURCE
#include "rootfs.h"
#include "shim.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

struct stream {
  int fd;
  const char *name;
  size_t len;
  char buf[LOG_MAX_LINE];
};

/* One record per write(2) so that the two streams never interleave within a line. */
static void emit(int log_fd, const char *name, char tag, const char *line, size_t len) {
  static char rec[LOG_MAX_LINE + 64];
  char when[40];
  rfc3339_now(when);
  size_t n = (size_t)snprintf(rec, sizeof rec, "%s %s %c ", when, name, tag);
  memcpy(rec + n, line, len);
  n += len;
  rec[n++] = '\n';
  /* The log is best effort: a full disk must not kill the container or its shim. */
  if (write_all(log_fd, rec, n) < 0) report_error(errno, "write", "log", strerror(errno));
}

/* Emits every complete line in the buffer, then a partial record if the buffer is full. */
static void drain(int log_fd, struct stream *s) {
  size_t start = 0;
  for (size_t i = 0; i < s->len; i++) {
    if (s->buf[i] != '\n') continue;
    emit(log_fd, s->name, 'F', s->buf + start, i - start);
    start = i + 1;
  }
  memmove(s->buf, s->buf + start, s->len - start);
  s->len -= start;
  if (s->len == sizeof s->buf) {
    emit(log_fd, s->name, 'P', s->buf, s->len);
    s->len = 0;
  }
}

/* Reads once; returns 0 at EOF (after flushing the last unterminated line), 1 otherwise. */
static int pump(int log_fd, struct stream *s) {
  ssize_t n = read(s->fd, s->buf + s->len, sizeof s->buf - s->len);
  if (n < 0 && (errno == EINTR || errno == EAGAIN)) return 1;
  if (n <= 0) {
    if (s->len > 0) emit(log_fd, s->name, 'F', s->buf, s->len);
    s->len = 0;
    close(s->fd);
    return 0;
  }
  s->len += (size_t)n;
  drain(log_fd, s);
  return 1;
}

static volatile sig_atomic_t reopen_requested;

static void on_reopen(int sig) { (void)sig; reopen_requested = 1; }

/* SIGUSR1 stays blocked except inside ppoll(), so a request is never lost between the check and
 * the wait: it interrupts ppoll (EINTR) and the loop reopens before the next write. Returns the
 * mask to wait with. */
static sigset_t install_reopen_handler(void) {
  struct sigaction sa;
  sigset_t usr1, wait_mask;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_reopen;
  sigemptyset(&sa.sa_mask);
  if (sigaction(SIGUSR1, &sa, NULL) < 0) report_error(errno, "sigaction", "SIGUSR1", strerror(errno));
  sigemptyset(&usr1);
  sigaddset(&usr1, SIGUSR1);
  if (sigprocmask(SIG_BLOCK, &usr1, &wait_mask) < 0) report_error(errno, "sigprocmask", "SIGUSR1", strerror(errno));
  sigdelset(&wait_mask, SIGUSR1);
  return wait_mask;
}

/* The log file's path, from the open descriptor (the caller passes only the fd). */
static void log_path_of(int log_fd, char *out, size_t cap) {
  char link[64];
  snprintf(link, sizeof link, "/proc/self/fd/%d", log_fd);
  ssize_t n = readlink(link, out, cap - 1);
  out[n > 0 ? n : 0] = '\0';
}

/* Opens the path anew (created if the kubelet moved it away) and swaps it in for log_fd. */
static void reopen_log(int log_fd, const char *path) {
  reopen_requested = 0;
  if (!path[0]) return;
  int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
  if (fd < 0) { report_error(errno, "open", path, strerror(errno)); return; }
  if (dup3(fd, log_fd, O_CLOEXEC) < 0) report_error(errno, "dup3", path, strerror(errno));
  close(fd);
}

void relay_logs(int out_fd, int err_fd, int log_fd) {
  static struct stream streams[2];
  static char path[PATH_MAX];
  log_path_of(log_fd, path, sizeof path);
  sigset_t wait_mask = install_reopen_handler();
  streams[0].fd = out_fd; streams[0].name = "stdout"; streams[0].len = 0;
  streams[1].fd = err_fd; streams[1].name = "stderr"; streams[1].len = 0;
  int open_count = 2;
  while (open_count > 0) {
    struct pollfd p[2];
    for (int i = 0; i < 2; i++) { p[i].fd = streams[i].fd; p[i].events = POLLIN; p[i].revents = 0; }
    if (reopen_requested) reopen_log(log_fd, path);
    if (ppoll(p, 2, NULL, &wait_mask) < 0) {
      if (errno == EINTR) continue;
      fail("poll", "log pipes");
    }
    for (int i = 0; i < 2; i++) {
      if (p[i].fd < 0 || !(p[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      if (!pump(log_fd, &streams[i])) { streams[i].fd = -1; open_count--; }
    }
  }
  close(log_fd);
}
