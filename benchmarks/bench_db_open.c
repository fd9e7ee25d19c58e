/* bench_db_open — what a write open of the store costs once the file is large: db_open()
 * runs PRAGMA quick_check (every page read once) before anything is written, so its time
 * grows with the file. Builds a store of about MB megabytes (models rows with 64 KiB weight
 * blobs, like a search's stored candidates), then prints the median of REPS opens of each
 * kind: db_open (quick_check + version check), db_open_readonly, and a bare sqlite3_open_v2
 * + PRAGMA user_version for reference. The file is written to the current directory and
 * removed at the end.
 *
 *   bench_db_open [MB] [REPS]        (defaults 200 and 7)
 *
 * Memory: one 64 KiB blob. Workload: MB/64 KiB inserts once, then 3 x REPS opens.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "store/db.h"
#include "util/err.h"

static const char *DB = "bench_db_open.db";

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void cleanup(void)
{
    unlink(DB);
    unlink("bench_db_open.db-wal");
    unlink("bench_db_open.db-shm");
}

enum { OPEN_WRITE, OPEN_READONLY, OPEN_BARE };

static double time_open(int kind)
{
    double t0 = now_s();
    if (kind == OPEN_BARE) {
        sqlite3 *h = NULL;
        sqlite3_stmt *st = NULL;
        if (sqlite3_open_v2(DB, &h, SQLITE_OPEN_READWRITE, NULL) == SQLITE_OK &&
            sqlite3_prepare_v2(h, "PRAGMA user_version", -1, &st, NULL) == SQLITE_OK)
            sqlite3_step(st);
        sqlite3_finalize(st);
        sqlite3_close(h);
    } else {
        snac_db *db = NULL;
        int rc = kind == OPEN_WRITE ? db_open(DB, &db) : db_open_readonly(DB, &db);
        if (rc) {
            fprintf(stderr, "bench_db_open: %s\n", snac_err_msg());
            exit(1);
        }
        db_close(db);
    }
    return now_s() - t0;
}

int main(int argc, char **argv)
{
    size_t mb = argc > 1 ? strtoul(argv[1], NULL, 10) : 200, reps = argc > 2 ? strtoul(argv[2], NULL, 10) : 7;
    if (mb == 0 || reps == 0 || reps > 1000) {
        fprintf(stderr, "usage: bench_db_open [MB] [REPS]\n");
        return 2;
    }
    cleanup();
    snac_db *db = NULL;
    if (db_open(DB, &db)) {
        fprintf(stderr, "bench_db_open: %s\n", snac_err_msg());
        return 1;
    }
    size_t blob_len = 64 * 1024, rows = mb * 16;
    unsigned char *blob = malloc(blob_len);
    for (size_t i = 0; i < blob_len; i++)
        blob[i] = (unsigned char)(i * 2654435761u >> 13);
    int rc = db_begin(db);
    for (size_t i = 0; !rc && i < rows; i++) {
        db_model m = {0, "bench", "{}", 1, 1, 0.5, 1.0, blob, blob_len};
        int64_t id;
        blob[0] = (unsigned char)i;
        rc = db_model_insert(db, &m, &id);
    }
    if (!rc)
        rc = db_commit(db);
    db_close(db);
    free(blob);
    if (rc) {
        fprintf(stderr, "bench_db_open: %s\n", snac_err_msg());
        cleanup();
        return 1;
    }
    FILE *f = fopen(DB, "rb");
    long size = 0;
    if (f) {
        fseek(f, 0, SEEK_END);
        size = ftell(f);
        fclose(f);
    }
    static const char *const names[3] = {"db_open (write: quick_check)", "db_open_readonly",
                                         "bare sqlite3_open_v2 + user_version"};
    double *t = malloc(reps * sizeof *t);
    printf("store of %.1f MB (%zu models of 64 KiB), median of %zu opens, file in the page cache:\n",
           (double)size / 1e6, rows, reps);
    for (int k = 0; k < 3; k++) {
        time_open(k); /* warm */
        for (size_t r = 0; r < reps; r++)
            t[r] = time_open(k);
        qsort(t, reps, sizeof *t, cmp_d);
        printf("  %-38s %9.2f ms\n", names[k], 1e3 * t[reps / 2]);
    }
    free(t);
    cleanup();
    return 0;
}
