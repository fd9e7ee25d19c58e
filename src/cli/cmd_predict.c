/* TEMPORARY placeholder until the surrogate work lands (replaced by the surrogate helper). */
#include "cli/commands.h"
#include "util/err.h"
int cmd_predict(int argc, char **argv) { snac_err_set(SNAC_EINVAL, "not built yet"); return cli_fail("predict"); }
