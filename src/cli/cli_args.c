/* cli_args — parse an option's value into a number, with an error naming the option, and
 * the commands' shared argument rules (cli_args.h). No allocation; the message goes to the
 * thread-local error buffer (util/err.h).
 */
#include "cli/cli_args.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>

#include "cli/commands.h"
#include "util/err.h"
#include "util/progress.h"

int cli_arg_uint(const char *opt, const char *s, uint64_t lo, uint64_t hi, uint64_t *out)
{
    char *end = NULL;
    unsigned long long v = 0;
    errno = 0;
    /* a leading digit rules out the sign, blanks and "" that strtoull would accept or wrap */
    if (isdigit((unsigned char)s[0]))
        v = strtoull(s, &end, 10);
    if (end && !*end && !errno && v >= lo && v <= hi) {
        *out = v;
        return SNAC_OK;
    }
    if (hi >= INT64_MAX && lo <= 1) /* ids, counts and seeds: the bound is the type's, not worth printing */
        return snac_err_set(SNAC_EINVAL, "%s expects a %s integer, got '%s'", opt, lo ? "positive" : "non-negative",
                            s);
    if (hi >= INT64_MAX)
        return snac_err_set(SNAC_EINVAL, "%s expects an integer >= %llu, got '%s'", opt, (unsigned long long)lo, s);
    return snac_err_set(SNAC_EINVAL, "%s expects an integer in [%llu, %llu], got '%s'", opt, (unsigned long long)lo,
                        (unsigned long long)hi, s);
}

int cli_arg_double(const char *opt, const char *s, double lo, double hi, double *out)
{
    char *end = NULL;
    double v = strtod(s, &end);
    if (end != s && !*end && isfinite(v) && v >= lo && v <= hi) {
        *out = v;
        return SNAC_OK;
    }
    if (lo == -HUGE_VAL && hi == HUGE_VAL)
        return snac_err_set(SNAC_EINVAL, "%s expects a number, got '%s'", opt, s);
    return snac_err_set(SNAC_EINVAL, "%s expects a number in [%g, %g], got '%s'", opt, lo, hi, s);
}

int cli_opt_size(const char *cmd, const char *opt, const char *s, uint64_t lo, uint64_t hi, size_t *out)
{
    uint64_t v;
    if (cli_arg_uint(opt, s, lo, hi, &v))
        return cli_fail(cmd), 2;
    *out = (size_t)v;
    return 0;
}

int cli_opt_id(const char *cmd, const char *opt, const char *s, int64_t *out)
{
    uint64_t v;
    if (cli_arg_uint(opt, s, 1, INT64_MAX, &v))
        return cli_fail(cmd), 2;
    *out = (int64_t)v;
    return 0;
}

bool cli_config_or_run(const char *config, int64_t run, const char *db)
{
    return !config != !run && (!run || db);
}

void cli_progress(bool quiet, bool progress)
{
    progress_set_quiet(quiet);
    progress_force(progress);
}
