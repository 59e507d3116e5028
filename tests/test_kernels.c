/* test_kernels.c - `shmlife run --kernel` and `claims --kernel`: the
 * selection run again on another kernel booted under qemu (docs/kernels.md).
 *
 * Bad --kernel arguments are usage errors before anything runs; a kernel
 * that does not boot is BROK, with what qemu and the console said, in
 * every report, and nothing of it is left running; Debian 12's own kernel
 * (unpacked by ci/kernels.sh, which ci/setup.sh runs) runs scenarios that
 * create, remove, crash and exec programs beside shmlife, and the reports
 * show it side by side with this machine: a JUnit testsuite of its own, a
 * "kernels" array in results.json, its columns in index.html, its column in
 * `claims --kernel`.
 */
#define _GNU_SOURCE
#include "cli_fixture.h"

#include <dirent.h>
#include <glob.h>
#include <json-c/json.h>
#include <libxml/parser.h>

TestSuite(kernels, .init = cli_setup, .fini = cli_teardown, .timeout = 240);

/* The vmlinuz that ci/kernels.sh unpacked, or NULL (the test is skipped,
 * saying how to get one). */
static const char *debian_kernel(void)
{
	static char path[4096];
	const char *dir = getenv("SHMLIFE_KERNELS_DIR");
	char pattern[4200];
	snprintf(pattern, sizeof(pattern), "%s/linux-image-*/boot/vmlinuz-*",
		 dir && *dir ? dir : "/var/cache/shmlife/kernels");
	glob_t g;
	if (glob(pattern, 0, NULL, &g) != 0 || g.gl_pathc == 0) {
		globfree(&g);
		return NULL;
	}
	snprintf(path, sizeof(path), "%s", g.gl_pathv[g.gl_pathc - 1]);
	globfree(&g);
	return path;
}

static int have_qemu(void)
{
	return system("command -v qemu-system-x86_64 >/dev/null 2>&1") == 0;
}

/* The guest's init, built beside shmlife but in sanitizer and coverage
 * builds (which cannot link it statically): a boot needs it. */
static void need_vm_init(void)
{
	const char *path = cli_beside_bin("shmlife-vm-init");
	if (access(path, X_OK) != 0)
		cr_skip_test("%s is not built (a sanitizer or coverage build cannot link it statically)", path);
}

#define NEED_QEMU()                                                                                       \
	do {                                                                                               \
		if (!have_qemu())                                                                          \
			cr_skip_test("qemu-system-x86_64 is not installed (bash ci/kernels.sh installs it)"); \
	} while (0)
/* ... and a boot: qemu and the guest's init */
#define NEED_BOOT()                                                                                       \
	do {                                                                                               \
		NEED_QEMU();                                                                               \
		need_vm_init();                                                                            \
	} while (0)

/* What a boot of Debian's kernel needs (qemu, the guest's init, the kernel
 * unpacked), or the test is skipped, saying which is missing. */
static const char *debian_kernel_to_boot(void)
{
	NEED_BOOT();
	const char *kernel = debian_kernel();
	if (!kernel)
		cr_skip_test("no Debian kernel unpacked (bash ci/kernels.sh unpacks one)");
	return kernel;
}

static json_object *kernels_of(const char *report_dir)
{
	char path[300];
	snprintf(path, sizeof(path), "%s/results.json", report_dir);
	json_object *root = json_object_from_file(path);
	cr_assert_not_null(root, "%s is JSON", path);
	json_object *k = NULL;
	cr_assert(json_object_object_get_ex(root, "kernels", &k), "results.json has a kernels array");
	json_object_get(k);
	json_object_put(root);
	return k;
}

