/* initramfs.h - an initramfs written as the kernel reads it: a cpio archive
 * in the "newc" format (the kernel's Documentation/driver-api/early-userspace/
 * buffer-format.rst), uncompressed, of directories and regular files only.
 * `run --kernel` (kernel_vm.c) writes one per boot: the guest's init, its
 * orders and the modules it loads.
 *
 *   struct initramfs ir;
 *   initramfs_open(&ir, fd);
 *   initramfs_dir(&ir, "modules");
 *   initramfs_copy(&ir, "init", 0755, "/usr/libexec/shmlife/shmlife-vm-init");
 *   if (initramfs_close(&ir)) ... ir.why says what failed ...
 *
 * Errors stick: after the first, every call does nothing and returns -1, and
 * initramfs_close says -1 too, with the first error in ir.why. */
#ifndef SHMLIFE_HARNESS_INITRAMFS_H
#define SHMLIFE_HARNESS_INITRAMFS_H

#include <stdio.h>
#include <sys/types.h>

struct initramfs {
	FILE *out;
	unsigned ino;                    /* the last inode number given        */
	int failed;
	char why[512];
};

/* Writes to fd (a file the caller owns and closes). */
int initramfs_open(struct initramfs *ir, int fd);
int initramfs_dir(struct initramfs *ir, const char *name);
/* A file of len bytes from data. */
int initramfs_file(struct initramfs *ir, const char *name, mode_t mode, const void *data, size_t len);
/* A file with the content of the file at src. */
int initramfs_copy(struct initramfs *ir, const char *name, mode_t mode, const char *src);
/* The trailer, and the output flushed: 0, or -1 (why says it). */
int initramfs_close(struct initramfs *ir);

#endif
