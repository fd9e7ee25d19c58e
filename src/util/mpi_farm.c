/* mpi_farm — dynamic job farm over MPI point-to-point messages; see mpi_farm.h.
 *
 * Rank 0 never blocks on one rank: sends are MPI_Isend from per-rank buffers, results are
 * found with MPI_Iprobe(ANY_SOURCE), so a dead or hung rank costs its timeout, not the run.
 * Memory: per rank two send buffers (grown, reused); one receive buffer per side.
 */
#define _POSIX_C_SOURCE 200809L
#include "util/mpi_farm.h"

#include <errno.h>
#include <mpi.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "util/err.h"
#include "util/interrupt.h"

enum { TAG_SETUP = 1, TAG_JOB, TAG_RESULT, TAG_STOP };

typedef struct setup_hdr {
    uint32_t kind, pad;
    uint64_t setup_id;
} setup_hdr;

typedef struct job_hdr {
    uint32_t kind, timeout_s;
    uint64_t setup_id, token;
} job_hdr;

typedef struct res_hdr {
    uint64_t token;
    int32_t status; /* 0, or the worker's error code (the payload is then its message) */
    uint32_t pad;
} res_hdr;

typedef struct rank_state {
    int lost;
    uint64_t known_setup; /* the setup this rank holds */
    uint64_t token;       /* of the job in flight; 0 when idle */
    size_t job;
    double deadline;
    unsigned char *sbuf, *jbuf; /* setup and job messages in flight */
    size_t sbuf_cap, jbuf_cap;
    MPI_Request req[2];
} rank_state;

static struct {
    int on, rank, size;
    double t0, cpu0; /* wall and CPU seconds after MPI_Init: the stats leave the start-up out */
    uint32_t setup_kind;
    uint64_t setup_id, next_token;
    unsigned char *setup;
    size_t setup_len;
    rank_state *r; /* (size) */
    uint64_t msgs, bytes, jobs, requeued;
    long long boss_pid; /* rank 0's pid when it runs on this host (a worker's liveness check), else 0 */
} F = {0, 0, 1, 0, 0, 0, 0, 0, NULL, 0, NULL, 0, 0, 0, 0, 0};

/* Rank 0's host and pid, sent to every rank at start-up. */
typedef struct boss_id {
    char host[256];
    long long pid;
} boss_id;

static double cpu_seconds(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec * 1e-6 + (double)ru.ru_stime.tv_sec +
           ru.ru_stime.tv_usec * 1e-6;
}

int mpi_farm_rank(void) { return F.rank; }
int mpi_farm_size(void) { return F.size; }

int mpi_farm_init(int *argc, char ***argv)
{
    if (!getenv("OMPI_COMM_WORLD_SIZE") && !getenv("PMIX_RANK") && !getenv("PMI_RANK"))
        return SNAC_OK;
    if (MPI_Init(argc, argv) != MPI_SUCCESS)
        return snac_err_set(SNAC_EIO, "MPI_Init failed");
    F.on = 1;
    F.t0 = MPI_Wtime();
    F.cpu0 = cpu_seconds();
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    MPI_Comm_rank(MPI_COMM_WORLD, &F.rank);
    MPI_Comm_size(MPI_COMM_WORLD, &F.size);
    if (F.size > 1) { /* with --enable-recovery nothing ends a worker whose rank 0 died: it checks */
        boss_id b;
        memset(&b, 0, sizeof b);
        gethostname(b.host, sizeof b.host - 1);
        b.pid = (long long)getpid();
        if (MPI_Bcast(&b, (int)sizeof b, MPI_BYTE, 0, MPI_COMM_WORLD) != MPI_SUCCESS)
            return snac_err_set(SNAC_EIO, "MPI_Bcast of rank 0's identity failed");
        char here[256] = "";
        gethostname(here, sizeof here - 1);
        F.boss_pid = F.rank > 0 && strcmp(here, b.host) == 0 ? b.pid : 0;
    }
    if (F.rank == 0 && F.size > 1) {
        F.r = calloc((size_t)F.size, sizeof *F.r);
        if (!F.r)
            return snac_err_set(SNAC_ENOMEM, "out of memory");
        for (int w = 0; w < F.size; w++)
            F.r[w].req[0] = F.r[w].req[1] = MPI_REQUEST_NULL;
    }
    return SNAC_OK;
}