/* results.json of report_dir valid against docs/results.schema.json. */
static void expect_schema_valid(const char *report_dir)
{
	char cmd[800];
	snprintf(cmd, sizeof(cmd),
		 "python3 -c 'import json,sys,jsonschema; jsonschema.Draft202012Validator(json.load(open(sys.argv[1])))"
		 ".validate(json.load(open(sys.argv[2])))' docs/results.schema.json %s/results.json",
		 report_dir);
	cr_expect_eq(system(cmd), 0, "%s/results.json is valid against its schema", report_dir);
}

static const char *str(json_object *o, const char *key)
{
	json_object *v = NULL;
	return json_object_object_get_ex(o, key, &v) ? json_object_get_string(v) : NULL;
}

/* A pidfd of the qemu that harness `harness` runs for `kernel` (its child:
 * other tests' qemus are not), to learn when it has ended. */
static int qemu_of(pid_t harness, const char *kernel)
{
	char cmd[4400];
	snprintf(cmd, sizeof(cmd), "pgrep -P %d -f '[q]emu-system.*%s'", (int)harness, kernel);
	FILE *f = popen(cmd, "r");
	cr_assert_not_null(f);
	int qemu = 0;
	cr_assert_eq(fscanf(f, "%d", &qemu), 1, "qemu runs as the harness's child");
	pclose(f);
	int pidfd = (int)syscall(SYS_pidfd_open, qemu, 0);
	cr_assert_geq(pidfd, 0, "pidfd_open(%d): %s", qemu, strerror(errno));
	return pidfd;
}

Test(kernels, a_kernel_that_cannot_be_booted_is_refused_before_anything_runs)
{
	NEED_QEMU();
	struct cli_result r;
	cli_run(&r, CLI_ARGS("run", "-q", "--report-dir", cli_path("out"), "--kernel", "/no/such/vmlinuz",
			     "scenarios/rmid/rmid-twice-attached.scn"));
	assert_exit(r, 2);
	cr_expect(strstr(r.err, "--kernel /no/such/vmlinuz: No such file or directory"), "%s", r.err);
	cr_expect_eq(r.out_len, 0, "nothing ran: %s", r.out);
	cli_result_free(&r);

	/* a file, but no kernel image */
	cli_run(&r, CLI_ARGS("run", "-q", "--report-dir", cli_path("out"), "--kernel", "README.md",
			     "scenarios/rmid/rmid-twice-attached.scn"));
	assert_exit(r, 2);
	cr_expect(strstr(r.err, "is not an x86 kernel image"), "%s", r.err);
	cli_result_free(&r);

	/* what the guest cannot give back */
	cli_run(&r, CLI_ARGS("run", "-q", "--valgrind", "--report-dir", cli_path("out"), "--kernel", "README.md"));
	assert_exit(r, 2);
	cr_expect(strstr(r.err, "--kernel runs with neither --valgrind"), "%s", r.err);
	cli_result_free(&r);
}

/* An image with an x86 boot header and nothing bootable behind it: qemu
 * refuses it or the machine dies at once.  BROK, with qemu's and the
 * console's words, in the reports; the host's own column still there. */
