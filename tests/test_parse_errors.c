/* test_parse_errors.c - the parser on malformed scripts: each gives exactly
 * the expected `file:line:col: message` lines (whole text compared), all of
 * them when there are several, with the nearest-name suggestions; and no
 * scenario. */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "shmlife/parse.h"

/* All diagnostics of parsing `text` as t.scn, one line each. */
static char *diagnostics(const char *text)
{
	struct sl_diags d = { 0 };
	struct sl_scenario *s = sl_parse_string(text, "t.scn", &d);
	cr_assert_null(s, "a bad script gave a scenario");
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	cr_assert_not_null(f);
	sl_diags_print(&d, f);
	fclose(f);
	sl_diags_free(&d);
	return buf;
}

static void check(const char *text, const char *expected)
{
	char *got = diagnostics(text);
	cr_assert_str_eq(got, expected, "\ngot:\n%s\nexpected:\n%s", got, expected);
	free(got);
}

#define ERRORS(name, text, expected) \
	Test(parse_errors, name) { check(text, expected); }

#define HEAD "scenario t\nactors: owner, peer\n"
#define SEG "owner shmget key=auto size=4096 flags=IPC_CREAT|0600 -> seg\n"

ERRORS(missing_scenario_line,
	"actors: owner\n"
	"owner setsid\n",
	"t.scn:1:1: the script must begin with 'scenario NAME'\n")

ERRORS(empty_script,
	"",
	"t.scn:1:1: the script is empty: it must begin with 'scenario NAME'\n")

ERRORS(only_comments,
	"# nothing\n"
	"\n"
	"   # here\n",
	"t.scn:1:1: the script is empty: it must begin with 'scenario NAME'\n")

ERRORS(scenario_without_name,
	"scenario\n"
	"actors: a\n"
	"a setsid\n",
	"t.scn:1:9: 'scenario' needs a name\n")

ERRORS(scenario_twice,
	"scenario a\n"
	"scenario b\n"
	"actors: x\n"
	"x setsid\n",
	"t.scn:2:1: a script holds one scenario; 'scenario' was already given on line 1\n")

ERRORS(bad_scenario_name,
	"scenario a/b\n"
	"actors: x\n"
	"x setsid\n",
	"t.scn:1:10: bad scenario name 'a/b': use letters, digits, '-', '_' and '.'\n")

ERRORS(no_steps,
	"scenario lonely\n"
	"actors: x\n",
	"t.scn:1:1: scenario 'lonely' has no steps\n")

ERRORS(unknown_header_suggests,
	"scenario t\n"
	"tag: rmid\n"
	"actors: x\n"
	"x setsid\n",
	"t.scn:2:1: unknown header 'tag'; did you mean 'tags'?\n")

ERRORS(unknown_header_far,
	"scenario t\n"
	"flavour: vanilla\n"
	"actors: x\n"
	"x setsid\n",
	"t.scn:2:1: unknown header 'flavour'\n")

ERRORS(header_after_step,
	HEAD
	"owner setsid\n"
	"tags: late\n",
	"t.scn:4:1: header 'tags' must come before the first step (line 3)\n")

ERRORS(description_twice,
	"scenario t\n"
	"description: one\n"
	"description: two\n"
	"actors: x\n"
	"x setsid\n",
	"t.scn:3:1: 'description' is given twice (first on line 2)\n")

ERRORS(duplicate_actor,
	HEAD
	"actors: owner\n"
	"owner setsid\n",
	"t.scn:3:9: 'owner' is already an actor (line 2)\n")

ERRORS(reserved_actor_name,
	"scenario t\n"
	"actors: expect, key\n",
	"t.scn:2:9: 'expect' is a reserved word; choose another name\n"
	"t.scn:2:17: 'key' is a reserved word; choose another name\n")

ERRORS(actor_line_recovers_at_commas,
	"scenario t\n"
	"actors: a(uid=1), b[20000], c(uidd=3), d[0], e(rlimit-as=0)\n"
	"actors: ok\n"
	"ok setsid\n",
	"t.scn:2:9: give uid= and gid= together\n"
	"t.scn:2:21: a group has 1 to 10000 members, not 20000\n"
	"t.scn:2:31: unknown actor setting 'uidd'; did you mean 'uid'?\n"
	"t.scn:2:42: a group has 1 to 10000 members, not 0\n"
	"t.scn:2:58: rlimit-as must be at least 1; leave it out to inherit the limit\n")

ERRORS(sysctl_outside_ipc_namespace,
	"scenario t\n"
	"sysctl: kernel.hostname = box\n"
	"actors: x\n"
	"x setsid\n",
	"t.scn:2:9: kernel.hostname is not a sysctl of the IPC namespace; setting it would change the host\n")

ERRORS(sysctl_typo_suggests,
	"scenario t\n"
	"sysctl: kernel.shmmnii = 8\n"
	"actors: x\n"
	"x setsid\n",
	"t.scn:2:9: kernel.shmmnii is not a sysctl of the IPC namespace; setting it would change the host; did you mean 'kernel.shmmni'?\n")

ERRORS(sysctl_step_outside_ipc_namespace,
	HEAD
	"sysctl vm.swappiness = 10\n",
	"t.scn:3:8: vm.swappiness is not a sysctl of the IPC namespace; setting it would change the host\n")

ERRORS(sysctl_value_not_number,
	"scenario t\n"
	"sysctl: kernel.shmmni = lots\n"
	"actors: x\n"
	"x setsid\n",
	"t.scn:2:25: sysctl value 'lots' is not a number\n")