static void nap(double *us, double max_us)
{
    struct timespec ts = {0, (long)(*us * 1000.0)};
    nanosleep(&ts, NULL);
    *us = *us * 2 < max_us ? *us * 2 : max_us;
}

static int grow(unsigned char **buf, size_t *cap, size_t need)
{
    if (need <= *cap)
        return SNAC_OK;
    unsigned char *nb = realloc(*buf, need);
    if (!nb)
        return snac_err_set(SNAC_ENOMEM, "out of memory");
    *buf = nb;
    *cap = need;
    return SNAC_OK;
}

/* ---------------------------------------------------------------- worker ranks */

/* A worker whose rank 0 is gone (on this host) exits: with --enable-recovery nothing else ends it. */
static void boss_check(void)
{
    if (F.boss_pid && kill((pid_t)F.boss_pid, 0) != 0 && errno == ESRCH) {
        fprintf(stderr, "snac: MPI rank %d: rank 0 (pid %lld) is gone; exiting\n", F.rank, F.boss_pid);
        fflush(NULL);
        _exit(1); /* no MPI_Finalize: it would wait for rank 0 */
    }
}

/* SNAC_MPI_FAULT=kill:R:K / hang:R:K (test hook) */
static void fault_hook(size_t n_seen)
{
    const char *f = getenv("SNAC_MPI_FAULT");
    char what[8];
    int rank;
    unsigned long k;
    if (!f || sscanf(f, "%7[a-z]:%d:%lu", what, &rank, &k) != 3 || rank != F.rank || n_seen != k)
        return;
    if (strcmp(what, "kill") == 0)
        raise(SIGKILL);
    if (strcmp(what, "hang") == 0)
        for (;;)
            pause(); /* until the job's alarm ends us */
}

static int send_result(uint64_t token, int32_t status, const void *payload, size_t len, unsigned char **buf,
                       size_t *cap)
{
    res_hdr h = {token, status, 0};
    if (grow(buf, cap, sizeof h + len))
        return -1;
    memcpy(*buf, &h, sizeof h);
    if (len)
        memcpy(*buf + sizeof h, payload, len);
    /* not MPI_Send: a result above the eager limit would wait forever on a dead rank 0 */
    MPI_Request rq;
    if (MPI_Isend(*buf, (int)(sizeof h + len), MPI_BYTE, 0, TAG_RESULT, MPI_COMM_WORLD, &rq) != MPI_SUCCESS)
        return -1;
    double us = 100;
    for (unsigned long n = 1;; n++) {
        int done = 0;
        if (MPI_Test(&rq, &done, MPI_STATUS_IGNORE) != MPI_SUCCESS)
            return -1;
        if (done)
            return 0;
        nap(&us, 10000);
        if (n % 100 == 0)
            boss_check();
    }
}

