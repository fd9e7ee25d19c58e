/* search_workers — fork()ed trial evaluation with pipes; see search_workers.h.
 *
 * Memory: per call O(n_workers) bookkeeping plus one receive buffer; workers free
 * each result's model after sending it. Workload: a few pipe messages per trial.
 */
#define _POSIX_C_SOURCE 200809L
#include "search/search_workers.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util/err.h"
#include "util/interrupt.h"

#define JOB_STOP UINT64_MAX

size_t search_workers_default(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (size_t)n : 1;
}

static int write_full(int fd, const void *buf, size_t n)
{
    const char *p = buf;
    while (n) {
        ssize_t k = write(fd, p, n);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return -1;
        p += k;
        n -= (size_t)k;
    }
    return 0;
}

/* 0 ok, 1 clean EOF before any byte, -1 error or short read */
static int read_full(int fd, void *buf, size_t n)
{
    char *p = buf;
    size_t got = 0;
    while (got < n) {
        ssize_t k = read(fd, p + got, n - got);
        if (k < 0 && errno == EINTR)
            continue;
        if (k == 0)
            return got ? -1 : 1;
        if (k < 0)
            return -1;
        got += (size_t)k;
    }
    return 0;
}

/* ---------------------------------------------------------------- worker side */

static void worker_main(int cmd_fd, int res_fd, const search_eval_ctx *ec, const double *genomes, size_t n_genes,
                        const uint64_t *seeds, size_t n_jobs, bool keep_model)
{
    signal(SIGPIPE, SIG_DFL);
    snac_interrupt_default(); /* Ctrl-C stops a worker at once; the parent records the interruption */
    for (;;) {
        uint64_t job;
        if (read_full(cmd_fd, &job, sizeof job) || job == JOB_STOP || job >= n_jobs)
            _exit(0);
        search_trial_result r;
        int rc = search_eval_job(ec, (size_t)job, genomes + job * n_genes, seeds[job], keep_model, &r);
        if (rc) {
            search_trial_result_clear(&r);
            r.status = SEARCH_TRIAL_FAILED;
            snprintf(r.error, sizeof r.error, "%s", snac_err_msg());
            search_objectives_failed(ec->cfg, r.f, &r.viol);
        }
        if (write_full(res_fd, &job, sizeof job) || write_full(res_fd, &r, sizeof r) ||
            (r.model_len && write_full(res_fd, r.model, r.model_len)) ||
            (r.ckpt_len && write_full(res_fd, r.ckpt, r.ckpt_len)))
            _exit(1);
        search_trial_result_clear(&r);
    }
}

/* ---------------------------------------------------------------- parent side */

typedef struct worker {
    pid_t pid;
    int cmd_fd, res_fd;
    uint64_t job; /* JOB_STOP when idle */
} worker;

static int run_serial(const search_eval_ctx *ec, const double *genomes, size_t n_genes, const uint64_t *seeds,
                      size_t n_jobs, bool keep_model, search_result_fn on_result, void *ctx)
{
    for (size_t j = 0; j < n_jobs; j++) {
        search_trial_result r;
        int rc = search_eval_job(ec, j, genomes + j * n_genes, seeds[j], keep_model, &r);
        if (!rc)
            rc = on_result(j, &r, ctx);
        search_trial_result_clear(&r);
        if (rc)
            return rc;
    }
    return SNAC_OK;
}

static int send_job(worker *w, uint64_t job)
{
    w->job = job;
    return write_full(w->cmd_fd, &job, sizeof job);
}

