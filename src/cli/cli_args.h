/* cli_args — the value of a command-line option (getopt_long's optarg) as a number.
 *
 * The whole string must be a number (strtoull/strtod + end-pointer check) inside the
 * closed range [lo, hi]; otherwise the error message (snac_err_set, SNAC_EINVAL) names
 * the option and the range, e.g. "--kfold expects an integer in [2, 1000], got 'x'",
 * and *out is left unchanged. The caller chooses the exit status: cli_fail() (1) or a
 * usage error (2). No allocation.
 */
#ifndef SNAC_CLI_CLI_ARGS_H
#define SNAC_CLI_CLI_ARGS_H

#include <stdint.h>

/* Unsigned decimal integer in [lo, hi] (no sign, no fraction, no blanks). An hi of INT64_MAX or more
 * is the type's limit and the message omits it ("a positive integer"). */
int cli_arg_uint(const char *opt, const char *s, uint64_t lo, uint64_t hi, uint64_t *out);

/* Finite number in [lo, hi]; -HUGE_VAL, HUGE_VAL for "any finite number". */
int cli_arg_double(const char *opt, const char *s, double lo, double hi, double *out);

#endif