int mpi_farm_serve(const mpi_farm_kind *kinds, size_t n_kinds)
{
    snac_interrupt_default(); /* Ctrl-C ends a worker; rank 0 records the interruption */
    unsigned char *in = NULL, *out_buf = NULL;
    size_t in_cap = 0, out_cap = 0, n_seen = 0;
    void *state = NULL;
    uint32_t state_kind = 0;
    uint64_t have = 0;
    int setup_rc = SNAC_OK, status = 0;
    char setup_err[512] = "";
    double us = 100;
    unsigned long idle = 0; /* naps of 10 ms: rank 0's liveness is checked about once a second */
    for (;;) {
        int flag = 0;
        MPI_Status st;
        if (MPI_Iprobe(0, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, &st) != MPI_SUCCESS) {
            status = 1;
            break;
        }
        if (!flag) { /* a blocking probe would spin a core: nap instead */
            nap(&us, 10000);
            if (us >= 10000 && ++idle % 100 == 0)
                boss_check();
            continue;
        }
        us = 100;
        int count = 0;
        MPI_Get_count(&st, MPI_BYTE, &count);
        if (grow(&in, &in_cap, (size_t)count + 1) ||
            MPI_Recv(in, count, MPI_BYTE, 0, st.MPI_TAG, MPI_COMM_WORLD, MPI_STATUS_IGNORE) != MPI_SUCCESS) {
            status = 1;
            break;
        }
        if (st.MPI_TAG == TAG_STOP) {
            if (count == 1 && in[0]) { /* a rank was lost: finalize could wait for it forever */
                MPI_Send(NULL, 0, MPI_BYTE, 0, TAG_STOP, MPI_COMM_WORLD);
                if (state && kinds[state_kind].release)
                    kinds[state_kind].release(state);
                fflush(NULL);
                _exit(status);
            }
            break;
        }
        if (st.MPI_TAG == TAG_SETUP && (size_t)count >= sizeof(setup_hdr)) {
            setup_hdr h;
            memcpy(&h, in, sizeof h);
            if (state && kinds[state_kind].release)
                kinds[state_kind].release(state);
            state = NULL;
            have = h.setup_id;
            state_kind = h.kind;
            setup_rc = h.kind < n_kinds ? kinds[h.kind].setup(in + sizeof h, (size_t)count - sizeof h, &state)
                                        : snac_err_set(SNAC_EINVAL, "unknown job kind %u", h.kind);
            snprintf(setup_err, sizeof setup_err, "%s", setup_rc ? snac_err_msg() : "");
            continue;
        }
        if (st.MPI_TAG != TAG_JOB || (size_t)count < sizeof(job_hdr))
            continue;
        job_hdr h;
        memcpy(&h, in, sizeof h);
        alarm(h.timeout_s); /* SIGALRM ends a stuck job, so MPI_Finalize does not wait on it */
        fault_hook(++n_seen);
        void *out = NULL;
        size_t out_len = 0;
        int rc = setup_rc;
        if (!rc && (h.setup_id != have || h.kind != state_kind))
            rc = snac_err_set(SNAC_EINVAL, "job for setup %llu, have %llu", (unsigned long long)h.setup_id,
                              (unsigned long long)have);
        else if (rc)
            snac_err_set(rc, "%s", setup_err);
        if (!rc)
            rc = kinds[h.kind].work(state, in + sizeof h, (size_t)count - sizeof h, &out, &out_len);
        alarm(0);
        char msg[600];
        if (rc)
            snprintf(msg, sizeof msg, "rank %d: %s", F.rank, snac_err_msg());
        int sent = rc ? send_result(h.token, rc, msg, strlen(msg) + 1, &out_buf, &out_cap)
                      : send_result(h.token, 0, out, out_len, &out_buf, &out_cap);
        free(out);
        if (sent) {
            status = 1;
            break;
        }
    }
    if (state && kinds[state_kind].release)
        kinds[state_kind].release(state);
    free(in);
    free(out_buf);
    MPI_Finalize();
    return status;
}

/* ---------------------------------------------------------------- rank 0 */

static int set_setup(const mpi_farm_batch *b)
{
    if (F.setup && b->kind == F.setup_kind && b->setup_len == F.setup_len &&
        memcmp(F.setup, b->setup, b->setup_len) == 0)
        return SNAC_OK;
    unsigned char *copy = malloc(b->setup_len ? b->setup_len : 1);
    if (!copy)
        return snac_err_set(SNAC_ENOMEM, "out of memory");
    memcpy(copy, b->setup, b->setup_len);
    free(F.setup);
    F.setup = copy;
    F.setup_len = b->setup_len;
    F.setup_kind = b->kind;
    F.setup_id++;
    return SNAC_OK;
}

static int isend(void *buf, size_t len, int w, int tag, MPI_Request *req)
{
    F.msgs++;
    F.bytes += len;
    return MPI_Isend(buf, (int)len, MPI_BYTE, w, tag, MPI_COMM_WORLD, req) == MPI_SUCCESS ? 0 : -1;
}

static void write_off(int w, const char *why)
{
    rank_state *r = &F.r[w];
    r->lost = 1;
    for (int i = 0; i < 2; i++)
        if (r->req[i] != MPI_REQUEST_NULL)
            MPI_Request_free(&r->req[i]);
    fprintf(stderr, "snac: MPI rank %d %s; its job goes to another rank\n", w, why);
}