Test(kernels, a_kernel_that_does_not_boot_is_brok_with_the_console)
{
	NEED_BOOT();
	const char *image = cli_path("vmlinuz-0.0.0-broken");
	unsigned char head[0x400] = { 0 };
	memcpy(head + 0x202, "HdrS", 4);
	head[0x206] = 0x0f; /* boot protocol 2.15 */
	head[0x207] = 0x02;
	head[0x20e] = 0x00; /* the version string at 0x200 + 0x100 */
	head[0x20f] = 0x01;
	memcpy(head + 0x300, "0.0.0-broken (nobody) #1", 24);
	FILE *f = fopen(image, "w");
	cr_assert_not_null(f);
	cr_assert_eq(fwrite(head, 1, sizeof(head), f), sizeof(head));
	fclose(f);

	struct cli_result r;
	long long t0 = cli_now_ms();
	cli_run(&r, CLI_ARGS("run", "-q", "--report-dir", cli_path("out"), "--kernel", image,
			     "scenarios/rmid/rmid-twice-attached.scn"));
	assert_exit(r, 3);
	cr_expect(strstr(r.err, "kernel 0.0.0-broken: BROK"), "%s", r.err);
	cr_expect(strstr(r.err, "the console's last lines"), "what qemu said is shown: %s", r.err);
	cr_expect(strstr(r.out, "ok 1 - rmid-twice-attached"), "the host's run is whole: %s", r.out);
	cr_expect_lt(cli_now_ms() - t0, 120000, "a kernel that does not boot is found out in bounded time");

	expect_schema_valid(cli_path("out"));
	json_object *k = kernels_of(cli_path("out"));
	cr_assert_eq(json_object_array_length(k), 2);
	json_object *broken = json_object_array_get_idx(k, 1);
	cr_expect_str_eq(str(broken, "kernel"), "0.0.0-broken");
	cr_expect(str(broken, "broken") && strlen(str(broken, "broken")) > 0);
	json_object_put(k);
	char *junit = cli_slurp(cli_path("out/junit.xml"));
	cr_assert_not_null(junit);
	cr_expect(strstr(junit, "<testsuite name=\"kernel 0.0.0-broken\""), "%s", junit);
	cr_expect(strstr(junit, "<error message=\""), "the boot is an <error>");
	free(junit);
	char *html = cli_slurp(cli_path("out/index.html"));
	cr_assert_not_null(html);
	cr_expect(strstr(html, "Kernels side by side"));
	free(html);
	xmlDocPtr doc = xmlReadFile(cli_path("out/index.html"), NULL, XML_PARSE_NONET | XML_PARSE_NOERROR);
	cr_expect_not_null(doc, "index.html with a BROK kernel is well-formed XML");
	xmlFreeDoc(doc);
	/* qemu is gone: no process of this test's image is left */
	char cmd[600];
	snprintf(cmd, sizeof(cmd), "pgrep -f '[q]emu-system.*%s' >/dev/null", image);
	cr_expect_neq(system(cmd), 0, "no qemu left running");
	cli_result_free(&r);
}

/* Debian 12's kernel runs a segment's whole life, a crash while attached,
 * and a program found beside shmlife (exec: the guest's /proc/PID/exe must
 * name the host's path); each kernel's results side by side. */
Test(kernels, debian_12_kernel_runs_the_scenarios_side_by_side)
{
	const char *kernel = debian_kernel_to_boot();
	struct cli_result r;
	cli_run(&r, CLI_ARGS("run", "-q", "-j", "2", "--report-dir", cli_path("out"), "--kernel", kernel,
			     "scenarios/rmid/rmid-twice-attached.scn", "scenarios/programs/careful-crash.scn",
			     "scenarios/sandbox/scratch-and-network.scn"));
	assert_exit(r, 0);

	expect_schema_valid(cli_path("out"));
	json_object *k = kernels_of(cli_path("out"));
	cr_assert_eq(json_object_array_length(k), 2, "this machine and the other kernel");
	json_object *host = json_object_array_get_idx(k, 0), *guest = json_object_array_get_idx(k, 1);
	cr_expect_str_eq(str(host, "how"), "this machine");
	const char *base = strrchr(kernel, '/');
	cr_assert_not_null(base);
	cr_expect_str_eq(str(guest, "kernel"), base + strlen("/vmlinuz-"));
	cr_expect_null(str(guest, "broken"));
	json_object *results = NULL;
	cr_assert(json_object_object_get_ex(guest, "results", &results));
	cr_assert_eq(json_object_array_length(results), 3);
	for (size_t i = 0; i < 3; i++) {
		json_object *one = json_object_array_get_idx(results, i);
		cr_expect_str_eq(str(one, "outcome"), "PASS", "%s on the guest: %s", str(one, "name"),
				 str(one, "reason"));
	}
	json_object_put(k);

	char *junit = cli_slurp(cli_path("out/junit.xml"));
	cr_assert_not_null(junit);
	char want[300];
	snprintf(want, sizeof(want), "<testsuite name=\"kernel %s\"", base + strlen("/vmlinuz-"));
	cr_expect(strstr(junit, want), "%s", junit);
	cr_expect(strstr(junit, "<property name=\"how\" value=\"qemu, "), "%s", junit);
	free(junit);
	char *html = cli_slurp(cli_path("out/index.html"));
	cr_assert_not_null(html);
	cr_expect(strstr(html, "Kernels side by side"));
	snprintf(want, sizeof(want), "<th>%s</th>", base + strlen("/vmlinuz-"));
	cr_expect_geq(cli_count(html, want), 2, "a column in the scenario table and in the claims tables");
	free(html);
	cli_result_free(&r);
}

