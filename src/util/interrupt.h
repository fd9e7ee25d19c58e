/* interrupt — SIGINT/SIGTERM/SIGPIPE turned into a flag that long work polls between units.
 *
 * snac_interrupt_install() makes the first SIGINT or SIGTERM only record itself; the
 * work in flight (a trial's or an epoch's transaction) finishes, the caller sees
 * snac_interrupted() at its next check, marks the run 'interrupted' and says how to go on.
 * A second signal of the same kind kills the process as usual (SA_RESETHAND).
 * Handlers use SA_RESTART, so blocking calls resume; poll() still returns EINTR. A signal
 * ignored when the process started (SIGINT of a background job in a script) stays ignored.
 * SIGPIPE (the reader of our output went away, `snac search | head`) is recorded each time and
 * the failed write goes on with EPIPE, so the run still reaches its check and is marked.
 *
 * Memory: none. Workload: one flag read per check.
 */
#ifndef SNAC_UTIL_INTERRUPT_H
#define SNAC_UTIL_INTERRUPT_H

void snac_interrupt_install(void);
/* Back to the default dispositions (worker processes after fork). */
void snac_interrupt_default(void);
/* The signal received (SIGINT, SIGTERM, SIGPIPE) or 0. */
int snac_interrupted(void);
/* "SIGINT", "SIGTERM", "SIGPIPE (output closed)", or "a signal". */
const char *snac_interrupt_name(int sig);
/* Between begin and end (an open or read of user input that may block: a FIFO without a writer,
 * a stalled network file), the first SIGINT/SIGTERM ends the process with the signal's default
 * action instead of only setting the flag, which a blocked call would never get back to check. */
void snac_interrupt_blocking_begin(void);
void snac_interrupt_blocking_end(void);
/* Test hook: pretend `sig` arrived. */
void snac_interrupt_raise_flag(int sig);

#endif
