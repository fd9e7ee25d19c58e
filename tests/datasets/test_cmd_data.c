/* test_cmd_data — the `snac data` CLI end to end (through SNAC_BIN): `data gen` writes
 * Zenodo-named files the loader reads, `data info` describes them, bad options and bad
 * files exit 1 with a message.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>

#include "check.h"
#include "datasets/dataset.h"
#include "datasets/jets.h"

static char out[8192];

/* Run `snac <args>` capturing stdout+stderr into out; returns the exit status. */
static int run(const char *args)
{
    const char *bin = getenv("SNAC_BIN");
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "%s %s 2>&1", bin ? bin : "snac", args);
    FILE *p = popen(cmd, "r");
    if (!p)
        return -1;
    size_t n = fread(out, 1, sizeof out - 1, p);
    out[n] = '\0';
    int st = pclose(p);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void data_gen_should_write_loadable_zenodo_named_files(void)
{
    CHECK(system("rm -rf cli_jets") == 0);
    int st = run("data gen --out cli_jets --train 12000 --val 500 --test 0 --seed 3 --constituents 20");
    CHECK_MSG(st == 0, "%s", out);
    CHECK_STR_CONTAINS(out, "wrote 12500 jets");
    FILE *f = fopen("cli_jets/train/jetImage_1_20p_10000_12000.h5", "rb");
    CHECK(f != NULL);
    if (f)
        fclose(f);
    ds_jets_shape sh;
    CHECK(ds_jets_describe("cli_jets/train/jetImage_0_20p_0_10000.h5", &sh) == 0);
    CHECK(sh.n_jets == 10000 && sh.n_stored == 20 && sh.n_pfeat == 16 && sh.n_cols == 59);
    for (int k = 0; k < DS_JET_CLASS_COUNT; k++)
        CHECK(sh.class_count[k] == 2000);
    st = run("data info cli_jets/val");
    CHECK_MSG(st == 0, "%s", out);
    CHECK_STR_CONTAINS(out, "jetConstituentList (500, 20, 16)");
    CHECK_STR_CONTAINS(out, "g 100 q 100 w 100 z 100 t 100");
    CHECK_STR_CONTAINS(out, "etarel");
    CHECK_STR_CONTAINS(out, "median");
}

/* Same seed, byte-identical files (no HDF5 timestamps); another seed, other jets. */
static void data_gen_should_be_reproducible_to_the_byte(void)
{
    CHECK(system("rm -rf cli_rep1 cli_rep2 cli_rep3") == 0);
    CHECK(run("data gen --out cli_rep1 --train 500 --val 0 --test 0 --seed 4") == 0);
    CHECK(run("data gen --out cli_rep2 --train 500 --val 0 --test 0 --seed 4") == 0);
    CHECK(run("data gen --out cli_rep3 --train 500 --val 0 --test 0 --seed 5") == 0);
    CHECK(system("cmp -s cli_rep1/train/jetImage_0_30p_0_500.h5 cli_rep2/train/jetImage_0_30p_0_500.h5") == 0);
    CHECK(system("cmp -s cli_rep1/train/jetImage_0_30p_0_500.h5 cli_rep3/train/jetImage_0_30p_0_500.h5") != 0);
}

static void data_cli_should_fail_clearly_on_bad_input(void)
{
    /* usage errors exit 2, like every command's (issue 13) */
    CHECK(run("data gen --train abc") == 2);
    CHECK_STR_CONTAINS(out, "--train");
    CHECK(run("data gen --pt-min 900 --pt-max 100") == 2);
    CHECK_STR_CONTAINS(out, "pT window");
    CHECK(run("data frobnicate") == 2);
    CHECK(run("data info") == 2);
    CHECK(run("data info no_such_file.h5") == 1);
    CHECK_STR_CONTAINS(out, "no_such_file.h5");
    CHECK(run("data gen --help") == 0);
    CHECK_STR_CONTAINS(out, "usage: snac data gen");
    CHECK(run("data info --help") == 0);
}

/* Issue 13 item 7: sizes are bounded before anything is written; all-zero sizes are an
 * error; a write that fails (here: RLIMIT_FSIZE, as a full disk would) names the file and
 * leaves no .h5 (nor its .partial) behind. */
static void data_gen_should_bound_sizes_and_leave_no_partial_file(void)
{
    CHECK(system("rm -rf cli_big cli_zero cli_full") == 0);
    CHECK(run("data gen --out cli_big --train 1000000000000") == 2);
    CHECK_STR_CONTAINS(out, "--train 1000000000000: at most 100000000 jets per split");
    CHECK(system("test ! -e cli_big") == 0);
    CHECK(run("data gen --out cli_zero --train 0 --val 0 --test 0") == 2);
    CHECK_STR_CONTAINS(out, "nothing to generate");
    CHECK(system("test ! -e cli_zero") == 0);
    char cmd[1024];
    snprintf(cmd, sizeof cmd,
             "(trap '' XFSZ; ulimit -f 100; exec \"%s\" data gen --out cli_full --train 3000 --val 0 --test 0) "
             "> out.txt 2>&1",
             getenv("SNAC_BIN"));
    int st = system(cmd);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 1); /* an error, not a crash */
    FILE *f = fopen("out.txt", "r");
    char msg[1024] = "";
    if (f) {
        size_t n = fread(msg, 1, sizeof msg - 1, f);
        msg[n] = '\0';
        fclose(f);
    }
    CHECK_MSG(strstr(msg, "cli_full/train/jetImage_0_30p_0_3000.h5: key") != NULL, "%s", msg);
    CHECK(system("test -z \"$(find cli_full -type f)\"") == 0);
}

int main(void)
{
    TEST(data_gen_should_bound_sizes_and_leave_no_partial_file);
    TEST(data_gen_should_write_loadable_zenodo_named_files);
    TEST(data_gen_should_be_reproducible_to_the_byte);
    TEST(data_cli_should_fail_clearly_on_bad_input);
    return check_report();
}
