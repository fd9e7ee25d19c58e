/* cli_args — what the commands share in reading their arguments: an option's value as a
 * number, the usage error of a bad value, the start-or-continue rule and the progress flags.
 *
 * A number: the whole string must be a number (strtoull/strtod + end-pointer check) inside the
 * closed range [lo, hi]; otherwise the error message (snac_err_set, SNAC_EINVAL) names
 * the option and the range, e.g. "--kfold expects an integer in [2, 1000], got 'x'",
 * and *out is left unchanged. With cli_arg_* the caller chooses the exit status: cli_fail()
 * (1) or a usage error (2); cli_opt_* print the message and give the usage error's 2. No
 * allocation.
 */
#ifndef SNAC_CLI_CLI_ARGS_H
#define SNAC_CLI_CLI_ARGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Unsigned decimal integer in [lo, hi] (no sign, no fraction, no blanks). An hi of INT64_MAX or more
 * is the type's limit and the message omits it ("a positive integer"). */
int cli_arg_uint(const char *opt, const char *s, uint64_t lo, uint64_t hi, uint64_t *out);

/* Finite number in [lo, hi]; -HUGE_VAL, HUGE_VAL for "any finite number". */
int cli_arg_double(const char *opt, const char *s, double lo, double hi, double *out);

/* A count or an id option of command `cmd`: cli_arg_uint into *out, or the message printed as
 * cli_fail(cmd) prints it ("snac run: --jobs expects ...") and 2 for the caller to return. */
int cli_opt_size(const char *cmd, const char *opt, const char *s, uint64_t lo, uint64_t hi, size_t *out);
int cli_opt_id(const char *cmd, const char *opt, const char *s, int64_t *out); /* in [1, INT64_MAX] */

/* The rule of the commands that start from a config or continue a stored run (run, search,
 * ablate --show): exactly one of the two, and a run only with its database. */
bool cli_config_or_run(const char *config, int64_t run, const char *db);

/* --quiet and --progress: the progress lines off, or on without a terminal (util/progress.h). */
void cli_progress(bool quiet, bool progress);

#endif