/* Issue 12 item 13: what `run` found out (BROK) is refused by `check`. */
ERRORS(sysctl_out_of_the_kernels_range,
	"scenario t\n"
	"sysctl: kernel.shmmni = -5\n"
	"sysctl: kernel.shm_rmid_forced = 2\n"
	"sysctl: kernel.shmmax = 18446744073692774399\n"
	"actors: x\n"
	"x setsid\n",
	"t.scn:2:25: kernel.shmmni = -5 is out of range: the kernel takes 0 to IPCMNI, 32768\n"
	"t.scn:3:34: kernel.shm_rmid_forced = 2 is out of range: the kernel takes 0 or 1\n")

ERRORS(sysctl_with_too_few_or_too_many_values,
	"scenario t\n"
	"sysctl: kernel.sem = 250 32000 32\n"
	"sysctl: kernel.shmmni = 8 9\n"
	"actors: x\n"
	"x setsid\n",
	"t.scn:2:9: kernel.sem takes 4 values (four numbers, semmsl semmns semopm semmni, each 0 to INT_MAX); 3 given\n"
	"t.scn:3:27: kernel.shmmni takes 1 value (0 to IPCMNI, 32768); '9' is one too many\n")

ERRORS(sysctl_unknown_mqueue_file,
	"scenario t\n"
	"sysctl: fs.mqueue.msg_maxx = 10\n"
	"actors: x\n"
	"x setsid\n",
	"t.scn:2:9: fs.mqueue.msg_maxx is not a sysctl of the IPC namespace; setting it would change the host; did you mean 'fs.mqueue.msg_max'?\n")

ERRORS(terminal_steps_need_a_terminal,
	"scenario t\n"
	"actors: x\n"
	"x setsid\n"
	"hangup\n"
	"key ^C\n",
	"t.scn:4:1: 'hangup' needs a terminal: add the header 'terminal: pty'\n"
	"t.scn:5:1: 'key' needs a terminal: add the header 'terminal: pty'\n")

ERRORS(requires_errors,
	"scenario t\n"
	"requires: rot\n"
	"requires: kernel 5.3\n"
	"requires: kernel >= 5.x\n"
	"requires: host_root\n"
	"actors: x\n"
	"x setsid\n",
	"t.scn:2:11: unknown requirement 'rot'; did you mean 'root'?\n"
	"t.scn:3:18: write 'kernel >= MAJOR.MINOR', as in kernel >= 5.3\n"
	"t.scn:4:21: expected a kernel version such as 5.3, found '5.x'\n"
	"t.scn:5:11: unknown requirement 'host_root'; did you mean 'host-root'?\n")

ERRORS(timeout_errors,
	"scenario t\n"
	"timeout: 2 s\n"
	"timeout: 0ms\n"
	"timeout: 4000s\n"
	"actors: x\n"
	"x setsid\n",
	"t.scn:2:10: bad timeout '2': write a duration such as 2s or 500ms\n"
	"t.scn:3:10: timeout '0ms' is out of range (1ms to 3600s)\n"
	"t.scn:4:10: timeout '4000s' is out of range (1ms to 3600s)\n")

ERRORS(terminal_and_leak,
	"scenario t\n"
	"terminal: tty\n"
	"leak: maybe\n"
	"actors: x\n"
	"x setsid\n",
	"t.scn:2:11: unknown terminal 'tty': the only terminal is 'pty'\n"
	"t.scn:3:7: unknown leak setting 'maybe': write 'leak: expected'\n")

ERRORS(claim_errors,
	"scenario t\n"
	"claim c1: unquoted\n"
	"claim c2: \"ok\" sorce: \"x\"\n"
	"claim c3: \"ok\" kernel: maybe\n"
	"claim c4: \"a\"\n"
	"claim c4: \"b\"\n"
	"actors: x\n"
	"x setsid\n",
	"t.scn:2:11: the claim's text must be a quoted string\n"
	"t.scn:3:16: unknown claim setting 'sorce'; did you mean 'source'?\n"
	"t.scn:4:24: kernel: is 'agrees' or 'disagrees', not 'maybe'\n"
	"t.scn:6:7: claim 'c4' is declared twice (first on line 5)\n")

/* A libc's own verdict on a claim, and a step for one libc (docs/libc.md). */
ERRORS(libc_errors,
	"scenario t\n"
	"claim c1: \"ok\" musl: maybe\n"
	"claim c2: \"ok\" musl: agrees musl: disagrees\n"
	"actors: x\n"
	"x setsid [libc bionic]\n"
	"x setsid [libc musl] [libc glibc]\n"
	"expect x sid=x [libc musl\n",
	"t.scn:2:22: musl: is 'agrees' or 'disagrees', not 'maybe'\n"
	"t.scn:3:29: 'musl' is given twice\n"
	"t.scn:5:16: [libc NAME] names glibc or musl, not 'bionic'\n"
	"t.scn:6:22: a step is for one libc\n"
	"t.scn:7:26: expected ']', found the end of the line\n")

ERRORS(unknown_claim_suggests,
	"scenario t\n"
	"claim rmid-marks: \"x\"\n"
	"actors: x\n"
	"x setsid [claim rmid-mark]\n",
	"t.scn:4:17: unknown claim 'rmid-mark'; did you mean 'rmid-marks'?\n")

ERRORS(unknown_actor_suggests,
	HEAD
	"ownr setsid\n",
	"t.scn:3:1: unknown actor 'ownr'; did you mean 'owner'?\n")

