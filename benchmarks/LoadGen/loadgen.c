// Echo load generator: one thread, epoll, loopback only, every echoed byte verified.
//
//   loadgen --mode pingpong|pipeline|churn|idle (--tcp PORT | --unix PATH) [options]
//     --conns N        connections (pingpong 50, pipeline 8, idle 10000)
//     --size B         message size (pingpong/churn 64, pipeline 16384)
//     --depth D        messages in flight per connection (pipeline 8)
//     --workers W      concurrent connect/echo/close cycles (churn 16)
//     --warmup S       seconds before measuring (1)
//     --duration S     measured seconds (5)
//     --signal-pid P   send SIGHUP to P at the start and end of the measured window
//     --rss-pid P      (idle) read VmRSS of P before connecting and while holding
//     --cpu-pid P      report P's CPU use over the measured window (server_cpu_pct, all its threads)
//
// Output: one line of key=value pairs. Exit status 2 on any integrity failure or error.
//
// Integrity: connection c's byte stream is a window of a random pattern of prime period P
// (> anything in flight), starting at offset c*K; received bytes are memcmp'd against the
// expected window, so a lost, duplicated or reordered chunk fails loudly.
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define PERIOD 1000003u       // prime, > 8 * 16 KiB * 7
#define PATBUF (PERIOD + 262144u)
#define HIST_US 200000        // latency histogram: 1 us buckets up to 200 ms
#define MAXEV 512

static uint8_t *pattern;
static uint32_t hist[HIST_US + 1];
static uint64_t hist_n;

enum { M_PINGPONG, M_PIPELINE, M_CHURN, M_IDLE };
static int mode = M_PINGPONG, conns = -1, size = -1, depth = 8, workers = 16;
static double warmup = 1, duration = 5;
static int tcp_port = 0;
static const char *unix_path;
static pid_t signal_pid, rss_pid, cpu_pid;
static int epfd;
static int measuring, stopping;
static uint64_t msgs, bytes_rx, conns_done, errors;

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static void fail(const char *what, int c, uint64_t off) {
  int e = errno;
  fprintf(stderr, "loadgen: INTEGRITY/ERROR: %s (conn %d, offset/code %llu, errno %s)\n", what, c, (unsigned long long)off,
          strerror(e));
  printf("error=%s\n", what);
  fflush(stdout);
  exit(2);
}

static void record_latency(uint64_t ns) {
  if (!measuring) return;
  uint64_t us = ns / 1000;
  hist[us > HIST_US ? HIST_US : us]++;
  hist_n++;
}

static double percentile(double p) {
  if (hist_n == 0) return 0;
  uint64_t target = (uint64_t)(p * hist_n), acc = 0;
  for (int i = 0; i <= HIST_US; i++) {
    acc += hist[i];
    if (acc > target) return i;
  }
  return HIST_US;
}

static long rss_kib(pid_t pid) {
  if (!pid) return -1;
  char path[64], line[256];
  snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
  FILE *f = fopen(path, "r");
  if (!f) return -1;
  long v = -1;
  while (fgets(line, sizeof line, f))
    if (!strncmp(line, "VmRSS:", 6)) { v = atol(line + 6); break; }
  fclose(f);
  return v;
}

// CPU seconds (user + system, every thread) the process has used so far; 0 without --cpu-pid.
static double proc_cpu_s(pid_t pid) {
  if (!pid) return 0;
  char path[64], line[1024];
  snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
  FILE *f = fopen(path, "r");
  if (!f) return 0;
  double v = 0;
  if (fgets(line, sizeof line, f)) {
    // Fields after the command name (which may contain spaces): state is field 3, utime 14, stime 15.
    char *p = strrchr(line, ')');
    unsigned long ut = 0, st = 0;
    if (p && sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ut, &st) == 2)
      v = (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
  }
  fclose(f);
  return v;
}

static double rusage_s(const struct rusage *r) {
  return r->ru_utime.tv_sec + r->ru_utime.tv_usec / 1e6 + r->ru_stime.tv_sec + r->ru_stime.tv_usec / 1e6;
}

