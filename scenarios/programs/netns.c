/* netns.c - shmlife-netns: says which network the process is in, for the
 * scenarios and tests of a scenario's own network namespace:
 *
 *   net: net:[4026531840]     its network namespace (/proc/self/ns/net)
 *   interfaces: 1             how many /proc/net/dev lists
 *   loopback: up              a UDP datagram to itself on 127.0.0.1 arrived
 *                             (else "loopback: down (ERRNO)")
 *
 * Exits 0, or 1 if /proc could not be read. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int count_interfaces(void)
{
	FILE *f = fopen("/proc/net/dev", "re");
	if (!f)
		return -1;
	char line[512];
	int n = 0;
	while (fgets(line, sizeof(line), f))
		n += strchr(line, ':') != NULL; /* the two header lines have none */
	fclose(f);
	return n;
}

/* 0 if a datagram sent to 127.0.0.1 came back, else the errno. */
static int loopback_works(void)
{
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return errno;
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);
	char got[4];
	int err = 0;
	if (bind(s, (struct sockaddr *)&a, sizeof(a)) < 0 || getsockname(s, (struct sockaddr *)&a, &len) < 0 ||
	    sendto(s, "hi", 2, 0, (struct sockaddr *)&a, sizeof(a)) != 2 || recv(s, got, sizeof(got), 0) != 2)
		err = errno;
	close(s);
	return err;
}

int main(void)
{
	char ns[64];
	ssize_t n = readlink("/proc/self/ns/net", ns, sizeof(ns) - 1);
	int ifs = count_interfaces();
	if (n < 0 || ifs < 0)
		return 1;
	ns[n] = '\0';
	printf("net: %s\ninterfaces: %d\n", ns, ifs);
	int err = loopback_works();
	if (err)
		printf("loopback: down (%s)\n", strerror(err));
	else
		printf("loopback: up\n");
	return 0;
}
