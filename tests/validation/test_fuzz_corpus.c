/* test_fuzz_corpus — replay every file of tests/fuzz/corpus/<target>/ through
 * the parser entry points the libFuzzer harnesses use, so the regression corpus
 * (including inputs that once crashed) is checked in every build, and under
 * ASan/UBSan in the sanitizer build. Parsers may reject inputs; they must not crash. */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>

#include "../fuzz/fuzz_targets.h"
#include "check.h"
#include "util/fileio.h"

static void corpus_should_replay_without_crashing(void)
{
    size_t total = 0;
    for (size_t t = 0; t < sizeof fuzz_targets / sizeof fuzz_targets[0]; t++) {
        char dir[4096];
        snprintf(dir, sizeof dir, "%s/%s", SNAC_FUZZ_CORPUS, fuzz_targets[t].name);
        DIR *d = opendir(dir);
        CHECK_MSG(d != NULL, "no corpus folder %s", dir);
        if (!d)
            continue;
        size_t n = 0, accepted = 0;
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
            accepted += fuzz_targets[t].run((const uint8_t *)buf, len) == 0;
            free(buf);
            n++;
        }
        closedir(d);
        fprintf(stderr, "  %-14s %zu inputs, %zu accepted\n", fuzz_targets[t].name, n, accepted);
        CHECK_MSG(n > 0, "empty corpus %s", dir);
        CHECK_MSG(accepted > 0, "no seed of %s parses", dir); /* the real seed reports must parse */
        total += n;
    }
    CHECK(total >= 5);
}

int main(void)
{
    TEST(corpus_should_replay_without_crashing);
    return check_report();
}
