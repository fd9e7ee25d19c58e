/* calib_projects — an hls4ml project under ../shared + its csynth report -> a
 * surrogate sample; see calib_projects.h.
 *
 * No reader of its own: the network comes from the ingest layer's readers
 * (rpt_firmware / rpt_netjson -> rpt_net -> rpt_net_spec_json), and the spec from
 * that JSON as refit reads it (vrows_spec_from_json), so calibration, ingest and
 * refit see the same per-layer reuse factors, precisions and zeros.
 * Memory: one rpt_net and the spec's weights per project, freed before the next.
 * Workload: 13 small projects: milliseconds.
 */
#include "calib_projects.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "surrogate/surr_calib.h"
#include "surrogate/surr_part.h"
#include "surrogate/surr_specio.h"
#include "util/err.h"
#include "util/fileio.h"
#include "validation/rpt_csynth_rpt.h"
#include "validation/rpt_csynth_xml.h"
#include "validation/rpt_firmware.h"
#include "validation/rpt_net.h"
#include "validation/rpt_netjson.h"
#include "validation/vrows.h"
#include "validation/vtoolchain.h"

/* ------------------------------------------------------------ the projects */

static int cmp_project(const void *a, const void *b)
{
    return strcmp(((const calib_project *)a)->dir, ((const calib_project *)b)->dir);
}