// The measured window: the server is signalled and both processes' CPU read at its start and end.
typedef struct {
  double self0, srv0;        // CPU seconds at the start: this process, the server (--cpu-pid)
  double self_pct, srv_pct;  // CPU % over the window, set by window_close
} window_t;

static void signal_server(void) {
  if (signal_pid) kill(signal_pid, SIGHUP);
}

static void window_open(window_t *w) {
  struct rusage r;
  signal_server();
  getrusage(RUSAGE_SELF, &r);
  w->self0 = rusage_s(&r);
  w->srv0 = proc_cpu_s(cpu_pid);
}

static void window_close(window_t *w) {
  struct rusage r;
  getrusage(RUSAGE_SELF, &r);
  double srv1 = proc_cpu_s(cpu_pid);
  signal_server();
  w->self_pct = 100 * (rusage_s(&r) - w->self0) / duration;
  w->srv_pct = 100 * (srv1 - w->srv0) / duration;
}

static void print_server_cpu(const window_t *w) {
  if (cpu_pid) printf(" server_cpu_pct=%.1f", w->srv_pct);
}

typedef struct {
  int fd, id, state;            // state: 0 free, 1 connecting, 2 open
  uint32_t base;                // pattern offset of this stream
  uint64_t sent, target, rcvd;  // bytes sent / to send / received+verified
  uint64_t done;                // messages completed
  uint64_t *t;                  // send time per in-flight message (ring of depth)
  int want_out;
} conn_t;

// First event on a connecting socket: the non-blocking connect finished; fail loudly if refused.
static void finish_connect(conn_t *c) {
  if (c->state != 1) return;
  int err = 0;
  socklen_t l = sizeof err;
  getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &l);
  if (err) fail("connect failed", c->id, err);
  c->state = 2;
}

static conn_t *cs;

static int new_socket(void) {
  int fd = socket(unix_path ? AF_UNIX : AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) fail("socket() failed", -1, errno);
  if (!unix_path) {
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  }
  return fd;
}

