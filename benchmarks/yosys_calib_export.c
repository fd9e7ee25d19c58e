/* yosys_calib_export — the Yosys results of a store (`snac synth` rows of models
 * from `snac local`) as the calibration file of the yosys-0.23 family
 * (calib_yosys.h): each row's features are what `snac validate` and `snac refit`
 * compute for it (vrows_load: the stored quantized model, exact weights), so the
 * committed file fits the same version a refit on the store would.
 *
 *   yosys_calib_export DB --set NAME [--out FILE]    (default: stdout)
 *
 * Rows without a LUT and FF count (failed runs) are left out. Models are written in
 * the order of their model ids (not of the synthesis rows, whose order depends on which
 * parallel Yosys run finished first), so the same store always gives the same file.
 * Memory: the rows of one store. Workload: a second.
 */
#include <gsl/gsl_errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calib_yosys.h"
#include "store/db.h"
#include "util/err.h"
#include "validation/vrows.h"

/* What the store knows of the model beside its features: Yosys version, part, the local
 * search's bit width and sparsity. */
static int row_meta(snac_db *db, int64_t synth_id, calib_yosys_row *r)
{
    static const char sql[] =
        "SELECT s.tool_version, s.part, li.bits, li.sparsity FROM synthesis_results s"
        " LEFT JOIN local_iterations li ON li.model_id = s.model_id WHERE s.id = ?1";
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db_handle(db), sql, -1, &st, NULL) != SQLITE_OK)
        return db_error(db, "select the synthesis row");
    sqlite3_bind_int64(st, 1, synth_id);
    int rc = SNAC_OK;
    if (sqlite3_step(st) == SQLITE_ROW) {
        const char *ver = (const char *)sqlite3_column_text(st, 0), *part = (const char *)sqlite3_column_text(st, 1);
        snprintf(r->yosys, sizeof r->yosys, "%s", ver ? ver : "?");
        snprintf(r->part, sizeof r->part, "%s", part ? part : "");
        r->bits = sqlite3_column_type(st, 2) == SQLITE_NULL ? 0 : sqlite3_column_int(st, 2);
        r->sparsity = sqlite3_column_type(st, 3) == SQLITE_NULL ? NAN : sqlite3_column_double(st, 3);
    } else {
        rc = snac_err_set(SNAC_ENOTFOUND, "synthesis row %lld vanished", (long long)synth_id);
    }
    sqlite3_finalize(st);
    if (!rc && (r->bits <= 0 || !isfinite(r->sparsity)))
        rc = snac_err_set(SNAC_EINVAL, "synthesis row %lld: its model is not a `snac local` iteration",
                          (long long)synth_id);
    return rc;
}

static int cmp_model(const void *a, const void *b)
{
    const char *x = strrchr(((const calib_yosys_row *)a)->s.id, ':');
    const char *y = strrchr(((const calib_yosys_row *)b)->s.id, ':');
    long long i = x ? atoll(x + 1) : 0, j = y ? atoll(y + 1) : 0;
    return (i > j) - (i < j);
}

int main(int argc, char **argv)
{
    gsl_set_error_handler_off();
    const char *db_path = NULL, *set = NULL, *out_path = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--set") == 0 && i + 1 < argc)
            set = argv[++i];
        else if (strcmp(argv[i], "--out") == 0 && i + 1 < argc)
            out_path = argv[++i];
        else if (argv[i][0] != '-' && !db_path)
            db_path = argv[i];
        else
            db_path = NULL, set = NULL, i = argc;
    }
    if (!db_path || !set || strchr(set, ',')) {
        fprintf(stderr, "usage: yosys_calib_export DB --set NAME [--out FILE]\n");
        return 2;
    }
    snac_db *db = NULL;
    vrows vr = VROWS_INIT;
    if (db_open_readonly(db_path, &db) || vrows_load(db, SURR_TC_YOSYS_0_23, &vr)) {
        fprintf(stderr, "yosys_calib_export: %s\n", snac_err_msg());
        db_close(db);
        return 1;
    }
    calib_yosys_row *rows = calloc(vr.n ? vr.n : 1, sizeof *rows);
    size_t n = 0, failed = 0;
    int rc = rows ? SNAC_OK : snac_err_set(SNAC_ENOMEM, "out of memory");
    for (size_t i = 0; i < vr.n && !rc; i++) {
        const vrow *v = &vr.row[i];
        if (!isfinite(v->y[SURR_T_LUT]) || !isfinite(v->y[SURR_T_FF])) {
            failed++;
            continue;
        }
        calib_yosys_row *r = &rows[n];
        if ((rc = row_meta(db, v->id, r)))
            break;
        r->s.x = v->x;
        memcpy(r->s.y, v->y, sizeof r->s.y);
        r->s.weight = 1.0;
        snprintf(r->s.id, sizeof r->s.id, "%s:%lld", set, (long long)v->model_id);
        snprintf(r->arch, sizeof r->arch, "%s", v->arch);
        enum surr_act act = v->x.n_layers > 1 ? v->x.layer[0].act : SURR_ACT_LINEAR;
        snprintf(r->activation, sizeof r->activation, "%s", surr_act_names[act]);
        n++;
    }
    if (!rc)
        qsort(rows, n, sizeof *rows, cmp_model);
    if (!rc) {
        FILE *f = out_path ? fopen(out_path, "w") : stdout;
        char header[512];
        snprintf(header, sizeof header,
                 "Yosys results of snac's own models (set %s), written by build/benchmarks/yosys_calib_export;\n"
                 "see benchmarks/calib_yosys.h for the columns, benchmarks/yosys_calib_data.sh for how they were made.",
                 set);
        if (!f)
            rc = snac_err_set(SNAC_EIO, "cannot write %s", out_path);
        else {
            rc = calib_yosys_write(f, header, rows, n);
            if (out_path && fclose(f) != 0 && !rc)
                rc = snac_err_set(SNAC_EIO, "cannot write %s", out_path);
        }
    }
    if (rc)
        fprintf(stderr, "yosys_calib_export: %s\n", snac_err_msg());
    else
        fprintf(stderr, "yosys_calib_export: %zu models (%zu groups in the store; %zu failed rows and %zu without a spec "
                        "left out)\n", n, vr.n_groups, failed, vr.n_no_spec);
    free(rows);
    vrows_free(&vr);
    db_close(db);
    return rc ? 1 : 0;
}