int search_workers_run(const search_eval_ctx *ec, const double *genomes, size_t n_genes, const uint64_t *seeds,
                       size_t n_jobs, size_t n_workers, bool keep_model, search_result_fn on_result, void *ctx)
{
    if (n_jobs == 0)
        return SNAC_OK;
    if (n_workers > n_jobs)
        n_workers = n_jobs;
    if (n_workers <= 1)
        return run_serial(ec, genomes, n_genes, seeds, n_jobs, keep_model, on_result, ctx);

    worker *ws = calloc(n_workers, sizeof *ws);
    struct pollfd *pf = calloc(n_workers, sizeof *pf);
    if (!ws || !pf) {
        free(ws);
        free(pf);
        return snac_err_set(SNAC_ENOMEM, "out of memory");
    }
    struct sigaction ign = {0}, old_pipe;
    ign.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &ign, &old_pipe); /* a dead worker must be an error, not our death */
    fflush(stdout);
    fflush(stderr);

    int rc = SNAC_OK;
    size_t started = 0;
    for (; started < n_workers; started++) {
        int cmd[2], res[2];
        if (pipe(cmd))
            break;
        if (pipe(res)) {
            close(cmd[0]);
            close(cmd[1]);
            break;
        }
        pid_t pid = fork();
        if (pid < 0) {
            close(cmd[0]), close(cmd[1]), close(res[0]), close(res[1]);
            break;
        }
        if (pid == 0) {
            /* only our own two pipe ends stay open, so EOF means the parent is gone */
            for (size_t i = 0; i < started; i++) {
                close(ws[i].cmd_fd);
                close(ws[i].res_fd);
            }
            close(cmd[1]);
            close(res[0]);
            worker_main(cmd[0], res[1], ec, genomes, n_genes, seeds, n_jobs, keep_model);
            _exit(0);
        }
        close(cmd[0]);
        close(res[1]);
        ws[started] = (worker){pid, cmd[1], res[0], JOB_STOP};
    }
    if (started < n_workers)
        rc = snac_err_set(SNAC_EIO, "search workers: cannot start worker %zu of %zu: %s", started + 1, n_workers,
                          strerror(errno));

    void *buf = NULL;
    size_t buf_cap = 0, next = 0, busy = 0;
    for (size_t i = 0; !rc && i < started && next < n_jobs; i++, busy++)
        if (send_job(&ws[i], next++))
            rc = snac_err_set(SNAC_EIO, "search workers: worker %zu is gone", i);
    while (!rc && busy) {
        size_t np = 0;
        for (size_t i = 0; i < started; i++)
            if (ws[i].job != JOB_STOP)
                pf[np++] = (struct pollfd){.fd = ws[i].res_fd, .events = POLLIN};
        if (poll(pf, np, -1) < 0) {
            if (errno == EINTR && snac_interrupted()) {
                rc = snac_err_set(SNAC_EINTR, "interrupted by %s", snac_interrupt_name(snac_interrupted()));
                break;
            }
            if (errno == EINTR)
                continue;
            rc = snac_err_set(SNAC_EIO, "search workers: poll: %s", strerror(errno));
            break;
        }
        for (size_t p = 0; !rc && p < np; p++) {
            if (!pf[p].revents)
                continue;
            worker *w = NULL;
            for (size_t i = 0; i < started; i++)
                if (ws[i].res_fd == pf[p].fd)
                    w = &ws[i];
            uint64_t job;
            search_trial_result r;
            if (read_full(w->res_fd, &job, sizeof job) || job != w->job || read_full(w->res_fd, &r, sizeof r)) {
                rc = snac_err_set(SNAC_EIO, "search workers: worker %ld died evaluating job %llu", (long)w->pid,
                                  (unsigned long long)w->job);
                break;
            }
            r.model = NULL;
            r.ckpt = NULL;
            size_t need = r.model_len + r.ckpt_len; /* the model blob, then the checkpoint */
            if (need) {
                if (need > buf_cap) {
                    void *nb = realloc(buf, need);
                    if (!nb) {
                        rc = snac_err_set(SNAC_ENOMEM, "out of memory");
                        break;
                    }
                    buf = nb;
                    buf_cap = need;
                }
                if (read_full(w->res_fd, buf, need)) {
                    rc = snac_err_set(SNAC_EIO, "search workers: truncated result for job %llu",
                                      (unsigned long long)job);
                    break;
                }
                r.model = r.model_len ? buf : NULL;
                r.ckpt = r.ckpt_len ? (char *)buf + r.model_len : NULL;
            }
            rc = on_result((size_t)job, &r, ctx);
            if (rc)
                break;
            if (next < n_jobs) {
                if (send_job(w, next++))
                    rc = snac_err_set(SNAC_EIO, "search workers: worker %ld is gone", (long)w->pid);
            } else {
                w->job = JOB_STOP;
                busy--;
            }
        }
    }
    /* stop everyone: a stop message (EOF does the same); on error, no waiting for trials in flight */
    for (size_t i = 0; i < started; i++) {
        close(ws[i].cmd_fd);
        if (rc && ws[i].job != JOB_STOP)
            kill(ws[i].pid, SIGKILL);
    }
    for (size_t i = 0; i < started; i++) {
        close(ws[i].res_fd);
        int st;
        while (waitpid(ws[i].pid, &st, 0) < 0 && errno == EINTR)
            ;
    }
    sigaction(SIGPIPE, &old_pipe, NULL);
    free(buf);
    free(ws);
    free(pf);
    return rc;
}
