/* mmap-file.c - shmlife-scn-mmap-file: a shared file mapping, for the
 * scenarios that set it beside a System V segment (scenarios/segment/
 * mmap-*.scn).  One page of PATH is mapped MAP_SHARED.
 *
 *   shmlife-scn-mmap-file scratch DIR
 *       mounts a small tmpfs on DIR (in the caller's mount namespace: a
 *       scenario's own), so that the files vanish with the scenario; done
 *       here rather than by mount(8), which is setuid and which valgrind
 *       (`shmlife run --valgrind`) will not run
 *   shmlife-scn-mmap-file write PATH TEXT [crash]
 *       creates PATH (one page), writes TEXT through the mapping, then exits 0
 *       having unmapped it, or with `crash` kills itself with SIGKILL with
 *       the mapping still in place (no munmap, no msync)
 *   shmlife-scn-mmap-file read PATH TEXT
 *       maps PATH and exits 0 if its first bytes are TEXT, 1 if not
 *   shmlife-scn-mmap-file share shared|private PATH TEXT
 *       this process maps PATH (MAP_SHARED or MAP_PRIVATE) and writes
 *       "parent" into it; a child maps PATH on its own (MAP_SHARED), writes
 *       "child!" and exits; then this process exits 0 if its own mapping
 *       reads TEXT, 1 if not: TEXT "child!" asks "was it one memory?",
 *       TEXT "parent" asks "did each process have its own?"
 * Any other failure exits 2 (3: bad usage).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#define PAGE 4096

/* One page of path, mapped; NULL after saying why. */
static char *map_page(const char *path, int create, int flags)
{
	int fd = open(path, (create ? O_CREAT : 0) | O_RDWR | O_CLOEXEC, 0600);
	if (fd < 0) {
		perror(path);
		return NULL;
	}
	if (create && ftruncate(fd, PAGE) < 0) {
		perror("ftruncate");
		close(fd);
		return NULL;
	}
	void *p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, flags, fd, 0);
	close(fd);
	if (p == MAP_FAILED) {
		perror("mmap");
		return NULL;
	}
	return p;
}

static int do_write(const char *path, const char *text, int crash)
{
	size_t len = strlen(text);
	char *p = map_page(path, 1, MAP_SHARED);
	if (!p || len > PAGE)
		return 2;
	memcpy(p, text, len);
	if (crash)
		kill(getpid(), SIGKILL);
	return munmap(p, PAGE) == 0 ? 0 : 2;
}

static int do_read(const char *path, const char *text)
{
	size_t len = strlen(text);
	char *p = map_page(path, 0, MAP_SHARED);
	if (!p || len > PAGE)
		return 2;
	int same = memcmp(p, text, len) == 0;
	printf("%s: %.*s\n", path, (int)len, p);
	munmap(p, PAGE);
	return same ? 0 : 1;
}

static int do_share(const char *how, const char *path, const char *text)
{
	int flags = strcmp(how, "shared") == 0 ? MAP_SHARED : strcmp(how, "private") == 0 ? MAP_PRIVATE : -1;
	if (flags < 0)
		return 3;
	char *mine = map_page(path, 1, flags);
	if (!mine)
		return 2;
	memcpy(mine, "parent", 6);
	pid_t pid = fork();
	if (pid == 0) {
		char *theirs = map_page(path, 0, MAP_SHARED);
		if (!theirs)
			_exit(2);
		memcpy(theirs, "child!", 6);
		_exit(0);
	}
	int st;
	if (pid < 0 || waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
		return 2;
	printf("%s mapping reads: %.6s\n", how, mine);
	return strlen(text) <= PAGE && memcmp(mine, text, strlen(text)) == 0 ? 0 : 1;
}

static int do_scratch(const char *dir)
{
	if (mount("shmlife-scratch", dir, "tmpfs", MS_NOSUID | MS_NODEV, "size=64k,mode=0700") < 0) {
		perror(dir);
		return 2;
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "scratch") == 0)
		return do_scratch(argv[2]);
	if (argc >= 4 && strcmp(argv[1], "write") == 0)
		return argc == 4 ? do_write(argv[2], argv[3], 0)
				 : argc == 5 && strcmp(argv[4], "crash") == 0 ? do_write(argv[2], argv[3], 1) : 3;
	if (argc == 4 && strcmp(argv[1], "read") == 0)
		return do_read(argv[2], argv[3]);
	if (argc == 5 && strcmp(argv[1], "share") == 0)
		return do_share(argv[2], argv[3], argv[4]);
	fprintf(stderr, "usage: shmlife-scn-mmap-file scratch DIR | write PATH TEXT [crash] | read PATH TEXT |"
			" share shared|private PATH TEXT\n");
	return 3;
}
