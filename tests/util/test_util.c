/* util: the RNG is reproducible, uniform enough, unbiased in range; error messages compose. */
#define _POSIX_C_SOURCE 200809L
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "util/err.h"
#include "util/fileio.h"
#include "util/interrupt.h"
#include "util/rng.h"
#include "util/strbuf.h"

static void rng_same_seed_should_give_the_same_stream(void)
{
    snac_rng a, b, c;
    rng_seed(&a, 42);
    rng_seed(&b, 42);
    rng_seed(&c, 43);
    int same = 1, differs = 0;
    for (int i = 0; i < 1000; i++) {
        uint64_t x = rng_u64(&a), y = rng_u64(&b), z = rng_u64(&c);
        same &= x == y;
        differs |= x != z;
    }
    CHECK(same && differs);
}

static void rng_first_output_should_match_the_reference_algorithm(void)
{
    /* splitmix64(0) seeding then xoshiro256**: computed independently with the published
     * algorithms; pins the stream so stored seeds keep meaning the same trials. */
    snac_rng r;
    rng_seed(&r, 0);
    CHECK(r.s[0] == 0xe220a8397b1dcdafULL);
    uint64_t s1 = r.s[1];
    uint64_t expect = ((s1 * 5) << 7 | (s1 * 5) >> 57) * 9;
    CHECK(rng_u64(&r) == expect);
}

static void rng_uniform_and_normal_should_have_the_right_moments(void)
{
    snac_rng r;
    rng_seed(&r, 7);
    double su = 0, sn = 0, sn2 = 0;
    const int n = 200000;
    for (int i = 0; i < n; i++) {
        double u = rng_uniform(&r);
        CHECK(u >= 0 && u < 1);
        su += u;
        double z = rng_normal(&r);
        sn += z;
        sn2 += z * z;
    }
    CHECK_NEAR(su / n, 0.5, 0.005);
    CHECK_NEAR(sn / n, 0.0, 0.01);
    CHECK_NEAR(sn2 / n, 1.0, 0.02);
}

static void rng_below_should_stay_in_range_and_cover_it(void)
{
    snac_rng r;
    rng_seed(&r, 1);
    int seen[7] = {0};
    for (int i = 0; i < 7000; i++) {
        uint64_t k = rng_below(&r, 7);
        CHECK(k < 7);
        if (k < 7)
            seen[k]++;
    }
    for (int k = 0; k < 7; k++)
        CHECK(seen[k] > 850 && seen[k] < 1150);
}

static void shuffle_should_permute(void)
{
    snac_rng r;
    rng_seed(&r, 3);
    size_t idx[100], count[100] = {0};
    for (size_t i = 0; i < 100; i++)
        idx[i] = i;
    rng_shuffle_size(&r, idx, 100);
    size_t moved = 0;
    for (size_t i = 0; i < 100; i++) {
        count[idx[i]]++;
        moved += idx[i] != i;
    }
    for (size_t i = 0; i < 100; i++)
        CHECK(count[i] == 1);
    CHECK(moved > 80);
}

static void err_prefix_should_prepend_context(void)
{
    CHECK(snac_err_set(SNAC_EFORMAT, "line %d: bad cell", 3) == SNAC_EFORMAT);
    CHECK(snac_err_prefix(SNAC_EFORMAT, "%s: ", "data.csv") == SNAC_EFORMAT);
    CHECK(strcmp(snac_err_msg(), "data.csv: line 3: bad cell") == 0);
    snac_err_clear();
    CHECK(snac_err_msg()[0] == '\0');
    CHECK(strcmp(snac_status_name(SNAC_EDB), "database error") == 0);
}

/* issue 24: a FIFO (no writer) is refused by name, never opened: it would block forever */
static void fifo_should_be_refused_by_name_without_blocking(void)
{
    const char *p = "test_util_fifo";
    unlink(p);
    CHECK(mkfifo(p, 0600) == 0);
    char *buf = NULL;
    size_t len;
    CHECK(snac_read_file(p, &buf, &len) == SNAC_EIO);
    CHECK_STR_CONTAINS(snac_err_msg(), "test_util_fifo: cannot read: a pipe, not a regular file");
    CHECK(snac_check_regular(p, "HDF5 data file") == SNAC_EIO);
    CHECK_STR_CONTAINS(snac_err_msg(), "HDF5 data file test_util_fifo: cannot read: a pipe");
    CHECK(snac_check_regular("test_util_nosuch", NULL) == SNAC_EIO);
    CHECK_STR_CONTAINS(snac_err_msg(), "test_util_nosuch: does not exist");
    CHECK(snac_check_regular(".", NULL) == SNAC_EIO);
    CHECK_STR_CONTAINS(snac_err_msg(), "a directory");
    unlink(p);
}

