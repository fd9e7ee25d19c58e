/* test_fuzz_h5_corpus — replay tests/fuzz/corpus/h5_jets/ through fuzz_h5_jets() (the
 * libFuzzer harness's entry point, fuzz_h5.h) in every build and under ASan/UBSan: each
 * input becomes a well-formed HDF5 file with wrong shapes, types or values, which the jet
 * reader must refuse or read without crashing, quickly (a header claiming 2^40 jets with no
 * storage used to be read as fill values for ever). */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "../fuzz/fuzz_h5.h"
#include "check.h"
#include "util/err.h"
#include "util/fileio.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void h5_corpus_should_replay_quickly_without_crashing(void)
{
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/h5_jets", SNAC_FUZZ_CORPUS);
    DIR *d = opendir(dir);
    CHECK_MSG(d != NULL, "no corpus folder %s", dir);
    if (!d)
        return;
    size_t n = 0, accepted = 0;
    double worst = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        char p[4096 + 256];
        snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
        char *buf;
        size_t len;
        if (snac_read_file(p, &buf, &len) != 0)
            continue;
        double t0 = now();
        accepted += fuzz_h5_jets((const uint8_t *)buf, len) == 0;
        double t = now() - t0;
        CHECK_MSG(t < 2.0, "%s took %.1f s", e->d_name, t);
        worst = t > worst ? t : worst;
        free(buf);
        n++;
    }
    closedir(d);
    fprintf(stderr, "  h5_jets: %zu inputs, %zu accepted, slowest %.3f s\n", n, accepted, worst);
    CHECK(n >= 5);
    /* the absurd header is refused by shape, before anything is sized from it */
    unsigned char huge[] = {0x00, 0x01, 0xff, 0x04, 0x04, 0x03, 0x01, 0xff, 0x04, 0x03};
    CHECK(fuzz_h5_jets(huge, sizeof huge) == SNAC_EFORMAT);
    CHECK_MSG(strstr(snac_err_msg(), "at most 100000000 jets of 10000 constituents per file") != NULL, "%s",
              snac_err_msg());
}

int main(void)
{
    TEST(h5_corpus_should_replay_quickly_without_crashing);
    return check_report();
}
