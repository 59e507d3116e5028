/* valgrind_xml.h - internal to the valgrind stage: reading one of
 * memcheck's XML files (valgrind_xml.c). */
#ifndef SHMLIFE_VALGRIND_XML_H
#define SHMLIFE_VALGRIND_XML_H

#include <stddef.h>

#include "shmlife/valgrind.h"

/* Reads dir/name (vg.PID.xml) into *p (zeroed first): pid, ppid, exe, the
 * findings; p->truncated if it does not end with </valgrindoutput> (read
 * up to the cut), p->unreadable if it cannot be read or is not memcheck's
 * XML (then it has no findings). */
void vg_read_process(const char *dir, const char *name, struct sl_vg_process *p);

#endif
