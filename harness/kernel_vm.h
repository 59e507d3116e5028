/* kernel_vm.h - the scenarios run on another kernel: `shmlife run --kernel
 * PATH` boots PATH in a small virtual machine (qemu-system-x86_64; KVM where
 * /dev/kvm works, else software emulation, TCG), whose root file system is
 * the host's own, shared read-only (9p), and runs the same `shmlife run` in
 * it; the guest's results.json comes back on a virtio serial port
 * (docs/kernels.md).
 *
 * Nothing is left behind: the initramfs is a memfd, the console and the
 * results are pipes, and qemu dies with the harness (PR_SET_PDEATHSIG) or at
 * the deadline.
 *
 *   struct kernel_vm vm;
 *   if (kernel_vm_prepare("/boot/vmlinuz-6.1.0-57-amd64", &vm)) -> exit 2, vm.why
 *   kernel_vm_run(&vm, guest_argv, cwd, env, &r);
 *   r.broken[0] ? BROK with r.broken : sl_json_read_text(... r.results ...)
 *   kernel_vm_result_free(&r); kernel_vm_free(&vm);
 */
#ifndef SHMLIFE_HARNESS_KERNEL_VM_H
#define SHMLIFE_HARNESS_KERNEL_VM_H

#include <stddef.h>

#define KERNEL_VM_QEMU "qemu-system-x86_64"

/* A kernel found ready to boot: its image, release and modules. */
struct kernel_vm {
	char image[4096];
	char release[128];               /* from the image's header: "6.1.0-57-amd64" */
	char version[256];               /* the whole version string of the header */
	char modules_dir[4096];          /* "" when every module needed is built in */
	char **modules;                  /* the .ko files to load, dependencies first */
	int nmodules;
	char init[4096];                 /* shmlife-vm-init                    */
	char why[1024];                  /* why it cannot be booted            */
};

/* What one boot gave. */
struct kernel_vm_result {
	char accel[16];                  /* "kvm" or "tcg"                     */
	double seconds;                  /* boot to power-off                  */
	int exit_status;                 /* the guest's shmlife's, or -1       */
	char broken[4096];               /* non-empty: no results, why and the console's last lines */
	char *results;                   /* results.json's text (malloc), or NULL */
	size_t results_len;
	char *console;                   /* the console's last lines (malloc), or NULL */
};

/* Checks that `image` is a bootable x86 kernel, finds its release, its
 * modules (beside the image, ../lib/modules/RELEASE, or in
 * /lib/modules/RELEASE) and the ones the guest needs (virtio, 9p, the virtio
 * console), and shmlife-vm-init.  0, or -1 with vm->why. */
int kernel_vm_prepare(const char *image, struct kernel_vm *vm);
void kernel_vm_free(struct kernel_vm *vm);

/* 1 when /dev/kvm can be opened and qemu can make a virtual CPU with it
 * (probed once a run, a paused qemu that is told to quit): qemu runs the
 * guest under KVM, else by software emulation (TCG). */
int kernel_vm_kvm_usable(void);

/* 1 when qemu-system-x86_64 is on PATH. */
int kernel_vm_have_qemu(void);

/* Boots vm and runs argv (argv[0] an absolute path in the host's tree) in
 * directory cwd with environment env (NULL-ended), sending back the file
 * `results` of the guest.  silence_ms: the longest the guest may go
 * without a line on its console before it is stopped (BROK); stop, if not
 * NULL, is asked after each signal, and stops it too when it says 1.
 * on_line, if not NULL, is called with NULL once qemu runs (its exec done,
 * before the guest says anything), then sees each console line as it
 * comes.  Always fills r; returns 0
 * when results came back, else -1 (r->broken says why). */
int kernel_vm_run(const struct kernel_vm *vm, char *const argv[], const char *cwd, char *const env[],
		  const char *results, int silence_ms, int (*stop)(void), void (*on_line)(void *ctx, const char *line),
		  void *ctx, struct kernel_vm_result *r);
void kernel_vm_result_free(struct kernel_vm_result *r);

#endif
