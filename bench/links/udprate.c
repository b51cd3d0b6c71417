/*
 * udprate: small-packet rate through an endpoint's UDP echo (port 7), for bench/links/run.
 *
 *   udprate HOST PORT SIZE WINDOW SECONDS
 *
 * Keeps up to WINDOW datagrams of SIZE bytes in flight (sent, not yet echoed), so that the
 * path is never idle while a reply is on its way, and counts the echoes for SECONDS. When
 * nothing comes back for 100 ms the datagrams in flight count as lost and the window opens
 * again (a flood drops frames in bounded queues; the rate is what came back). Each echo is
 * two frames through the endpoint's lower end (request and reply).
 *
 * Prints one line "udprate sent=N received=N lost=N seconds=S per_second=R complete=1" and
 * exits 0, or 1 when not a single echo came back.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define QUIET_MS 100
#define MAX_SIZE 1400

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

static void die(const char *what) {
    perror(what);
    exit(2);
}

int main(int argc, char **argv) {
    if (argc != 6) {
        fprintf(stderr, "usage: udprate HOST PORT SIZE WINDOW SECONDS\n");
        return 2;
    }
    struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(argv[2]))};
    if (inet_pton(AF_INET, argv[1], &to.sin_addr) != 1) {
        fprintf(stderr, "udprate: '%s' is not an IPv4 address\n", argv[1]);
        return 2;
    }
    int size = atoi(argv[3]), window = atoi(argv[4]);
    double seconds = atof(argv[5]);
    if (size < 8 || size > MAX_SIZE || window < 1 || seconds <= 0) {
        fprintf(stderr, "udprate: SIZE 8..%d, WINDOW >= 1, SECONDS > 0\n", MAX_SIZE);
        return 2;
    }
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    if (fd < 0) die("socket");
    /* connected: only the endpoint's datagrams are received */
    if (connect(fd, (struct sockaddr *)&to, sizeof to) < 0) die("connect");
    int buffer = 1 << 20;
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buffer, sizeof buffer);

    char out[MAX_SIZE], in[2048];
    memset(out, 'u', sizeof out);
    long sent = 0, received = 0, lost = 0, in_flight = 0;
    double start = now(), end = start + seconds;
    while (now() < end) {
        while (in_flight < window) {
            memcpy(out, &sent, sizeof sent);
            if (send(fd, out, (size_t)size, 0) < 0) {
                if (errno == EAGAIN || errno == ENOBUFS || errno == ECONNREFUSED) break;
                die("send");
            }
            sent++;
            in_flight++;
        }
        struct pollfd p = {.fd = fd, .events = POLLIN};
        int ready = poll(&p, 1, QUIET_MS);
        if (ready < 0 && errno != EINTR) die("poll");
        if (ready == 0) {
            lost += in_flight;
            in_flight = 0;
            continue;
        }
        for (;;) {
            ssize_t n = recv(fd, in, sizeof in, 0);
            if (n < 0) {
                if (errno == EAGAIN || errno == ECONNREFUSED) break;
                if (errno == EINTR) continue;
                die("recv");
            }
            received++;
            if (in_flight > 0) in_flight--;
        }
    }
    double elapsed = now() - start;
    printf("udprate sent=%ld received=%ld lost=%ld seconds=%.3f per_second=%.0f complete=%d\n", sent, received,
           lost, elapsed, received / elapsed, received > 0);
    return received > 0 ? 0 : 1;
}