/* Send job j (and the setup first if the rank lacks it); 0 ok, -1 the rank is lost. */
static int dispatch(const mpi_farm_batch *b, int w, size_t j, double timeout)
{
    rank_state *r = &F.r[w];
    MPI_Waitall(2, r->req, MPI_STATUSES_IGNORE); /* done: the rank answered the last job */
    if (r->known_setup != F.setup_id) {
        setup_hdr sh = {F.setup_kind, 0, F.setup_id};
        if (grow(&r->sbuf, &r->sbuf_cap, sizeof sh + F.setup_len))
            return -2;
        memcpy(r->sbuf, &sh, sizeof sh);
        memcpy(r->sbuf + sizeof sh, F.setup, F.setup_len);
        if (isend(r->sbuf, sizeof sh + F.setup_len, w, TAG_SETUP, &r->req[0]))
            return -1;
        r->known_setup = F.setup_id;
    }
    job_hdr jh = {b->kind, (uint32_t)(timeout + 0.999), F.setup_id, ++F.next_token};
    if (grow(&r->jbuf, &r->jbuf_cap, sizeof jh + b->job_len))
        return -2;
    memcpy(r->jbuf, &jh, sizeof jh);
    memcpy(r->jbuf + sizeof jh, (const unsigned char *)b->jobs + j * b->job_len, b->job_len);
    if (isend(r->jbuf, sizeof jh + b->job_len, w, TAG_JOB, &r->req[1]))
        return -1;
    r->token = jh.token;
    r->job = j;
    r->deadline = MPI_Wtime() + timeout * 1.1 + 1.0;
    F.jobs++;
    return 0;
}

int mpi_farm_run(const mpi_farm_batch *b)
{
    if (!F.on || F.rank != 0 || F.size < 2)
        return snac_err_set(SNAC_EINVAL, "mpi farm: not rank 0 of an MPI job with workers");
    if (b->n_jobs == 0)
        return SNAC_OK;
    int rc = set_setup(b);
    if (rc)
        return rc;
    double timeout = b->timeout_s;
    const char *env = getenv("SNAC_MPI_TIMEOUT");
    if (env && atof(env) > 0)
        timeout = atof(env);
    else if (timeout <= 0)
        timeout = 3600.0;
    /* each requeue writes a rank off, so at most size - 1 of them */
    size_t *queue = malloc((b->n_jobs + (size_t)F.size) * sizeof *queue), head = 0, tail = 0, done = 0;
    unsigned char *in = NULL;
    size_t in_cap = 0;
    if (!queue)
        return snac_err_set(SNAC_ENOMEM, "out of memory");
    for (size_t j = 0; j < b->n_jobs; j++)
        queue[tail++] = j;
    double us = 100;
    while (!rc && done < b->n_jobs) {
        int alive = 0;
        for (int w = 1; w < F.size; w++) {
            rank_state *r = &F.r[w];
            if (!r->lost && !r->token && head < tail) {
                int d = dispatch(b, w, queue[head], timeout);
                if (d == -2) {
                    rc = SNAC_ENOMEM;
                    break;
                }
                if (d == 0)
                    head++;
                else
                    write_off(w, "cannot be sent its job");
            }
            alive += !r->lost;
        }
        if (!rc && !alive)
            rc = snac_err_set(SNAC_EIO, "MPI: every worker rank is lost; %zu of %zu jobs done", done, b->n_jobs);
        if (rc)
            break;
        int flag = 0;
        MPI_Status st;
        if (MPI_Iprobe(MPI_ANY_SOURCE, TAG_RESULT, MPI_COMM_WORLD, &flag, &st) != MPI_SUCCESS) {
            rc = snac_err_set(SNAC_EIO, "MPI_Iprobe failed");
            break;
        }
        if (flag) {
            int count = 0;
            MPI_Get_count(&st, MPI_BYTE, &count);
            if ((rc = grow(&in, &in_cap, (size_t)count + 1)))
                break;
            if (MPI_Recv(in, count, MPI_BYTE, st.MPI_SOURCE, TAG_RESULT, MPI_COMM_WORLD, MPI_STATUS_IGNORE) !=
                    MPI_SUCCESS ||
                (size_t)count < sizeof(res_hdr)) {
                rc = snac_err_set(SNAC_EIO, "MPI: bad result message from rank %d", st.MPI_SOURCE);
                break;
            }
            F.msgs++;
            F.bytes += (size_t)count;
            us = 100;
            rank_state *r = &F.r[st.MPI_SOURCE];
            res_hdr h;
            memcpy(&h, in, sizeof h);
            if (r->lost || h.token != r->token)
                continue; /* a written-off rank's late answer: its job was redone */
            r->token = 0;
            if (h.status) {
                in[count] = '\0';
                rc = snac_err_set(h.status, "%s", (const char *)in + sizeof h);
                break;
            }
            rc = b->on_result(r->job, in + sizeof h, (size_t)count - sizeof h, b->ctx);
            done++;
            continue;
        }
        double now = MPI_Wtime();
        for (int w = 1; w < F.size; w++) {
            rank_state *r = &F.r[w];
            if (!r->lost && r->token && now > r->deadline) {
                char why[96];
                snprintf(why, sizeof why, "did not answer job %zu within %.0f s", r->job, timeout);
                write_off(w, why);
                queue[tail++] = r->job;
                F.requeued++;
            }
        }
        if (snac_interrupted()) {
            rc = snac_err_set(SNAC_EINTR, "interrupted by %s", snac_interrupt_name(snac_interrupted()));
            break;
        }
        nap(&us, 2000);
    }
    free(queue);
    free(in);
    return rc;
}

