/* TEMPORARY placeholder until the datasets work lands (replaced by the datasets helper). */
#include "cli/commands.h"
#include "util/err.h"
int cmd_data(int argc, char **argv) { snac_err_set(SNAC_EINVAL, "not built yet"); return cli_fail("data"); }
