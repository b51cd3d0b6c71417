/*
 * msbench: the one load tool of bench/run, used unchanged against the multistack tenant
 * and against the kernel endpoint, so that any difference is the endpoint's.
 *
 *   msbench serve                                 kernel endpoint: echo 7, discard 9, chargen 19
 *   msbench send HOST PORT BYTES SECONDS          bulk client -> server (into discard)
 *   msbench recv HOST PORT BYTES SECONDS          bulk server -> client (from chargen)
 *   msbench connrate HOST PORT COUNT CONCURRENCY SECONDS
 *                                                 short connections to echo
 *   msbench reflect ADDRESS PORT                  the user-space floor of a round trip: answers
 *                                                 ICMP echo requests inside VXLAN packets from
 *                                                 one blocking UDP socket, with no stack at all
 *
 * Clients print one line "key=value ..." (bytes, seconds, rate) and exit 0 when they did
 * all their work, 1 when they stopped at the time limit or on an error (the line then says
 * how far they got). Every client loop is bounded by SECONDS.
 *
 * The server is one thread on epoll, like the appliance's one event loop per tenant; it
 * mirrors the appliance's diagnostic services: discard closes when the peer has closed,
 * echo writes back what it reads and closes after the peer, chargen sends the RFC 864
 * pattern (72-character lines) until the peer goes away.
 */
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
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BULK_CHUNK (1 << 20)
#define CHARGEN_LINE 74 /* 72 characters + CRLF */
#define CHARGEN_PERIOD 95
#define MAX_EVENTS 256
#define ECHO_MESSAGE "msbench-ping-01\n" /* 16 bytes */
#define ECHO_LEN 16

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

static void die(const char *what) {
    perror(what);
    exit(2);
}

static void set_nonblocking(int fd) {
    int flags = fcntl(fd, F_GETFL);
    if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0) die("fcntl");
}

static struct sockaddr_in address(const char *host, const char *port) {
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(port))};
    if (inet_pton(AF_INET, host, &a.sin_addr) != 1) {
        fprintf(stderr, "msbench: '%s' is not an IPv4 address\n", host);
        exit(2);
    }
    return a;
}

/* The RFC 864 pattern, one full period (95 lines) repeated so that any offset can be sent
 * as one contiguous slice of at least BULK_CHUNK bytes. */
static char *chargen_pattern(size_t *period) {
    size_t one = (size_t)CHARGEN_LINE * CHARGEN_PERIOD;
    size_t copies = BULK_CHUNK / one + 2;
    char *buffer = malloc(one * copies);
    if (!buffer) die("malloc");
    for (size_t c = 0; c < copies; c++)
        for (int n = 0; n < CHARGEN_PERIOD; n++) {
            char *line = buffer + c * one + (size_t)n * CHARGEN_LINE;
            for (int i = 0; i < 72; i++) line[i] = (char)(' ' + (n + i) % 95);
            line[72] = '\r';
            line[73] = '\n';
        }
    *period = one;
    return buffer;
}

/* ---------------------------------------------------------------- server */

enum kind { LISTEN_ECHO, LISTEN_DISCARD, LISTEN_CHARGEN, ECHO, DISCARD, CHARGEN };

struct conn {
    int fd;
    enum kind kind;
    size_t offset;       /* chargen: position in the pattern */
    char pending[65536]; /* echo: bytes read but not yet written back */
    size_t pending_len;
};

static int listen_on(int port) {
    int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;
    if (fd < 0) die("socket");
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    if (bind(fd, (struct sockaddr *)&a, sizeof a) < 0) die("bind");
    if (listen(fd, 1024) < 0) die("listen");
    set_nonblocking(fd);
    return fd;
}

static void watch(int epoll, struct conn *c, uint32_t events, int op) {
    struct epoll_event e = {.events = events, .data.ptr = c};
    if (epoll_ctl(epoll, op, c->fd, &e) < 0) die("epoll_ctl");
}

static void drop(struct conn *c) {
    close(c->fd); /* also removes it from the epoll set */
    free(c);
}

static void accept_all(int epoll, struct conn *listener) {
    for (;;) {
        int fd = accept4(listener->fd, NULL, NULL, SOCK_NONBLOCK);
        if (fd < 0) return; /* EAGAIN, or a connection reset before we took it */
        struct conn *c = calloc(1, sizeof *c);
        if (!c) die("calloc");
        c->fd = fd;
        c->kind = listener->kind == LISTEN_ECHO ? ECHO : listener->kind == LISTEN_DISCARD ? DISCARD : CHARGEN;
        watch(epoll, c, c->kind == CHARGEN ? EPOLLIN | EPOLLOUT : EPOLLIN, EPOLL_CTL_ADD);
    }
}

