/* interrupt — the SIGINT/SIGTERM/SIGPIPE flag; see interrupt.h. */
#define _POSIX_C_SOURCE 200809L
#include "util/interrupt.h"

#include <signal.h>
#include <stddef.h>

static volatile sig_atomic_t received;
static volatile sig_atomic_t blocking; /* inside snac_interrupt_blocking_begin/end */

static void on_signal(int sig)
{
    received = sig;
    if (blocking && sig != SIGPIPE) { /* a blocked open never reaches a check: end now, as the signal would */
        signal(sig, SIG_DFL);
        raise(sig);
    }
}

void snac_interrupt_blocking_begin(void) { blocking = 1; }
void snac_interrupt_blocking_end(void) { blocking = 0; }

void snac_interrupt_install(void)
{
    struct sigaction sa = {0};
    sa.sa_handler = on_signal;
    sa.sa_flags = SA_RESTART | SA_RESETHAND;
    sigemptyset(&sa.sa_mask);
    static const int sigs[2] = {SIGINT, SIGTERM};
    for (int i = 0; i < 2; i++) {
        struct sigaction old;
        /* a signal ignored at start (SIGINT of a `cmd &` in a script) stays ignored */
        if (sigaction(sigs[i], NULL, &old) == 0 && old.sa_handler == SIG_IGN)
            continue;
        sigaction(sigs[i], &sa, NULL);
    }
    /* output closed (`snac search | head`): record it and keep going to the next check, where
     * the run is marked interrupted; later writes fail with EPIPE instead of killing the process */
    sa.sa_flags = SA_RESTART;
    sigaction(SIGPIPE, &sa, NULL);
}

void snac_interrupt_default(void)
{
    struct sigaction sa = {0};
    sa.sa_handler = SIG_DFL;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGPIPE, &sa, NULL);
}

int snac_interrupted(void) { return (int)received; }

void snac_interrupt_raise_flag(int sig) { received = sig; }

const char *snac_interrupt_name(int sig)
{
    return sig == SIGINT ? "SIGINT" : sig == SIGTERM ? "SIGTERM" : sig == SIGPIPE ? "SIGPIPE (output closed)" : "a signal";
}
