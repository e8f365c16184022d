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

/* Forwards what attach wrote to the stdin FIFO; at EOF (stdin-once: the first writer closed) the
 * child's stdin closes. Returns 0 once stdin is done. */
static int forward_stdin(struct relay_io *r) {
  char buf[32768];
  ssize_t n = read(r->stdin_fd, buf, sizeof buf);
  if (n < 0 && (errno == EINTR || errno == EAGAIN)) return 1;
  if (n > 0) {
    /* The container may have closed its stdin or exited: not the shim's failure. */
    (void)!write_all(r->stdin_to, buf, (size_t)n);
    return 1;
  }
  if (!r->stdin_once) return 1; /* not reached: without stdin-once the shim holds a writer itself */
  close(r->stdin_fd);
  if (r->stdin_to != r->master) close(r->stdin_to); /* a pty stays: it is the output too */
  return 0;
}

void relay_io(struct relay_io *r) {
  static struct stream streams[2];
  static char path[PATH_MAX];
  log_path_of(r->log_fd, path, sizeof path);
  sigset_t wait_mask = install_reopen_handler();
  streams[0].fd = r->out_fd; streams[0].name = "stdout"; streams[0].len = 0;
  streams[1].fd = r->err_fd; streams[1].name = "stderr"; streams[1].len = 0;
  int open_count = (r->out_fd >= 0) + (r->err_fd >= 0);
  int stdin_open = r->stdin_fd >= 0, resize_open = r->resize_fd >= 0 && r->master >= 0;
  while (open_count > 0) {
    struct pollfd p[4];
    for (int i = 0; i < 2; i++) { p[i].fd = streams[i].fd; p[i].events = POLLIN; p[i].revents = 0; }
    p[2].fd = stdin_open ? r->stdin_fd : -1; p[2].events = POLLIN; p[2].revents = 0;
    p[3].fd = resize_open ? r->resize_fd : -1; p[3].events = POLLIN; p[3].revents = 0;
    if (reopen_requested) reopen_log(r->log_fd, path);
    if (ppoll(p, 4, NULL, &wait_mask) < 0) {
      if (errno == EINTR) continue;
      fail("poll", "log pipes");
    }
    /* Resizes first: a resize is sent before the input that follows it. */
    if (p[3].revents) apply_resizes(r->resize_fd, r->master, &resize_open);
    if (p[2].revents) stdin_open = forward_stdin(r);
    for (int i = 0; i < 2; i++) {
      if (p[i].fd < 0 || !(p[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      if (!pump(r->log_fd, &streams[i])) { streams[i].fd = -1; open_count--; }
    }
  }
  close(r->log_fd);
}

void relay_logs(int out_fd, int err_fd, int log_fd) {
  struct relay_io r = { out_fd, err_fd, log_fd, -1, -1, 0, -1, -1 };
  relay_io(&r);
}