static char scratch[BULK_CHUNK];

/* Returns 0 when the connection is finished (and freed). */
static int serve_discard(struct conn *c) {
    for (;;) {
        ssize_t n = read(c->fd, scratch, sizeof scratch);
        if (n > 0) continue;
        if (n < 0 && errno == EAGAIN) return 1;
        drop(c); /* EOF: the peer is done, like the appliance's discard */
        return 0;
    }
}

static int serve_echo(int epoll, struct conn *c) {
    for (;;) {
        while (c->pending_len > 0) {
            ssize_t w = write(c->fd, c->pending, c->pending_len);
            if (w < 0 && errno == EAGAIN) {
                watch(epoll, c, EPOLLOUT, EPOLL_CTL_MOD); /* back-pressure: stop reading */
                return 1;
            }
            if (w < 0) {
                drop(c);
                return 0;
            }
            memmove(c->pending, c->pending + w, c->pending_len - (size_t)w);
            c->pending_len -= (size_t)w;
        }
        ssize_t n = read(c->fd, c->pending, sizeof c->pending);
        if (n > 0) {
            c->pending_len = (size_t)n;
            continue;
        }
        if (n < 0 && errno == EAGAIN) {
            watch(epoll, c, EPOLLIN, EPOLL_CTL_MOD);
            return 1;
        }
        drop(c);
        return 0;
    }
}

static int serve_chargen(struct conn *c, const char *pattern, size_t period) {
    for (;;) {
        ssize_t w = write(c->fd, pattern + c->offset, BULK_CHUNK);
        if (w > 0) {
            c->offset = (c->offset + (size_t)w) % period;
            continue;
        }
        if (w < 0 && errno == EAGAIN) {
            /* input is discarded; EOF or an error ends the connection */
            ssize_t n = read(c->fd, scratch, sizeof scratch);
            if (n == 0 || (n < 0 && errno != EAGAIN)) break;
            return 1;
        }
        break;
    }
    drop(c);
    return 0;
}

static _Noreturn void serve(void) {
    signal(SIGPIPE, SIG_IGN);
    size_t period;
    const char *pattern = chargen_pattern(&period);
    int epoll = epoll_create1(0);
    if (epoll < 0) die("epoll_create1");
    static struct conn listeners[3];
    const int ports[3] = {7, 9, 19};
    for (int i = 0; i < 3; i++) {
        listeners[i].fd = listen_on(ports[i]);
        listeners[i].kind = (enum kind)i;
        watch(epoll, &listeners[i], EPOLLIN, EPOLL_CTL_ADD);
    }
    printf("msbench: serving echo 7, discard 9, chargen 19\n");
    fflush(stdout);
    struct epoll_event events[MAX_EVENTS];
    for (;;) {
        int n = epoll_wait(epoll, events, MAX_EVENTS, -1);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) die("epoll_wait");
        for (int i = 0; i < n; i++) {
            struct conn *c = events[i].data.ptr;
            switch (c->kind) {
            case LISTEN_ECHO:
            case LISTEN_DISCARD:
            case LISTEN_CHARGEN: accept_all(epoll, c); break;
            case DISCARD: serve_discard(c); break;
            case ECHO: serve_echo(epoll, c); break;
            case CHARGEN: serve_chargen(c, pattern, period); break;
            }
        }
    }
}

/* ---------------------------------------------------------------- bulk clients */

static int connect_blocking(struct sockaddr_in *to, double limit) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) die("socket");
    struct timeval tv = {.tv_sec = (time_t)limit, .tv_usec = 0};
    /* bounds connect, every read and every write by the whole run's limit */
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    if (connect(fd, (struct sockaddr *)to, sizeof *to) < 0) {
        perror("connect");
        return -1;
    }
    return fd;
}

static void report(const char *what, long long bytes, double seconds, int complete) {
    printf("%s bytes=%lld seconds=%.3f MBps=%.1f complete=%d\n", what, bytes, seconds,
           seconds > 0 ? bytes / seconds / 1e6 : 0.0, complete);
}

/* Sends BYTES, half-closes and waits for the server's close: the time covers every byte
 * consumed by the server, not merely queued in our send buffer. */