void mpi_farm_finalize(int exit_code)
{
    if (!F.on)
        return;
    F.on = 0;
    int lost = 0;
    if (F.rank == 0 && F.size > 1) {
        int live = 0;
        for (int w = 1; w < F.size; w++) {
            live += !F.r[w].lost;
            lost += F.r[w].lost;
            if (!F.r[w].lost && F.r[w].token)
                live = -F.size; /* a failed batch left jobs in flight */
        }
        if (live <= 0) {
            /* nothing more will be stored; a rank still busy, or written off while alive, would make
             * MPI_Finalize wait for it: end them all (the command has failed already) */
            fflush(stdout);
            fflush(stderr);
            MPI_Abort(MPI_COMM_WORLD, 1);
        }
        /* with a rank lost, Open MPI 4.1's MPI_Finalize can wait for it forever (a race in its
         * fence): every live rank acknowledges the stop and exits without finalizing instead */
        unsigned char flag = lost > 0;
        for (int w = 1; w < F.size; w++) {
            rank_state *r = &F.r[w];
            if (r->lost)
                continue; /* its buffers may still be referenced by a send that never completes */
            MPI_Waitall(2, r->req, MPI_STATUSES_IGNORE);
            MPI_Send(&flag, 1, MPI_BYTE, w, TAG_STOP, MPI_COMM_WORLD);
            F.msgs++;
            free(r->sbuf);
            free(r->jbuf);
        }
        for (int acked = 0, left = live; flag && acked < left;) {
            double t0 = MPI_Wtime(), us = 100;
            int got = 0;
            MPI_Status st;
            while (!got && MPI_Wtime() - t0 < 10.0) {
                if (MPI_Iprobe(MPI_ANY_SOURCE, TAG_STOP, MPI_COMM_WORLD, &got, &st) != MPI_SUCCESS)
                    break;
                if (!got)
                    nap(&us, 2000);
            }
            if (!got)
                break;
            MPI_Recv(NULL, 0, MPI_BYTE, st.MPI_SOURCE, TAG_STOP, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
            acked++;
        }
        if (getenv("SNAC_MPI_STATS"))
            fprintf(stderr,
                    "mpi stats: ranks %d jobs %llu requeued %llu messages %llu bytes %llu rank0_cpu_s %.3f "
                    "wall_s %.3f\n",
                    F.size, (unsigned long long)F.jobs, (unsigned long long)F.requeued, (unsigned long long)F.msgs,
                    (unsigned long long)F.bytes, cpu_seconds() - F.cpu0, MPI_Wtime() - F.t0);
        free(F.r);
        free(F.setup);
    }
    if (lost) {
        fflush(NULL);
        _exit(exit_code);
    }
    MPI_Finalize();
}