static bool is_dir_path(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* The project's spec as ingest stores it (validation/ingest.c project_spec_build):
 * the firmware when it is there and readable, else network.json, each through
 * rpt_net, then the spec JSON read back as refit reads it (vrows_spec_from_json),
 * with the real weights when every layer's w<k>.txt was read (exact features).
 * *wblock (malloc'd, may stay NULL) holds the weights the spec borrows. */
static bool project_spec(const char *root, const calib_project *p, const rpt_result *r, surr_spec *spec,
                         float **wblock, char *note, size_t note_cap, char *why, size_t cap)
{
    char dir[1024], path[1200], wdir[1200];
    snprintf(dir, sizeof dir, "%s/%s", root, p->dir);
    rpt_net_hint hint = {r->n_out_ports, r->in_port_bits};
    rpt_net *net = malloc(sizeof *net);
    if (!net) {
        snprintf(why, cap, "out of memory");
        return false;
    }
    int rc = SNAC_EFORMAT;
    if (rpt_firmware_present(dir) && (rc = rpt_firmware_read(dir, NULL, &hint, net)))
        snac_err_clear();
    if (rc) {
        snprintf(path, sizeof path, "%s/network.json", dir);
        snprintf(wdir, sizeof wdir, "%s/firmware/weights", dir);
        rc = rpt_netjson_read(path, is_dir_path(wdir) ? wdir : NULL, &hint, net);
    }
    if (rc) {
        snprintf(why, cap, "no spec: %s", snac_err_msg());
        snac_err_clear();
        free(net);
        return false;
    }
    if (!net->mlp) {
        snprintf(why, cap, "%.16s: %.200s", net->source, net->why);
        free(net);
        return false;
    }
    snprintf(note, note_cap, "spec from %.16s%s%.360s", net->source, net->notes[0] ? ": " : "", net->notes);
    char *json = NULL;
    rc = rpt_net_spec_json(net, NULL, 0, NULL, &json);
    free(net);
    if (!rc)
        rc = vrows_spec_from_json(json, spec);
    free(json);
    if (rc) {
        snprintf(why, cap, "spec: %s", snac_err_msg());
        snac_err_clear();
        return false;
    }
    /* as refit (vrows.c): weights that cannot be loaded as a whole (stale w<k>.txt
     * of other builds in the folder) leave the exact sparsity rpt_net counted */
    if (spec->weights[0] && surr_spec_weights_load(spec, wblock) != SNAC_OK) {
        for (size_t l = 0; l < spec->n_layers; l++)
            spec->layer[l].w = NULL;
        free(*wblock);
        *wblock = NULL;
        size_t u = strlen(note);
        snprintf(note + u, note_cap - u, "; weights not loaded (sparsity from the counts): %.200s", snac_err_msg());
        snac_err_clear();
    }
    return true;
}

static bool read_report(const char *root, const char *rel, rpt_result *r, char *why, size_t cap)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", root, rel);
    char *buf = NULL;
    size_t len = 0;
    if (snac_read_file(path, &buf, &len)) {
        snprintf(why, cap, "cannot read %s: %s", rel, snac_err_msg());
        snac_err_clear();
        return false;
    }
    size_t rl = strlen(rel);
    int rc = (rl > 4 && strcmp(rel + rl - 4, ".xml") == 0) ? rpt_csynth_xml_read(buf, len, rel, r)
                                                            : rpt_csynth_rpt_read(buf, len, rel, r);
    free(buf);
    if (rc) {
        snprintf(why, cap, "report does not parse: %s", snac_err_msg());
        snac_err_clear();
        return false;
    }
    return true;
}

static void load_one(const char *root, calib_project *p, const char *xml_rel, const char *rpt_rel)
{
    surr_spec spec;
    rpt_result r;
    float *wblock = NULL;
    const char *rel = xml_rel[0] ? xml_rel : rpt_rel;
    rpt_result_init(&r, RPT_KIND_CSYNTH_XML, RPT_TC_VIVADO_HLS); /* no report: no port hint */
    r.n_out_ports = r.in_port_bits = 0;
    if (rel[0] && !read_report(root, rel, &r, p->skip, sizeof p->skip))
        return;
    /* the network first: a CNN says so even without a report */
    if (!project_spec(root, p, &r, &spec, &wblock, p->note, sizeof p->note, p->skip, sizeof p->skip))
        goto out;
    if (!rel[0]) {
        snprintf(p->skip, sizeof p->skip, "no csynth report");
        goto out;
    }
    if (!vtoolchain_map(rpt_toolchain_names[r.toolchain], r.tool_version, &p->tc)) {
        snprintf(p->skip, sizeof p->skip, "toolchain %s %s maps to no surrogate toolchain",
                 rpt_toolchain_names[r.toolchain], r.tool_version);
        goto out;
    }
    snprintf(p->tool, sizeof p->tool, "%s %s", rpt_toolchain_names[r.toolchain], r.tool_version);
    snprintf(p->part, sizeof p->part, "%s", r.part);
    const surr_part *part;
    if (surr_part_find(r.part, &part)) {
        snac_err_clear();
        size_t u = strlen(p->note);
        snprintf(p->note + u, sizeof p->note - u, "%spart %s not in the part table: xcvu13p used (percentages only)",
                 u ? "; " : "", r.part);
        snprintf(spec.part, sizeof spec.part, "%s", "xcvu13p-flga2577-2-e");
    } else {
        snprintf(spec.part, sizeof spec.part, "%.47s", r.part); /* the full name: its speed grade sets the delays */
    }
    spec.clock_ns = r.clock_target_ns > 0 ? r.clock_target_ns : 5.0;
    spec.toolchain = p->tc;
    if (surr_features_extract(&spec, &p->s.x)) {
        snprintf(p->skip, sizeof p->skip, "spec does not validate: %s", snac_err_msg());
        snac_err_clear();
        goto out;
    }
    size_t u = (size_t)snprintf(p->arch, sizeof p->arch, "%zu", spec.layer[0].n_in);
    for (size_t l = 0; l < spec.n_layers && u < sizeof p->arch; l++)
        u += (size_t)snprintf(p->arch + u, sizeof p->arch - u, "-%zu", spec.layer[l].n_out);
    double y[SURR_T_COUNT] = {r.lut, r.ff, r.dsp, r.bram18, NAN, r.latency_worst, r.ii_min};
    double n_out = (double)spec.layer[spec.n_layers - 1].n_out;
    if (r.ff < n_out && r.dsp == 0) { /* not even one register per output and no multiplier */
        snprintf(p->skip, sizeof p->skip, "report shows a design optimised away (%.0f FF, %.0f DSP for %.0f outputs)",
                 r.ff, r.dsp, n_out);
        goto out;
    }
    for (int t = 0; t < SURR_T_COUNT; t++)
        p->s.y[t] = isfinite(y[t]) && y[t] >= 0 ? y[t] : NAN;
    p->s.weight = 1.0;
    snprintf(p->s.id, sizeof p->s.id, "shared:%.88s", p->dir);
out:
    free(wblock);
}
/* Cut one MANIFEST.tsv line at *line: *next = the following line; its tab-separated columns
 * into col (8 at most); returns how many. */
static size_t manifest_row(char *line, char **next, char *col[8])
{
    *next = strchr(line, '\n');
    if (*next)
        *(*next)++ = '\0';
    size_t nc = 0;
    for (char *c = line; nc < 8;) {
        col[nc++] = c;
        char *tab = strchr(c, '\t');
        if (!tab)
            break;
        *tab = '\0';
        c = tab + 1;
    }
    return nc;
}


int calib_projects_load(const char *root, calib_project **out, size_t *n_out)
{
    *out = NULL;
    *n_out = 0;
    char path[1024];
    snprintf(path, sizeof path, "%s/MANIFEST.tsv", root);
    char *buf = NULL;
    size_t len = 0;
    int rc = snac_read_file(path, &buf, &len);
    if (rc)
        return rc;
    calib_project *arr = NULL;
    size_t n = 0, cap = 0;
    /* columns: repo commit path kind local_path project bytes */
    for (char *line = buf, *next; line && *line; line = next) {
        char *col[8] = {0};
        size_t nc = manifest_row(line, &next, col);
        if (nc < 6 || strcmp(col[3], "network_json") != 0)
            continue;
        if (n == cap) {
            cap = cap ? 2 * cap : 64;
            calib_project *na = realloc(arr, cap * sizeof *na);
            if (!na) {
                free(arr);
                free(buf);
                return snac_err_set(SNAC_ENOMEM, "out of memory");
            }
            arr = na;
        }
        memset(&arr[n], 0, sizeof arr[n]);
        snprintf(arr[n].dir, sizeof arr[n].dir, "%s", col[5]);
        n++;
    }
    /* reports of each project (a second pass over the manifest, read again: the first pass cut it) */
    free(buf);
    if ((rc = snac_read_file(path, &buf, &len))) {
        free(arr);
        return rc;
    }
    qsort(arr, n, sizeof *arr, cmp_project);
    char(*xml)[400] = calloc(n ? n : 1, sizeof *xml), (*rpt)[400] = calloc(n ? n : 1, sizeof *rpt);
    if (!xml || !rpt) {
        free(xml);
        free(rpt);
        free(arr);
        free(buf);
        return snac_err_set(SNAC_ENOMEM, "out of memory");
    }
    for (char *line = buf, *next; line && *line; line = next) {
        char *col[8] = {0};
        size_t nc = manifest_row(line, &next, col);
        if (nc < 6)
            continue;
        bool is_xml = strcmp(col[3], "csynth_xml") == 0, is_rpt = strcmp(col[3], "csynth_rpt") == 0;
        if (!is_xml && !is_rpt)
            continue;
        for (size_t i = 0; i < n; i++) {
            if (strcmp(arr[i].dir, col[5]) != 0)
                continue;
            char *slot = is_xml ? xml[i] : rpt[i];
            if (!slot[0] || strcmp(col[4], slot) < 0) /* the first by path: reproducible */
                snprintf(slot, 400, "%s", col[4]);
        }
    }
    for (size_t i = 0; i < n; i++) {
        load_one(root, &arr[i], xml[i], rpt[i]);
    }
    free(xml);
    free(rpt);
    free(buf);
    *out = arr;
    *n_out = n;
    return SNAC_OK;
}

/* ------------------------------------------------------------ the fit set */

int calib_set_build(const calib_project *p, size_t np, surr_sample **s_out, enum surr_toolchain **tc_out,
                    long **proj_out, size_t *n_out, size_t *n_base)
{
    surr_sample *base = NULL;
    size_t nb = 0, rej = 0;
    int rc = surr_calib_samples(&base, &nb, &rej);
    if (rc)
        return rc;
    size_t n = nb;
    for (size_t i = 0; i < np; i++)
        n += !p[i].skip[0];
    surr_sample *s = realloc(base, n * sizeof *s);
    enum surr_toolchain *tc = malloc(n * sizeof *tc);
    long *proj = malloc(n * sizeof *proj);
    if (!s || !tc || !proj) {
        free(s ? s : base);
        free(tc);
        free(proj);
        return snac_err_set(SNAC_ENOMEM, "out of memory");
    }
    int gmax = -1;
    for (size_t i = 0; i < nb; i++) {
        tc[i] = SURR_TC_VIVADO_2019_1;
        proj[i] = -1;
        if (s[i].x.f[SURR_F_RF_MAX] > 1)
            s[i].y[SURR_T_LUT] = s[i].y[SURR_T_FF] = s[i].y[SURR_T_LATENCY_CYCLES] = NAN;
        s[i].weight *= CALIB_SWEEP_WEIGHT;
        if (s[i].group > gmax)
            gmax = s[i].group;
    }
    size_t k = nb;
    for (size_t i = 0; i < np; i++) {
        if (p[i].skip[0])
            continue;
        s[k] = p[i].s;
        s[k].group = ++gmax;
        tc[k] = p[i].tc;
        proj[k] = (long)i;
        k++;
    }
    *s_out = s;
    *tc_out = tc;
    *proj_out = proj;
    *n_out = n;
    *n_base = nb;
    return SNAC_OK;
}

int calib_fit_family(const surr_sample *s, const enum surr_toolchain *tc_of, size_t n, enum surr_toolchain tc,
                     int exclude, bool cv, surr_version *v, surr_fit_report *rep)
{
    surr_sample *t = malloc((n ? n : 1) * sizeof *t);
    if (!t)
        return snac_err_set(SNAC_ENOMEM, "out of memory");
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i].group == exclude)
            continue;
        t[m] = s[i];
        if (tc_of[i] != tc)
            t[m].weight *= CALIB_FOREIGN_WEIGHT;
        m++;
    }
    surr_fit_options o = SURR_FIT_OPTIONS_INIT;
    o.cross_validate = cv;
    memset(v, 0, sizeof *v);
    int rc = surr_fit_version(t, m, &o, v, rep);
    v->toolchain = tc;
    free(t);
    return rc;
}