static int bulk_send(struct sockaddr_in *to, long long bytes, double limit) {
    static char data[BULK_CHUNK];
    memset(data, 'x', sizeof data);
    double start = now(), deadline = start + limit;
    int fd = connect_blocking(to, limit);
    if (fd < 0) return 1;
    long long sent = 0;
    int complete = 1;
    while (sent < bytes) {
        if (now() > deadline) {
            complete = 0;
            break;
        }
        size_t want = bytes - sent < BULK_CHUNK ? (size_t)(bytes - sent) : BULK_CHUNK;
        ssize_t w = write(fd, data, want);
        if (w <= 0) {
            perror("write");
            complete = 0;
            break;
        }
        sent += w;
    }
    shutdown(fd, SHUT_WR);
    char sink[4096];
    ssize_t r;
    while ((r = read(fd, sink, sizeof sink)) > 0) {}
    if (r < 0) {
        perror("waiting for the server's close");
        complete = 0;
    }
    double seconds = now() - start;
    close(fd);
    report("send", sent, seconds, complete);
    return complete ? 0 : 1;
}

/* Reads BYTES and checks that the stream is the RFC 864 pattern from its first line on. */
static int bulk_recv(struct sockaddr_in *to, long long bytes, double limit) {
    static char data[BULK_CHUNK];
    size_t period;
    const char *pattern = chargen_pattern(&period);
    double start = now(), deadline = start + limit;
    int fd = connect_blocking(to, limit);
    if (fd < 0) return 1;
    long long got = 0;
    int complete = 1;
    while (got < bytes) {
        if (now() > deadline) {
            complete = 0;
            break;
        }
        size_t want = bytes - got < BULK_CHUNK ? (size_t)(bytes - got) : BULK_CHUNK;
        ssize_t r = read(fd, data, want);
        if (r <= 0) {
            if (r < 0) perror("read");
            else fprintf(stderr, "msbench: server closed after %lld bytes\n", got);
            complete = 0;
            break;
        }
        /* the first megabyte is compared with the pattern; the rest is only counted, so
         * that the check does not slow the fast side more than the slow one */
        if (got < BULK_CHUNK) {
            size_t n = (size_t)r;
            if (got + (long long)n > BULK_CHUNK) n = (size_t)(BULK_CHUNK - got);
            if (memcmp(data, pattern + got % period, n) != 0) {
                fprintf(stderr, "msbench: received bytes differ from the chargen pattern near %lld\n", got);
                complete = 0;
                break;
            }
        }
        got += r;
    }
    double seconds = now() - start;
    close(fd);
    report("recv", got, seconds, complete);
    return complete ? 0 : 1;
}

/* ---------------------------------------------------------------- connection rate */

enum phase { CONNECTING, WAITING_REPLY };

struct client {
    int fd;
    enum phase phase;
    size_t got;
};

static int start_one(int epoll, struct sockaddr_in *to, struct client *c) {
    c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    if (c->fd < 0) return -1;
    int one = 1;
    setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    c->phase = CONNECTING;
    c->got = 0;
    if (connect(c->fd, (struct sockaddr *)to, sizeof *to) < 0 && errno != EINPROGRESS) {
        close(c->fd);
        return -1;
    }
    struct epoll_event e = {.events = EPOLLOUT, .data.ptr = c};
    return epoll_ctl(epoll, EPOLL_CTL_ADD, c->fd, &e);
}

/* Returns 1 when the exchange is done, -1 on a failure, 0 while it goes on. */
static int step(int epoll, struct client *c) {
    if (c->phase == CONNECTING) {
        int error = 0;
        socklen_t len = sizeof error;
        getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &error, &len);
        if (error != 0) return -1;
        if (write(c->fd, ECHO_MESSAGE, ECHO_LEN) != ECHO_LEN) return -1;
        c->phase = WAITING_REPLY;
        struct epoll_event e = {.events = EPOLLIN, .data.ptr = c};
        epoll_ctl(epoll, EPOLL_CTL_MOD, c->fd, &e);
        return 0;
    }
    char reply[ECHO_LEN];
    ssize_t r = read(c->fd, reply, ECHO_LEN - c->got);
    if (r < 0 && errno == EAGAIN) return 0;
    if (r <= 0) return -1;
    if (memcmp(reply, ECHO_MESSAGE + c->got, (size_t)r) != 0) return -1;
    c->got += (size_t)r;
    return c->got == ECHO_LEN ? 1 : 0;
}