ERRORS(unknown_operation_suggests,
	HEAD
	"owner shmatt seg\n",
	"t.scn:3:7: unknown operation 'shmatt'; did you mean 'shmat'?\n")

ERRORS(operation_without_actor,
	HEAD
	SEG
	"shmat seg -> a\n",
	"t.scn:4:1: 'shmat' needs an actor first: write 'ACTOR shmat ...'\n")

ERRORS(conductor_step_with_actor,
	HEAD
	"owner wait peer\n",
	"t.scn:3:7: 'wait' is a conductor step; write it without an actor\n")

ERRORS(wait_past_without_a_time,
	HEAD
	"wait past\n",
	"t.scn:3:6: wait past needs a time: wait past time(NAME) or wait past time(line N)\n")

ERRORS(wait_past_a_number,
	HEAD
	"wait past 1796405785\n",
	"t.scn:3:11: wait past takes the time of a step: time(NAME) or time(line N)\n")

ERRORS(wait_for_an_actor_and_a_time,
	HEAD
	"owner shmget key=IPC_PRIVATE size=4k flags=IPC_CREAT|0600 -> seg\n"
	"wait owner time(seg)\n",
	"t.scn:4:12: wait takes one actor: wait ACTOR, or wait past time(line N)\n")

ERRORS(wait_past_a_later_line,
	HEAD
	"wait past time(line 9)\n",
	"t.scn:3:21: time(line 9) must name an earlier line\n")

/* The step on line 4 runs only with musl's actors: with glibc's, its time
 * was never taken, and `ctime > time(line 4)` was judged against 0 (PASS). */
ERRORS(time_of_a_step_of_another_libc,
	HEAD
	SEG
	"owner shmctl seg IPC_STAT [libc musl]\n"
	"expect seg ctime > time(line 4)\n",
	"t.scn:5:12: time(line 4) is the time of a step run only with musl's actors; end this line with "
	"[libc musl] too\n")

/* The same for a name: with glibc's actors `seg` was never bound, and
 * `expect seg gone` passed of no segment at all. */
ERRORS(name_bound_by_a_step_of_another_libc,
	HEAD
	"owner shmget key=IPC_PRIVATE size=4096 flags=IPC_CREAT|0600 -> seg [libc musl]\n"
	"expect seg gone\n",
	"t.scn:4:1: 'seg' is bound on line 3, which runs only with musl's actors; end this line with "
	"[libc musl] too\n")

ERRORS(wait_past_the_time_of_a_step_of_another_libc,
	HEAD
	SEG
	"owner shmctl seg IPC_STAT [libc glibc]\n"
	"wait past time(line 4) [libc musl]\n",
	"t.scn:5:1: time(line 4) is the time of a step run only with glibc's actors; end this line with "
	"[libc glibc] too\n")

ERRORS(missing_operation,
	HEAD
	"owner\n",
	"t.scn:3:6: missing operation after 'owner'\n")

ERRORS(unknown_argument_suggests,
	HEAD
	"owner shmget key=auto sise=4096\n",
	"t.scn:3:23: shmget has no argument 'sise'; did you mean 'size'?\n")

ERRORS(argument_given_twice,
	HEAD
	"owner shmget key=auto size=1 key=IPC_PRIVATE\n",
	"t.scn:3:30: 'key' is given twice\n")

ERRORS(too_many_arguments,
	HEAD
	SEG
	"owner shmdt seg seg\n",
	"t.scn:4:17: shmdt takes at most 1 argument; unexpected 'seg'\n")

ERRORS(shmget_without_key,
	HEAD
	"owner shmget size=4096 flags=IPC_CREAT\n",
	"t.scn:3:7: shmget needs a key: key=auto, key=IPC_PRIVATE, key=0x1234 or key=ftok(PATH, N)\n")

ERRORS(unknown_name_suggests,
	HEAD
	SEG
	"owner shmat sge -> a\n",
	"t.scn:4:13: unknown name 'sge'; did you mean 'seg'?\n")

ERRORS(name_used_before_bound,
	HEAD
	"owner shmat seg -> a\n"
	SEG,
	"t.scn:3:13: 'seg' is used before it is bound on line 4\n")

ERRORS(name_bound_twice,
	HEAD
	SEG
	"owner shmget key=auto size=1 -> seg\n",
	"t.scn:4:33: 'seg' is already bound on line 3\n")

ERRORS(bind_constant_or_reserved,
	HEAD
	"owner shmget key=auto -> IPC_CREAT\n"
	"owner shmget key=auto -> fails\n"
	"owner shmget key=auto -> 9lives\n",
	"t.scn:3:26: 'IPC_CREAT' is a constant; choose another name\n"
	"t.scn:4:26: 'fails' is a reserved word; choose another name\n"
	"t.scn:5:26: bad name '9lives': a name is a letter or '_', then letters, digits, '_' or '-'\n")

ERRORS(group_bound_name_outside_group,
	"scenario t\n"
	"actors: owner, workers[3]\n"
	SEG
	"workers shmat seg -> a\n"
	"owner shmdt a\n",
	"t.scn:5:13: 'a' holds one value per member of 'workers'; write a[N], or use it in a 'workers' step\n")

ERRORS(group_name_needs_member,
	"scenario t\n"
	"actors: owner, workers[3]\n"
	"owner kill workers SIGKILL\n",
	"t.scn:3:12: 'workers' is a group of 3 actors; name one member, as workers[0]\n")