/* Fork a child that installs the interrupt handlers, then blocks opening a FIFO (inside
 * blocking_begin/end when `guarded`); send it one SIGTERM; how it ended, within ~2 s. */
static int blocked_open_after_one_sigterm(bool guarded, bool *ended)
{
    const char *p = "test_util_fifo2";
    unlink(p);
    if (mkfifo(p, 0600) != 0)
        return -1;
    pid_t pid = fork();
    if (pid == 0) {
        snac_interrupt_install();
        if (guarded)
            snac_interrupt_blocking_begin();
        int fd = open(p, O_RDONLY); /* no writer: blocks (SA_RESTART restarts it after the handler) */
        _exit(fd >= 0 ? 0 : 3);
    }
    struct timespec nap = {0, 100 * 1000 * 1000};
    nanosleep(&nap, NULL);
    kill(pid, SIGTERM);
    int status = 0;
    *ended = false;
    for (int i = 0; i < 20 && !*ended; i++) {
        nanosleep(&nap, NULL);
        *ended = waitpid(pid, &status, WNOHANG) == pid;
    }
    if (!*ended) { /* the bug: still blocked; unblock it with a writer and reap */
        int w = open(p, O_WRONLY | O_NONBLOCK);
        kill(pid, SIGKILL);
        waitpid(pid, &status, 0);
        if (w >= 0)
            close(w);
    }
    unlink(p);
    return status;
}

/* issue 24: the first SIGTERM ends a blocked open (an unguarded one only sets the flag) */
static void first_sigterm_should_end_a_blocked_open(void)
{
    bool ended;
    int st = blocked_open_after_one_sigterm(true, &ended);
    CHECK(ended);
    CHECK_MSG(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM, "status %d", st);
    /* the reference: without the guard the handler swallows the signal and the open goes on */
    st = blocked_open_after_one_sigterm(false, &ended);
    CHECK(!ended);
}

/* strbuf: appends of every size land in order, past the first block and past printf's stack buffer */
static void strbuf_should_grow_and_keep_every_append(void)
{
    strbuf b = STRBUF_INIT;
    CHECK(strcmp(strbuf_get(&b), "") == 0 && b.len == 0);
    strbuf_puts(&b, NULL);
    strbuf_append(&b, "abcdef", 3);
    strbuf_puts(&b, "-");
    strbuf_printf(&b, "%d/%s", 42, "x");
    CHECK(strcmp(strbuf_get(&b), "abc-42/x") == 0 && b.len == 8);
    char big[700];
    memset(big, 'q', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    strbuf_printf(&b, "[%s]", big); /* 701 bytes: longer than the 256-byte stack buffer and the first block */
    for (int i = 0; i < 100; i++)
        strbuf_puts(&b, "0123456789");
    CHECK(b.len == 8 + 701 + 1000 && strlen(b.s) == b.len && b.cap > b.len);
    CHECK(strncmp(b.s, "abc-42/x[qq", 11) == 0 && b.s[8 + 700] == ']' && strcmp(b.s + b.len - 10, "0123456789") == 0);
    CHECK(!strbuf_failed(&b));
    strbuf_free(&b);
    CHECK(b.s == NULL && b.len == 0 && b.cap == 0 && strcmp(strbuf_get(&b), "") == 0);
    strbuf_free(&b); /* twice is harmless */
    b.failed = 1;   /* an earlier allocation failed: later appends do nothing */
    strbuf_puts(&b, "x");
    strbuf_printf(&b, "%d", 1);
    CHECK(strbuf_failed(&b) && b.len == 0 && b.s == NULL);
}

int main(void)
{
    TEST(strbuf_should_grow_and_keep_every_append);
    TEST(rng_same_seed_should_give_the_same_stream);
    TEST(rng_first_output_should_match_the_reference_algorithm);
    TEST(rng_uniform_and_normal_should_have_the_right_moments);
    TEST(rng_below_should_stay_in_range_and_cover_it);
    TEST(shuffle_should_permute);
    TEST(err_prefix_should_prepend_context);
    TEST(fifo_should_be_refused_by_name_without_blocking);
    TEST(first_sigterm_should_end_a_blocked_open);
    return check_report();
}
