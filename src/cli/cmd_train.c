/* TEMPORARY placeholder (being written). */
#include "cli/commands.h"
#include "util/err.h"
int cmd_train(int argc, char **argv) { snac_err_set(SNAC_EINVAL, "not built yet"); return cli_fail("train"); }