ERRORS(index_out_of_range,
	"scenario t\n"
	"actors: owner, workers[3]\n"
	"workers[3] setsid\n"
	"owner[0] setsid\n",
	"t.scn:3:9: index 3 is out of range: 'workers' has 3 members (0 to 2)\n"
	"t.scn:4:7: 'owner' is not a group; it has no members\n")

ERRORS(bad_numbers,
	HEAD
	"owner shmget key=12x size=1\n"
	"owner shmget key=auto size=09\n"
	"owner shmget key=auto size=99999999999999999999\n",
	"t.scn:3:18: bad number '12x'\n"
	"t.scn:4:28: bad number '09' (a leading 0 means octal)\n"
	"t.scn:5:28: number out of range: '99999999999999999999'\n")

ERRORS(decimal_permission_bits,
	HEAD
	"owner shmget key=auto size=4096 flags=IPC_CREAT|600\n"
	"owner umask 22\n",
	"t.scn:3:49: '600' is decimal here; permission bits are written in octal: 0600\n"
	"t.scn:4:13: '22' is decimal here; permission bits are written in octal: 022\n")

ERRORS(constant_of_another_call,
	HEAD
	"owner shmget key=auto size=1 flags=SHM_RDONLY\n"
	"owner shmctl 0 O_RDWR\n",
	"t.scn:3:36: 'SHM_RDONLY' is a shmat flag, not a shmget flag\n"
	"t.scn:4:16: 'O_RDWR' is an open flag, not a shmctl command\n")

ERRORS(unknown_constant_suggests,
	HEAD
	"owner shmget key=auto size=1 flags=IPC_CRAET\n"
	"owner shmctl 0 rmid\n",
	"t.scn:3:36: unknown shmget flag 'IPC_CRAET'; did you mean 'IPC_CREAT'?\n"
	"t.scn:4:16: unknown shmctl command 'rmid'; did you mean 'IPC_RMID'?\n")

ERRORS(unknown_errno_suggests,
	HEAD
	SEG
	"owner shmctl seg IPC_RMID fails EINVL\n"
	"owner shmctl seg IPC_RMID fails INVAL\n",
	"t.scn:4:33: unknown errno 'EINVL'; did you mean 'EINVAL'?\n"
	"t.scn:5:33: unknown errno 'INVAL'; did you mean 'EINVAL'?\n")

ERRORS(signals_out_of_range,
	HEAD
	"owner kill peer 65\n"
	"peer crash 0\n"
	"peer crash SIGKIL\n",
	"t.scn:3:17: signal 65 is out of range (0 to 64)\n"
	"t.scn:4:12: signal 0 is out of range (1 to 64)\n"
	"t.scn:5:12: unknown signal 'SIGKIL'; did you mean 'SIGKILL'?\n")

ERRORS(strings,
	HEAD
	"owner chdir \"/tmp\n"
	"owner chdir \"a\\qb\"\n"
	"owner chdir \"\\x4\"\n",
	"t.scn:3:13: unterminated string\n"
	"t.scn:4:15: unknown escape '\\q' in a string\n"
	"t.scn:5:14: '\\x' needs two hex digits\n")

ERRORS(control_character,
	HEAD
	"owner setsid\001\n",
	"t.scn:3:13: unexpected control character 0x01\n")

ERRORS(junk_after_outcome,
	HEAD
	SEG
	"owner shmctl seg IPC_RMID fails EINVAL later\n"
	"hangup now\n",
	"t.scn:4:40: unexpected 'later'\n"
	"t.scn:5:8: hangup takes no arguments; unexpected 'now'\n")

ERRORS(two_outcomes,
	HEAD
	SEG
	"owner shmctl seg IPC_RMID any fails EINVAL\n",
	"t.scn:4:31: a step has one outcome; 'any' is given already\n")

ERRORS(failing_step_binds_nothing,
	HEAD
	"owner shmget key=auto size=1 -> seg fails ENOENT\n",
	"t.scn:3:33: a step expected to fail binds nothing; remove '-> seg'\n")

ERRORS(nothing_to_bind,
	HEAD
	SEG
	"owner shmat seg -> a\n"
	"owner shmdt a -> r\n",
	"t.scn:5:15: shmdt gives no value to bind\n")

ERRORS(fork_errors,
	HEAD
	"owner fork\n"
	"owner fork -> peer\n",
	"t.scn:3:7: fork needs '-> NAME' to name the child\n"
	"t.scn:4:15: 'peer' is already an actor (line 2)\n")

ERRORS(expect_unknown_field_suggests,
	HEAD
	SEG
	"expect seg natch=2\n",
	"t.scn:4:12: unknown field 'natch'; did you mean 'nattch'?\n")

ERRORS(expect_field_of_other_target,
	HEAD
	SEG
	"expect owner nattch=1\n"
	"expect seg alive\n"
	"expect namespace nattch=1\n",
	"t.scn:4:14: 'nattch' is a segment field, not a process field\n"
	"t.scn:5:12: 'alive' is a process field, not a segment field\n"
	"t.scn:6:18: 'nattch' is a segment field, not a namespace field\n")

ERRORS(expect_maps_field_without_maps,
	HEAD
	SEG
	"expect owner attached seg\n",
	"t.scn:4:14: 'attached' is a maps field: write 'expect owner maps attached ...'\n")

