/* progress — one line per unit of long work (epoch, trial, generation).
 *
 * Lines go to stderr only when stderr is a terminal and --quiet was not given,
 * so CI logs and pipes stay clean. The CLI calls progress_set_quiet() once.
 */
#ifndef SNAC_UTIL_PROGRESS_H
#define SNAC_UTIL_PROGRESS_H

#include <stdbool.h>

void progress_set_quiet(bool quiet);
void progress_force(bool on); /* tests and --progress: print even without a TTY */
bool progress_enabled(void);
void progress_line(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A milestone (a finished generation): printed unless --quiet, terminal or not, so a
 * long run with redirected output still shows that it moves. */
void progress_milestone(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Monotonic wall-clock seconds, for rates and timings. */
double progress_now(void);

#endif