static int connrate(struct sockaddr_in *to, int count, int concurrency, double limit) {
    int epoll = epoll_create1(0);
    if (epoll < 0) die("epoll_create1");
    struct client *clients = calloc((size_t)concurrency, sizeof *clients);
    if (!clients) die("calloc");
    int started = 0, done = 0, failed = 0, active = 0;
    double start = now(), deadline = start + limit;
    for (int i = 0; i < concurrency && started < count; i++, started++) {
        if (start_one(epoll, to, &clients[i]) == 0) active++;
        else failed++;
    }
    struct epoll_event events[MAX_EVENTS];
    while (active > 0 && now() < deadline) {
        int n = epoll_wait(epoll, events, MAX_EVENTS, 100);
        for (int i = 0; i < n; i++) {
            struct client *c = events[i].data.ptr;
            int result = step(epoll, c);
            if (result == 0) continue;
            close(c->fd); /* the client closes first, as a browser or ab does */
            active--;
            if (result > 0) done++;
            else failed++;
            while (started < count) {
                started++;
                if (start_one(epoll, to, c) == 0) {
                    active++;
                    break;
                }
                failed++;
            }
        }
    }
    double seconds = now() - start;
    printf("connrate connections=%d failed=%d unfinished=%d seconds=%.3f per_second=%.0f complete=%d\n", done,
           failed, count - done - failed, seconds, seconds > 0 ? done / seconds : 0.0, done == count);
    return done == count ? 0 : 1;
}

/*
 * The least any user-space VXLAN endpoint does per ping: wake on the socket, turn the
 * request around in place (MACs and addresses swapped, type 0, checksum adjusted) and send
 * it back. Frames other than untagged IPv4 ICMP echo requests are ignored; the client needs
 * a static neighbour entry, since nothing here answers ARP.
 */
static void reflect(const char *host, const char *port) {
    struct sockaddr_in at = address(host, port);
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    if (fd < 0 || bind(fd, (struct sockaddr *)&at, sizeof at) != 0) {
        perror("reflect: bind");
        exit(1);
    }
    unsigned char packet[2048];
    for (;;) {
        struct sockaddr_in from;
        socklen_t from_length = sizeof from;
        ssize_t n = recvfrom(fd, packet, sizeof packet, 0, (struct sockaddr *)&from, &from_length);
        if (n < 0) {
            if (errno == EINTR) continue;
            perror("reflect: recvfrom");
            exit(1);
        }
        unsigned char *eth = packet + 8, *ip = eth + 14;
        if (n < 8 + 14 + 20 + 8 || eth[12] != 0x08 || eth[13] != 0x00 || (ip[0] >> 4) != 4 || ip[9] != 1) continue;
        unsigned char *icmp = ip + (ip[0] & 0x0f) * 4;
        if (icmp + 8 > packet + n || icmp[0] != 8) continue;
        unsigned char mac[6], addr[4];
        memcpy(mac, eth, 6), memcpy(eth, eth + 6, 6), memcpy(eth + 6, mac, 6);
        memcpy(addr, ip + 12, 4), memcpy(ip + 12, ip + 16, 4), memcpy(ip + 16, addr, 4);
        icmp[0] = 0; /* RFC 1624: the type went down by 8 << 8, so the checksum goes up by it */
        uint32_t sum = ((icmp[2] << 8) | icmp[3]) + 0x0800;
        sum = (sum & 0xffff) + (sum >> 16);
        icmp[2] = sum >> 8, icmp[3] = sum & 0xff;
        from.sin_port = at.sin_port; /* a VXLAN device listens on its port, whatever port it sent from */
        sendto(fd, packet, n, 0, (struct sockaddr *)&from, from_length);
    }
}

int main(int argc, char **argv) {
    if (argc == 2 && strcmp(argv[1], "serve") == 0) serve();
    signal(SIGPIPE, SIG_IGN);
    if (argc == 6 && strcmp(argv[1], "send") == 0) {
        struct sockaddr_in to = address(argv[2], argv[3]);
        return bulk_send(&to, atoll(argv[4]), atof(argv[5]));
    }
    if (argc == 6 && strcmp(argv[1], "recv") == 0) {
        struct sockaddr_in to = address(argv[2], argv[3]);
        return bulk_recv(&to, atoll(argv[4]), atof(argv[5]));
    }
    if (argc == 4 && strcmp(argv[1], "reflect") == 0) reflect(argv[2], argv[3]);
    if (argc == 7 && strcmp(argv[1], "connrate") == 0) {
        struct sockaddr_in to = address(argv[2], argv[3]);
        return connrate(&to, atoi(argv[4]), atoi(argv[5]), atof(argv[6]));
    }
    fprintf(stderr, "usage: msbench serve | send|recv HOST PORT BYTES SECONDS | connrate HOST PORT COUNT CONCURRENCY SECONDS | reflect ADDRESS PORT\n");
    return 2;
}