ERRORS(expect_flags_and_comparisons,
	HEAD
	SEG
	"expect seg dest=1\n"
	"expect seg nattch\n"
	"expect seg !nattch=2\n"
	"expect owner cwd < /\n",
	"t.scn:4:16: 'dest' is a flag: write 'dest' or '!dest'\n"
	"t.scn:5:18: 'nattch' needs a comparison: = != < <= > >=\n"
	"t.scn:6:12: 'nattch' is not a flag; '!' and 'not' apply to flags only\n"
	"t.scn:7:18: 'cwd' compares text: use = or !=\n")

ERRORS(expect_subject_errors,
	HEAD
	SEG
	"expect sge gone\n"
	"expect seg maps attached seg\n"
	"expect\n"
	"expect seg\n"
	"expect seg gone,\n",
	"t.scn:4:8: unknown subject 'sge'; did you mean 'seg'?\n"
	"t.scn:5:12: 'maps' follows an actor; 'seg' is a segment\n"
	"t.scn:6:7: expect needs a subject: a bound segment, an actor or 'namespace'\n"
	"t.scn:7:11: expect needs at least one condition, as in 'expect seg nattch=1'\n"
	"t.scn:8:17: expected a condition after ',', found the end of the line\n")

ERRORS(write_read_data_errors,
	HEAD
	SEG
	"owner shmat seg -> a\n"
	"owner write a\n"
	"owner write a \"x\" zeros=2\n"
	"owner write a fill=1\n"
	"owner write a 0xabc\n"
	"owner read a \"\"\n"
	"owner shmdt a+\n",
	"t.scn:5:7: write needs data: a string, 0x bytes, bytes=N [fill=0xNN] or zeros=N\n"
	"t.scn:6:19: give the data once: a string, 0x bytes, bytes= or zeros=\n"
	"t.scn:7:15: fill= goes with bytes=N\n"
	"t.scn:8:15: hex data needs an even number of digits: '0xabc'\n"
	"t.scn:9:14: read needs at least one byte\n"
	"t.scn:10:15: expected an offset, found the end of the line\n")

ERRORS(shmctl_mode_without_ipc_set,
	HEAD
	SEG
	"owner shmctl seg IPC_RMID mode=0600\n",
	"t.scn:4:27: mode=, uid= and gid= are for IPC_SET only\n")

ERRORS(time_errors,
	HEAD
	SEG
	"expect seg atime >= time(line 9)\n"
	"expect seg nattch=time(line 3)\n",
	"t.scn:4:31: time(line 9) must name an earlier line\n"
	"t.scn:5:19: time() is the time of a step; it is only for atime, dtime and ctime\n")

ERRORS(ftok_only_in_keys,
	HEAD
	SEG
	"owner shmat ftok(/x, 1)\n",
	"t.scn:4:13: ftok() is only for shmget keys\n")

ERRORS(exec_errors,
	HEAD
	"owner exec\n"
	"owner exec /bin/true env BAD\n",
	"t.scn:3:7: exec needs a program: exec PATH ARGS...\n"
	"t.scn:4:26: env takes NAME=VALUE, not 'BAD'\n")

ERRORS(key_errors,
	"scenario t\n"
	"terminal: pty\n"
	"actors: x\n"
	"key ^1\n"
	"key \"ab\"\n"
	"key 300\n",
	"t.scn:4:5: unknown key '^1': write ^C, ^\\, ^Z, ^D, a character \"q\" or a number\n"
	"t.scn:5:5: key types one character, not 2\n"
	"t.scn:6:5: a key code must be 0 to 255, not 300\n")

ERRORS(or_in_single_value,
	HEAD
	"owner shmget key=auto size=4096|1\n",
	"t.scn:3:32: '|' combines flags; a size is a single value\n")

ERRORS(exit_status_mismatch,
	HEAD
	"owner exit 3 exits 4\n",
	"t.scn:3:14: exit 3 cannot exit with status 4\n")

ERRORS(too_many_errnos,
	HEAD
	SEG
	"owner shmctl seg IPC_RMID fails E2BIG|EACCES|EAGAIN|EBADF|EBUSY|EEXIST|EFAULT|EFBIG|EINTR\n",
	"t.scn:4:85: at most 8 errnos\n")

ERRORS(claim_clause_unclosed,
	"scenario t\n"
	"claim c1: \"x\"\n"
	"actors: x\n"
	"x setsid [claim c1\n",
	"t.scn:4:19: expected ']', found the end of the line\n")

ERRORS(several_errors,
	HEAD
	"owner shmget key=auto size=4096 flags=IPC_CREAT|IPC_EXCL|0600 -> seg\n"
	"owner shmatt seg -> a\n"
	"peer shmat seg -> b\n"
	"owner shmctl seg IPC_RMDI\n"
	"expect seg nattch=2 dst\n"
	"peer shmdt b\n"
	"owner shmdt a\n"
	"expect seg gone\n"
	"owner shmctl seg IPC_RMID fails EINVL\n",
	"t.scn:4:7: unknown operation 'shmatt'; did you mean 'shmat'?\n"
	"t.scn:6:18: unknown shmctl command 'IPC_RMDI'; did you mean 'IPC_RMID'?\n"
	"t.scn:7:21: unknown field 'dst'; did you mean 'dest'?\n"
	"t.scn:11:33: unknown errno 'EINVL'; did you mean 'EINVAL'?\n")

ERRORS(fd_field_needs_number,
	HEAD
	"expect owner fd=/dev/null\n",
	"t.scn:3:14: write the descriptor's number: fd0=/dev/null\n")

