/* progress — terminal-only progress lines; see progress.h. */
#define _POSIX_C_SOURCE 200809L
#include "util/progress.h"

#include <stdarg.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

static int quiet_flag;
static int forced;

void progress_set_quiet(bool quiet) { quiet_flag = quiet; }
void progress_force(bool on) { forced = on; }

bool progress_enabled(void)
{
    if (quiet_flag)
        return false;
    return forced || isatty(STDERR_FILENO);
}

void progress_line(const char *fmt, ...)
{
    if (!progress_enabled())
        return;
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    fflush(stderr);
}

void progress_milestone(const char *fmt, ...)
{
    if (quiet_flag)
        return;
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    fflush(stderr);
}

double progress_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}