// Starts a non-blocking connect; returns 1 if connected at once, 0 if in progress.
static int start_connect(int fd) {
  int r;
  if (unix_path) {
    struct sockaddr_un a = {.sun_family = AF_UNIX};
    strncpy(a.sun_path, unix_path, sizeof a.sun_path - 1);
    r = connect(fd, (struct sockaddr *)&a, sizeof a);
  } else {
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(tcp_port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    r = connect(fd, (struct sockaddr *)&a, sizeof a);
  }
  if (r == 0) return 1;
  if (errno == EINPROGRESS || errno == EAGAIN) return 0;
  fail("connect() failed", -1, errno);
  return 0;
}

static void ep_set(conn_t *c, int op, uint32_t ev) {
  struct epoll_event e = {.events = ev, .data.ptr = c};
  if (epoll_ctl(epfd, op, c->fd, &e) < 0) fail("epoll_ctl failed", c->id, errno);
}

static void open_conn(conn_t *c, int id) {
  c->fd = new_socket();
  c->id = id;
  c->base = (uint32_t)(((uint64_t)id * 7919u * 131u) % PERIOD);
  c->sent = c->target = c->rcvd = c->done = 0;
  c->want_out = 1;
  c->state = start_connect(c->fd) ? 2 : 1;
  ep_set(c, EPOLL_CTL_ADD, EPOLLIN | EPOLLOUT);
}

static const uint8_t *pat_at(conn_t *c, uint64_t off, size_t *avail) {
  uint32_t p = (uint32_t)((c->base + off) % PERIOD);
  *avail = PATBUF - p;
  return pattern + p;
}

// Writes until sent == target or the socket is full; arms EPOLLOUT only while blocked.
static void pump(conn_t *c) {
  while (c->sent < c->target) {
    size_t avail;
    const uint8_t *p = pat_at(c, c->sent, &avail);
    size_t n = c->target - c->sent;
    if (n > avail) n = avail;
    if (n > 262144) n = 262144;
    ssize_t w = write(c->fd, p, n);
    if (w < 0) {
      if (errno == EAGAIN) break;
      fail("write() failed", c->id, c->sent);
    }
    c->sent += (uint64_t)w;
  }
  int want = c->sent < c->target;
  if (want != c->want_out) {
    c->want_out = want;
    ep_set(c, EPOLL_CTL_MOD, EPOLLIN | (want ? EPOLLOUT : 0));
  }
}

static void close_conn(conn_t *c) {
  epoll_ctl(epfd, EPOLL_CTL_DEL, c->fd, NULL);
  close(c->fd);
  c->fd = -1;
  c->state = 0;
}

// Called when a full message came back.
static void on_message(conn_t *c, uint64_t t_now);

// Reads and verifies everything available; returns 0 on EOF.
static int drain_input(conn_t *c, uint64_t t_now) {
  static uint8_t buf[262144];
  for (;;) {
    ssize_t r = read(c->fd, buf, sizeof buf);
    if (r < 0) {
      if (errno == EAGAIN) return 1;
      fail("read() failed (connection reset?)", c->id, c->rcvd);
    }
    if (r == 0) return 0;
    if (c->rcvd + (uint64_t)r > c->sent) fail("received more bytes than sent", c->id, c->rcvd);
    size_t off = 0;
    while (off < (size_t)r) {
      size_t avail;
      const uint8_t *p = pat_at(c, c->rcvd, &avail);
      size_t n = (size_t)r - off;
      // Deliver message boundaries one at a time so latency is per message.
      uint64_t next_boundary = (c->done + 1) * (uint64_t)size;
      if (c->rcvd + n > next_boundary) n = next_boundary - c->rcvd;
      if (n > avail) n = avail;
      if (memcmp(buf + off, p, n) != 0) fail("echoed bytes differ from sent bytes", c->id, c->rcvd);
      c->rcvd += n;
      off += n;
      if (measuring) bytes_rx += n;
      if (c->rcvd == next_boundary) {
        c->done++;
        on_message(c, t_now);
      }
    }
    if ((size_t)r < sizeof buf) return 1;
  }
}

static void on_message(conn_t *c, uint64_t t_now) {
  uint64_t m = c->done - 1;  // the message that just completed
  record_latency(t_now - c->t[m % depth]);
  if (measuring) msgs++;
  if (mode == M_CHURN || mode == M_IDLE) return;
  if (stopping) return;
  uint64_t next = m + depth;  // keep `depth` messages in flight
  c->t[next % depth] = now_ns();
  c->target += size;
}

static void run_stream(void) {
  int n = conns;
  cs = calloc(n, sizeof *cs);
  for (int i = 0; i < n; i++) {
    cs[i].t = calloc(depth, sizeof(uint64_t));
    open_conn(&cs[i], i);
  }
  struct epoll_event ev[MAXEV];
  double t0 = now_s(), t_measure = t0 + warmup, t_end = t_measure + duration, t_drain = 0;
  window_t w = {0};
  int started = 0;
  for (;;) {
    double t = now_s();
    if (!measuring && !stopping && t >= t_measure) {
      measuring = 1;
      window_open(&w);
    }
    if (measuring && t >= t_end) {
      window_close(&w);
      measuring = 0;
      stopping = 1;
      t_drain = t + 3;
      printf("mode=%s conns=%d size=%d depth=%d secs=%.3f msgs=%llu msgs_per_s=%.0f mib_per_s=%.2f p50_us=%.0f p99_us=%.0f loadgen_cpu_pct=%.0f",
             mode == M_PINGPONG ? "pingpong" : "pipeline", conns, size, depth, duration, (unsigned long long)msgs,
             msgs / duration, bytes_rx / duration / 1048576.0, percentile(0.50), percentile(0.99), w.self_pct);
      print_server_cpu(&w);
    }
    if (stopping) {
      int pending = 0;
      for (int i = 0; i < n; i++) pending += cs[i].rcvd < cs[i].target;
      if (!pending || t >= t_drain) {
        if (pending) fail("echo did not complete within 3 s of the end", -1, pending);
        printf(" verified=1\n");
        break;
      }
    }
    int k = epoll_wait(epfd, ev, MAXEV, 50);
    uint64_t tn = now_ns();
    for (int i = 0; i < k; i++) {
      conn_t *c = ev[i].data.ptr;
      finish_connect(c);
      if (c->state == 2 && c->target == 0) {
        // first time open: start the first `depth` messages
        uint64_t ts = now_ns();
        for (int d = 0; d < depth; d++) c->t[d] = ts;
        c->target = (uint64_t)size * depth;
        started++;
      }
      if (ev[i].events & (EPOLLIN | EPOLLERR | EPOLLHUP)) {
        if (!drain_input(c, tn)) fail("server closed the connection", c->id, c->rcvd);
      }
      pump(c);
    }
  }
  (void)started;
  for (int i = 0; i < n; i++) close_conn(&cs[i]);
}

// churn: each worker loops connect -> write size bytes -> read the echo -> close.
static void run_churn(void) {
  int n = workers;
  cs = calloc(n, sizeof *cs);
  int next_id = 0;
  depth = 1;
  for (int i = 0; i < n; i++) {
    cs[i].t = calloc(1, sizeof(uint64_t));
    cs[i].t[0] = now_ns();
    open_conn(&cs[i], next_id++);
  }
  struct epoll_event ev[MAXEV];
  double t0 = now_s(), t_measure = t0 + warmup, t_end = t_measure + duration;
  window_t w = {0};
  for (;;) {
    double t = now_s();
    if (!measuring && t >= t_measure) {
      measuring = 1;
      window_open(&w);
    }
    if (measuring && t >= t_end) {
      window_close(&w);
      measuring = 0;
      printf("mode=churn workers=%d size=%d secs=%.3f conns=%llu conns_per_s=%.0f p50_us=%.0f p99_us=%.0f loadgen_cpu_pct=%.0f",
             workers, size, duration, (unsigned long long)conns_done, conns_done / duration, percentile(0.50),
             percentile(0.99), w.self_pct);
      print_server_cpu(&w);
      printf(" verified=1\n");
      break;
    }
    int k = epoll_wait(epfd, ev, MAXEV, 50);
    uint64_t tn = now_ns();
    for (int i = 0; i < k; i++) {
      conn_t *c = ev[i].data.ptr;
      finish_connect(c);
      if (c->state == 2 && c->target == 0) c->target = size;
      if (ev[i].events & (EPOLLIN | EPOLLERR | EPOLLHUP)) {
        int open = drain_input(c, tn);
        if (c->done == 1) {
          if (measuring) conns_done++;
          close_conn(c);
          c->t[0] = now_ns();  // cycle latency: connect to echo complete
          open_conn(c, next_id++);
          continue;
        }
        if (!open) fail("server closed before echoing", c->id, c->rcvd);
      }
      pump(c);
    }
  }
  for (int i = 0; i < n; i++)
    if (cs[i].state) close_conn(&cs[i]);
}

// idle: open `conns` connections (at most 128 connecting at once), echo `size` bytes once on each,
// then hold them 1 s and read the server's RSS.
static void run_idle(void) {
  int n = conns;
  cs = calloc(n, sizeof *cs);
  depth = 1;
  long rss0 = rss_kib(rss_pid);
  struct epoll_event ev[MAXEV];
  int opened = 0, connected = 0, echoed = 0;
  // Two halves: RSS is read once half the connections are held and again with all of them, so the
  // second half gives the marginal cost of one more idle connection, free of one-time costs (JIT,
  // thread pool growth, the GC's first budgets) that the average over all of them includes.
  int limit = n / 2;
  long rss_mid = -1;
  double t0 = now_s(), deadline = t0 + 60;
  measuring = 1;
  while (echoed < n) {
    if (echoed == limit && limit < n) {
      usleep(1500000);
      rss_mid = rss_kib(rss_pid);
      limit = n;
    }
    while (opened < limit && opened - connected < 128) {
      cs[opened].t = calloc(1, sizeof(uint64_t));
      open_conn(&cs[opened], opened);
      opened++;
    }
    if (now_s() > deadline) fail("idle: connecting/echoing took over 60 s", echoed, connected);
    int k = epoll_wait(epfd, ev, MAXEV, 50);
    uint64_t tn = now_ns();
    for (int i = 0; i < k; i++) {
      conn_t *c = ev[i].data.ptr;
      finish_connect(c);
      if (c->state == 2 && c->target == 0) {
        connected++;
        c->t[0] = now_ns();
        c->target = size;
      }
      if (ev[i].events & (EPOLLIN | EPOLLERR | EPOLLHUP)) {
        uint64_t before = c->done;
        if (!drain_input(c, tn)) fail("server closed an idle connection", c->id, c->rcvd);
        if (c->done > before) {
          echoed++;
          ep_set(c, EPOLL_CTL_MOD, 0);  // idle from now on
          c->want_out = 0;
          continue;
        }
      }
      pump(c);
    }
  }
  double t_conn = now_s() - t0 - 1.5;
  usleep(1500000);
  long rss1 = rss_kib(rss_pid);
  printf("mode=idle conns=%d size=%d setup_s=%.2f p50_us=%.0f p99_us=%.0f rss_before_kib=%ld rss_half_kib=%ld "
         "rss_holding_kib=%ld rss_per_conn_kib=%.2f rss_marginal_per_conn_kib=%.2f verified=1\n",
         n, size, t_conn, percentile(0.5), percentile(0.99), rss0, rss_mid, rss1,
         rss0 > 0 && rss1 > 0 ? (double)(rss1 - rss0) / n : -1.0,
         rss_mid > 0 && rss1 > 0 ? (double)(rss1 - rss_mid) / (n - n / 2) : -1.0);
  for (int i = 0; i < n; i++) close_conn(&cs[i]);
}

int main(int argc, char **argv) {
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (!v) { fprintf(stderr, "missing value for %s\n", a); return 1; }
    i++;
    if (!strcmp(a, "--mode")) {
      mode = !strcmp(v, "pingpong") ? M_PINGPONG : !strcmp(v, "pipeline") ? M_PIPELINE : !strcmp(v, "churn") ? M_CHURN
             : !strcmp(v, "idle") ? M_IDLE : -1;
      if (mode < 0) { fprintf(stderr, "bad mode %s\n", v); return 1; }
    } else if (!strcmp(a, "--tcp")) tcp_port = atoi(v);
    else if (!strcmp(a, "--unix")) unix_path = v;
    else if (!strcmp(a, "--conns")) conns = atoi(v);
    else if (!strcmp(a, "--size")) size = atoi(v);
    else if (!strcmp(a, "--depth")) depth = atoi(v);
    else if (!strcmp(a, "--workers")) workers = atoi(v);
    else if (!strcmp(a, "--warmup")) warmup = atof(v);
    else if (!strcmp(a, "--duration")) duration = atof(v);
    else if (!strcmp(a, "--signal-pid")) signal_pid = atoi(v);
    else if (!strcmp(a, "--rss-pid")) rss_pid = atoi(v);
    else if (!strcmp(a, "--cpu-pid")) cpu_pid = atoi(v);
    else { fprintf(stderr, "unknown option %s\n", a); return 1; }
  }
  if (!tcp_port && !unix_path) { fprintf(stderr, "need --tcp PORT or --unix PATH\n"); return 1; }
  if (duration <= 0 || duration > 600 || warmup < 0 || warmup > 60) { fprintf(stderr, "bad duration/warmup\n"); return 1; }
  if (mode != M_PIPELINE) depth = 1;
  if (size < 0) size = mode == M_PIPELINE ? 16384 : 64;
  if (conns < 0) conns = mode == M_PIPELINE ? 8 : mode == M_IDLE ? 10000 : 50;
  if (size < 1 || size > 1 << 20 || depth < 1 || depth > 64 || conns < 1 || conns > 100000 || workers < 1 || workers > 4096) {
    fprintf(stderr, "bad size/depth/conns/workers\n");
    return 1;
  }
  signal(SIGPIPE, SIG_IGN);
  pattern = malloc(PATBUF);
  uint64_t x = 0x9E3779B97F4A7C15ull;
  for (uint32_t i = 0; i < PERIOD; i++) {
    x ^= x << 13; x ^= x >> 7; x ^= x << 17;
    pattern[i] = (uint8_t)(x >> 24);
  }
  memcpy(pattern + PERIOD, pattern, PATBUF - PERIOD);  // contiguous reads across the wrap
  epfd = epoll_create1(EPOLL_CLOEXEC);
  switch (mode) {
    case M_CHURN: run_churn(); break;
    case M_IDLE: run_idle(); break;
    default: run_stream(); break;
  }
  if (errors) return 2;
  return 0;
}