ERRORS(mode_constant_of_another_kind,
	HEAD
	SEG
	"expect seg mode=O_RDWR\n",
	"t.scn:4:17: 'O_RDWR' is an open flag, not a mode\n")

ERRORS(bound_name_is_not_an_actor,
	HEAD
	SEG
	"owner kill seg SIGTERM\n"
	"seg shmat seg\n",
	"t.scn:4:12: 'seg' is a bound name, not an actor\n"
	"t.scn:5:1: 'seg' is a bound name, not an actor\n")

ERRORS(maps_subject_with_segment_field,
	HEAD
	SEG
	"expect owner maps nattch=1\n",
	"t.scn:4:19: 'nattch' is a segment field, not a maps field\n")

ERRORS(actor_used_before_fork_creates_it,
	HEAD
	"child setsid\n"
	"owner fork -> child\n",
	"t.scn:3:1: actor 'child' does not exist yet: line 4 creates it\n")

ERRORS(group_step_binds_plain_name,
	"scenario t\n"
	"actors: owner, workers[2]\n"
	SEG
	"workers shmat seg -> a[0]\n",
	"t.scn:4:22: bind a plain name; a group step binds a[0], a[1]... itself\n")

ERRORS(one_name_one_claim,
	"scenario t\n"
	"claim c1: \"x\"\n"
	"actors: owner\n"
	SEG
	"owner shmat seg -> a -> b\n"
	"owner shmat seg [claim c1] [claim c1]\n",
	"t.scn:5:22: a step binds one name; 'a' is bound already\n"
	"t.scn:6:28: a step is evidence for one claim\n")

ERRORS(sysctl_step_without_assignment,
	HEAD
	"sysctl\n"
	"sysctl kernel.shmmni 8\n"
	"sysctl kernel.shmmni =\n",
	"t.scn:3:1: sysctl needs NAME = VALUE: sysctl kernel.shmmni = 8\n"
	"t.scn:4:22: expected '=' and a value, found '8'\n"
	"t.scn:5:23: expected a value after '=', found the end of the line\n")

ERRORS(tags_and_actors_headers,
	"scenario t\n"
	"tags: a, a\n"
	"tags:\n"
	"actors:\n"
	"actors: w[x], v[2\n"
	"actors: ok\n"
	"ok setsid\n",
	"t.scn:2:10: tag 'a' is given twice\n"
	"t.scn:3:6: 'tags' needs at least one tag\n"
	"t.scn:4:8: 'actors' needs at least one actor\n"
	"t.scn:5:11: expected a group size, found 'x'\n"
	"t.scn:5:18: expected ']', found the end of the line\n")

/* ---- cases that are built rather than written ----------------------------- */

Test(parse_errors, line_too_long)
{
	size_t n = 4200;
	char *text = malloc(n + 256);
	cr_assert_not_null(text);
	int k = snprintf(text, 64, HEAD "owner chdir /");
	memset(text + k, 'a', n);
	snprintf(text + k + n, 64, "\nowner setsid\nowner shmatt\n");
	check(text, "t.scn:3:4097: line is longer than 4096 characters\n"
		    "t.scn:5:7: unknown operation 'shmatt'; did you mean 'shmat'?\n");
	free(text);
}

Test(parse_errors, too_many_errors_stop)
{
	size_t n = 300;
	char *text = malloc(64 + n * 16);
	cr_assert_not_null(text);
	char *p = text + sprintf(text, HEAD);
	for (size_t i = 0; i < n; i++)
		p += sprintf(p, "nobody setsid\n");
	char *got = diagnostics(text);
	size_t lines = 0;
	for (char *c = got; *c; c++)
		lines += *c == '\n';
	cr_assert_eq(lines, 201);
	cr_assert_not_null(strstr(got, "t.scn:202:1: unknown actor 'nobody'\n"
				       "t.scn:202:1: too many errors (200); stopping here\n"));
	free(got);
	free(text);
}

Test(parse_errors, nul_byte_in_file)
{
	char path[] = "/tmp/test_parse_errors_XXXXXX";
	int fd = mkstemp(path);
	cr_assert_geq(fd, 0);
	static const char text[] = "scenario t\nactors: a\na set\0sid\n";
	cr_assert_eq(write(fd, text, sizeof(text) - 1), (ssize_t)sizeof(text) - 1);
	close(fd);
	struct sl_diags d = { 0 };
	cr_assert_null(sl_parse_file(path, &d));
	unlink(path);
	cr_assert_eq(d.n, 1);
	cr_assert_eq(d.v[0].line, 3);
	cr_assert_eq(d.v[0].col, 6);
	cr_assert_str_eq(d.v[0].msg, "unexpected control character 0x00");
	sl_diags_free(&d);
}

Test(parse_errors, group_errors_are_reported_once)
{
	check("scenario t\nactors: owner, workers[50]\n"
	      "workers shmat nothing -> a\n"
	      "workers shmdt a\n",
	      "t.scn:3:15: unknown name 'nothing'\n");
}

Test(parse_errors, too_many_steps)
{
	/* 12 group steps of 10000 members: the 11th passes the limit of 100000
	 * steps, which is said once */
	char text[1024];
	char *p = text + sprintf(text, "scenario t\nactors: w[10000]\n");
	for (int i = 0; i < 12; i++)
		p += sprintf(p, "w setsid\n");
	check(text, "t.scn:13:1: too many steps (the limit is 100000)\n");
}