/* The harness killed (SIGKILL: no handler runs) while the guest boots:
 * qemu goes with it (PR_SET_PDEATHSIG; and its console's pipe is gone), and
 * nothing of the boot stays (the initramfs was a memfd, the console and
 * results pipes). */
/* A /dev/kvm that opens is not a KVM that qemu can use: under some
 * hypervisors qemu aborts making the host CPU ("failed to set MSR 0x10a"),
 * and every boot was BROK.  The harness asks a paused qemu first and boots
 * by emulation when it could not.  Shown with a qemu of the test's (first
 * on PATH) that aborts as that one did whenever it is asked for KVM, and
 * writes down how it was started: the boot asks for tcg.  (Where /dev/kvm
 * does not open, no probe is needed and the boot asks for tcg as well.) */
Test(kernels, a_kvm_that_qemu_cannot_use_is_not_asked_for)
{
	need_vm_init();
	const char *kernel = debian_kernel();
	if (!kernel)
		cr_skip_test("no Debian kernel unpacked (bash ci/kernels.sh unpacks one)");
	const char *bin = cli_path("fakeqemu");
	cr_assert_eq(mkdir(bin, 0755), 0);
	char script[600], log[300], path[8192];
	snprintf(log, sizeof(log), "%s/calls", bin);
	snprintf(script, sizeof(script), "%s/qemu-system-x86_64", bin);
	FILE *f = fopen(script, "w");
	cr_assert_not_null(f);
	fprintf(f, "#!/bin/sh\necho \"$*\" >> '%s'\n"
		   "case \"$*\" in *'-accel kvm'*) echo 'error: failed to set MSR 0x10a to 0x69' >&2; kill -ABRT $$;; esac\n"
		   "echo 'no guest here' >&2\nexit 1\n", log);
	cr_assert_eq(fclose(f), 0);
	cr_assert_eq(chmod(script, 0755), 0);
	snprintf(path, sizeof(path), "PATH=%s:%s", bin, getenv("PATH") ? getenv("PATH") : "/usr/bin:/bin");
	struct cli_result r;
	cli_run_in(&r, CLI_ARGS("run", "-q", "--report-dir", cli_path("out"), "--kernel", kernel,
				"scenarios/rmid/rmid-twice-attached.scn"),
		   CLI_ARGS(path), NULL);
	cr_expect_eq(r.status, 3, "the fake qemu boots nothing: BROK, exit 3: %s", r.err);
	char *calls = cli_slurp(log);
	cr_assert_not_null(calls, "the harness ran the fake qemu");
	char *boot = strstr(calls, "-kernel ");
	while (boot && boot > calls && boot[-1] != '\n')
		boot--;
	cr_assert_not_null(boot, "a boot was asked for:\n%s", calls);
	cr_expect(strstr(boot, "-accel tcg") && !strstr(boot, "-accel kvm"), "the boot asked for emulation:\n%s", calls);
	cr_expect_eq(cli_count(calls, "-accel kvm"), access("/dev/kvm", R_OK | W_OK) == 0 ? 1 : 0,
		     "KVM is probed once, only where /dev/kvm opens:\n%s", calls);
	free(calls);
	cli_result_free(&r);
}

