/* claims.h - what a run says about the claims its scenarios check.
 *
 * A scenario names the claims it checks (the study's words, a man page);
 * `kernel_agrees` says whether its steps, which state what Linux really does,
 * agree with the claim.  After a run each claim is judged:
 *   AGREES      the scenario passed and its steps agree with the claim;
 *   DISAGREES   the scenario passed and its steps contradict the claim;
 *   UNSETTLED   the scenario failed: the kernel did neither what the claim
 *               nor what the scenario said (see the reason);
 *   UNCHECKED   the scenario was skipped here (see the reason).
 * The evidence is the text of the steps linked to the claim with the
 * kernel's answer to each.
 */
#ifndef SHMLIFE_CLAIMS_H
#define SHMLIFE_CLAIMS_H

#include "shmlife/result.h"
#include "shmlife/scenario.h"

enum sl_claim_verdict { SL_CLAIM_AGREES, SL_CLAIM_DISAGREES, SL_CLAIM_UNSETTLED, SL_CLAIM_UNCHECKED };

struct sl_claim_finding {
	const struct sl_scenario *scenario;
	const struct sl_claim *claim;
	enum sl_claim_verdict verdict;
	char *evidence;                  /* "line 12: peer shmat seg: returned 0x7f..; ...",
					  * whole (malloc'ed: sl_claim_finding_free) */
};

const char *sl_claim_verdict_name(enum sl_claim_verdict v); /* "agrees", ... */
/* The verdict on claim `c` of a scenario whose result is `r`. */
enum sl_claim_verdict sl_claim_verdict_of(const struct sl_claim *c, const struct sl_result *r);
/* Judges claim `i` of `s` from its result, with the evidence.  0, or -1 when
 * out of memory (the verdict is set, the evidence NULL).  Free with
 * sl_claim_finding_free().
 *
 *   struct sl_claim_finding f;
 *   sl_claim_judge(s, 0, &result, &f);
 *   printf("%s: %s\n", sl_claim_verdict_name(f.verdict), f.evidence ? f.evidence : "?");
 *   sl_claim_finding_free(&f);
 */
int sl_claim_judge(const struct sl_scenario *s, int i, const struct sl_result *r, struct sl_claim_finding *out);
void sl_claim_finding_free(struct sl_claim_finding *f);

#endif