/* inject ... comm=NAME: a process name as the kernel keeps it */
ERRORS(inject_comm_too_long,
	HEAD "owner exec prog inject shmget comm=a-very-long-program-name errno=EINVAL fails EINVAL\n",
	"t.scn:3:36: a comm is 1 to 15 bytes (the kernel keeps the first 15 of a program's name), not 24: "
	"comm=a-very-long-pro\n")
ERRORS(inject_comm_without_name,
	HEAD "owner exec prog inject shmget comm= errno=EINVAL\n",
	"t.scn:3:37: expected a process name: comm=postgres, found 'errno'\n")

/* expect ACTOR stdout|stderr: a program's output (issue 13 item 2) */
ERRORS(output_needs_a_text_comparison,
	HEAD "expect owner stdout < \"x\"\n",
	"t.scn:3:21: 'stdout' is a program's output: write stdout ~ \"regex\", stdout !~ \"regex\", "
	"stdout = \"text\" or stdout != \"text\"\n")
ERRORS(output_regex_must_compile,
	HEAD "expect owner stderr ~ \"(a\"\n",
	"t.scn:3:23: not a POSIX extended regular expression: Unmatched ( or \\(\n")
ERRORS(output_regex_missing,
	HEAD "expect owner stdout ~\n",
	"t.scn:3:22: expected a regular expression in quotes, found the end of the line\n")

/* expect terminal: what was written to the scenario's terminal; {{NAME}}
 * in an output expectation's text (issue 13, what was left) */
ERRORS(terminal_expectation_needs_a_terminal,
	HEAD "expect terminal ~ \"login\"\n",
	"t.scn:3:8: this scenario has no terminal: add 'terminal: pty' to its header\n")
ERRORS(terminal_is_not_an_actors,
	"scenario t\nterminal: pty\nactors: owner\nexpect owner terminal ~ \"x\"\n",
	"t.scn:4:14: the terminal is the scenario's, not an actor's: write 'expect terminal ~ \"regex\"' "
	"in a scenario with 'terminal: pty'\n")
ERRORS(terminal_needs_a_text_comparison,
	"scenario t\nterminal: pty\nactors: owner\nexpect terminal > \"x\"\n",
	"t.scn:4:17: 'terminal' is what was written to the terminal: write terminal ~ \"regex\", terminal !~ "
	"\"regex\", terminal = \"text\" or terminal != \"text\"\n")
ERRORS(terminal_is_not_an_actor_name,
	"scenario t\nterminal: pty\nactors: terminal\n",
	"t.scn:3:9: 'terminal' is a reserved word; choose another name\n")
ERRORS(output_value_unknown_name,
	HEAD SEG "expect owner stdout ~ \"shmid={{sge}}\"\n",
	"t.scn:4:23: unknown name 'sge'; did you mean 'seg'?\n")
ERRORS(output_value_unclosed,
	HEAD SEG "expect owner stdout = \"id {{seg\"\n",
	"t.scn:4:23: '{{' without '}}': a value is written {{NAME}}, {{NAME:hex}} or {{NAME:key}}\n")
ERRORS(output_regex_with_a_value_must_compile,
	HEAD SEG "expect owner stdout ~ \"({{seg}}\"\n",
	"t.scn:4:23: not a POSIX extended regular expression: Unmatched ( or \\(\n")

ERRORS(network_header_is_private_or_host,
	"scenario t\nnetwork: none\nactors: a\n",
	"t.scn:2:10: unknown network 'none': 'private' (the default: its own, loopback only) or 'host'\n")

/* {{NAME}} in exec arguments, find segment (issue 13 item 3) */
ERRORS(exec_value_unknown_name,
	HEAD "owner exec prog --id {{sge}}\n",
	"t.scn:3:22: unknown name 'sge'\n")
ERRORS(exec_value_unknown_format,
	HEAD SEG "owner exec prog {{seg:oct}}\n",
	"t.scn:4:17: unknown format ':oct' in {{seg}}: dec (the default), hex or key\n")
ERRORS(exec_value_unclosed,
	HEAD SEG "owner exec prog {{seg\n",
	"t.scn:4:17: '{{' without '}}': a value is written {{NAME}}, {{NAME:hex}} or {{NAME:key}}\n")
ERRORS(find_process_takes_no_key,
	HEAD "find comm=x key=1 -> d\n",
	"t.scn:3:13: key= and cpid= find a segment: find segment key=0x1234 -> seg\n")

ERRORS(within_needs_a_duration,
	HEAD "expect namespace segments=1 within 2x\n",
	"t.scn:3:36: bad within '2x': write a duration such as 2s or 500ms\n")

ERRORS(find_pick_is_oldest_or_newest,
	HEAD "find comm=x pick=first -> d\n",
	"t.scn:3:13: pick=oldest or pick=newest: which of several to take\n")
ERRORS(find_args_regex_must_compile,
	HEAD "find comm=x args=\"(\" -> d\n",
	"t.scn:3:13: not a POSIX extended regular expression: Unmatched ( or \\(\n")

ERRORS(requires_program_needs_a_name,
	"scenario t\nrequires: program\nactors: a\n",
	"t.scn:2:18: expected a program, as exec takes it: program ipcmk, program /usr/lib/postgresql/15/bin/pg_ctl, "
	"found the end of the line\n")

ERRORS(actor_user_not_with_uid,
	"scenario t\nactors: db(user=postgres, uid=1, gid=1)\n",
	"t.scn:2:9: user= gives the uid and the gids: not with uid= and gid=\n")
ERRORS(exec_env_value_name,
	HEAD "owner exec prog {{$a-b}}\n",
	"t.scn:3:17: {{$NAME}} names an environment variable: {{$SHMLIFE_TMP}}\n")