Test(kernels, a_killed_harness_takes_qemu_with_it)
{
	const char *kernel = debian_kernel_to_boot();
	struct cli_proc c;
	struct cli_result r;
	cli_start(&c, &r, CLI_ARGS("run", "--report-dir", cli_path("out"), "--kernel", kernel,
				   "scenarios/rmid/rmid-twice-attached.scn"),
		  NULL, NULL, NULL);
	cr_assert(cli_wait_err(&c, "booting it under qemu"), "no boot said:\n%s", r.err);
	int pidfd = qemu_of(c.pid, kernel);
	cr_assert_eq(kill(c.pid, SIGKILL), 0);
	cli_finish(&c);
	struct pollfd p = { .fd = pidfd, .events = POLLIN };
	cr_expect_eq(poll(&p, 1, 10000), 1, "qemu ended with the harness (PR_SET_PDEATHSIG, and its pipes closed)");
	close(pidfd);
	cli_result_free(&r);
}

/* A guest that falls silent (its scenario runs a minute without a word,
 * and the test allows 5 s) is stopped: BROK, saying so, with the console's
 * last lines, and no qemu left. */
Test(kernels, a_silent_guest_is_stopped_and_brok)
{
	const char *kernel = debian_kernel_to_boot();
	struct cli_proc c;
	struct cli_result r;
	cli_start(&c, &r, CLI_ARGS("run", "--report-dir", cli_path("out"), "--kernel", kernel,
				   "tests/data/vm/silent-guest.scn"),
		  CLI_ARGS("SHMLIFE_TEST_VM_SILENCE_MS=5000"), NULL, NULL);
	cr_assert(cli_wait_err(&c, "booting it under qemu"), "no boot said:\n%s", r.err);
	int pidfd = qemu_of(c.pid, kernel);
	cli_finish(&c);
	cr_expect_eq(r.status, 3, "BROK, exit 3: %s", r.err);
	cr_expect(strstr(r.err, "BROK: the guest said nothing for 5 s: stopped"), "%s", r.err);
	cr_expect(strstr(r.err, "the console's last lines"), "%s", r.err);
	struct pollfd p = { .fd = pidfd, .events = POLLIN };
	cr_expect_eq(poll(&p, 1, 0), 1, "its qemu has ended when the harness has");
	close(pidfd);
	cli_result_free(&r);
}

Test(kernels, claims_by_kernel_prints_a_column_per_kernel)
{
	const char *kernel = debian_kernel_to_boot();
	struct cli_result r;
	cli_run(&r, CLI_ARGS("claims", "-q", "--format", "tsv", "--kernel", kernel,
			     "scenarios/rmid/rmid-twice-attached.scn", "scenarios/rmid/rmid-twice-unattached.scn"));
	assert_exit(r, 0);
	const char *release = strrchr(kernel, '/') + strlen("/vmlinuz-");
	char *head = cli_line_starting(r.out, "id\tscenario\t");
	cr_assert_not_null(head, "%s", r.out);
	cr_expect(strstr(head, release), "the header names %s: %s", release, head);
	free(head);
	/* the known verdicts, on both kernels */
	char *row = cli_line_starting(r.out, "rmid-repeatable-unattached\t");
	cr_assert_not_null(row, "%s", r.out);
	cr_expect_str_eq(row, "rmid-repeatable-unattached\trmid-twice-unattached\tdisagrees\tdisagrees\tno");
	free(row);
	row = cli_line_starting(r.out, "rmid-repeatable\t");
	cr_assert_not_null(row, "%s", r.out);
	cr_expect_str_eq(row, "rmid-repeatable\trmid-twice-attached\tagrees\tagrees\tno");
	free(row);
	cli_result_free(&r);
}