/* Messages that misled (issue 14): each says what is so now. */
ERRORS(shmmin_is_a_real_field_not_a_typo,
	HEAD "expect namespace shmmin=1\n",
	"t.scn:3:18: 'shmmin' is a field of what IPC_INFO fills in: bind it with 'ACTOR shmctl 0 IPC_INFO -> r' and "
	"write 'expect r shmmin=...'\n")

/* via=raw, buf=bad|null (issue 14 item 4) */
ERRORS(shmctl_via_is_libc_or_raw,
	HEAD SEG "owner shmctl seg IPC_STAT via=kernel\n",
	"t.scn:4:31: via= takes libc or raw, not 'kernel'\n")
ERRORS(shmctl_buf_is_bad_or_null,
	HEAD SEG "owner shmctl seg IPC_STAT buf=0x10\n",
	"t.scn:4:31: buf= takes bad or null, not '0x10'\n")
ERRORS(shmctl_rmid_takes_no_buffer,
	HEAD SEG "owner shmctl seg IPC_RMID buf=bad\n",
	"t.scn:4:27: IPC_RMID takes no buffer: buf= does not apply\n")

/* mprotect and munmap (issue 14 item 3) */
ERRORS(memory_operations_need_their_arguments,
	HEAD SEG "owner shmat seg -> x\nowner mprotect x 4k\nowner munmap x\nowner mprotect x 4k PROT_READ|IPC_CREAT\n",
	"t.scn:5:7: mprotect needs an address, a length and a protection: mprotect ADDR[+OFFSET] LEN PROT_READ|PROT_WRITE\n"
	"t.scn:6:7: munmap needs an address and a length: munmap ADDR[+OFFSET] LEN\n"
	"t.scn:7:31: 'IPC_CREAT' is a shmget flag, not a protection\n")

ERRORS(madvise_and_mremap_need_their_arguments,
	HEAD SEG "owner shmat seg -> x\nowner madvise x 4k\nowner mremap x 4k\nowner madvise x 4k PROT_READ\n"
	"owner mremap x 4k 8k flags=MADV_REMOVE\n",
	"t.scn:5:7: madvise needs an address, a length and an advice: madvise ADDR[+OFFSET] LEN MADV_DONTNEED\n"
	"t.scn:6:7: mremap needs an address and two lengths: mremap ADDR[+OFFSET] OLDLEN NEWLEN [flags=MREMAP_MAYMOVE]\n"
	"t.scn:7:20: 'PROT_READ' is a protection (PROT_READ, ...), not an advice\n"
	"t.scn:8:28: 'MADV_REMOVE' is an advice (MADV_DONTNEED, ...), not an mremap flag\n")
ERRORS(remap_file_pages_needs_its_arguments,
	HEAD SEG "owner shmat seg -> x\nowner remap-file-pages x 4k\n",
	"t.scn:5:7: remap-file-pages needs an address, a length and a page offset: remap-file-pages ADDR[+OFFSET] LEN "
	"PGOFF\n")

/* a shmctl result bound with -> (issue 14 item 1) */
ERRORS(result_field_of_another_kind,
	HEAD SEG "owner shmctl seg IPC_STAT -> st\nexpect st shmmin=1\n",
	"t.scn:5:11: IPC_STAT's shmid_ds has no field 'shmmin'; did you mean 'shmid'?\n")
ERRORS(result_field_unknown,
	HEAD "owner shmctl 0 SHM_INFO -> si\nexpect si used_id=1\n",
	"t.scn:4:11: SHM_INFO's shm_info has no field 'used_id'; did you mean 'used_ids'?\n")
ERRORS(result_used_ids_in_the_namespace,
	HEAD "expect namespace used_ids=1\n",
	"t.scn:3:18: 'used_ids' is a field of what SHM_INFO fills in: bind it with 'ACTOR shmctl 0 SHM_INFO -> r' and "
	"write 'expect r used_ids=...'\n")
ERRORS(result_has_no_maps,
	HEAD SEG "owner shmctl seg IPC_STAT -> st\nexpect st maps attached seg\n",
	"t.scn:5:11: 'maps' follows an actor; 'st' is a shmctl result\n")
ERRORS(result_negative_u64,
	HEAD "owner shmctl 0 IPC_INFO -> info\nexpect info shmmax=-1\n",
	"t.scn:4:20: shmmax cannot be negative: the kernel keeps it as an unsigned 64-bit number\n")
ERRORS(getpgid_is_a_step_now,
	HEAD "owner getpgid\nowner getpgrp 0\nowner getpgi\n",
	"t.scn:4:15: getpgrp takes no arguments; unexpected '0'\n"
	"t.scn:5:7: unknown operation 'getpgi'; did you mean 'getpgid'?\n")
ERRORS(address_plus_offset_only_where_an_address_goes,
	HEAD SEG "owner shmat seg -> a\npeer shmat seg addr=a+4096\nowner shmctl seg+1 IPC_STAT\n",
	"t.scn:6:17: unexpected '+': an address plus an offset is written where an address goes (write, read, shmdt, "
	"mprotect, munmap, shmat addr=); here give a number or a name\n")
ERRORS(time_of_an_actor_of_the_actors_line,
	HEAD SEG "expect seg atime >= time(peer)\n",
	"t.scn:4:26: 'peer' is an actor of the actors: line, not a step's result: time() takes a bound name, an "
	"actor born of fork or find, or 'line N'\n")
