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

#include <gsl/gsl_statistics_double.h>
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
                         float **wblock, rpt_net **net_out, char *note, size_t note_cap, char *why, size_t cap)
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
    if (!rc)
        rc = vrows_spec_from_json(json, spec);
    free(json);
    if (rc) {
        snprintf(why, cap, "spec: %s", snac_err_msg());
        snac_err_clear();
        free(net);
        return false;
    }
    *net_out = net;
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

/* Does csynth module name m carry config struct cfg ("dense_latency_..._config2_s",
 * "relu_..._relu_config3_s", "dense_array_..._config2_U0")? cfg must follow a '_' and be followed
 * by '_' or the end, so config1 does not match config12. */
static bool module_has_config(const char *m, const char *cfg)
{
    size_t lc = strlen(cfg);
    if (!lc)
        return false;
    for (const char *q = strstr(m, cfg); q; q = strstr(q + 1, cfg))
        if (q > m && q[-1] == '_' && (q[lc] == '_' || q[lc] == '\0'))
            return true;
    return false;
}

/* Each dense layer's own latency from the report's instance rows: its dense call plus the calls
 * that follow it (batch norm, activation), matched by config struct (the longest that matches).
 * Older Vivado HLS mangles some dense modules ("dense_latency_0_0_..._1") so that no config is
 * left: one such module is given to the one layer without a dense match. Anything else not
 * matched, or a layer left without its dense call, and the project gives no per-layer figures. */
static void layer_latencies(const char *root, const char *rpt_rel, const rpt_net *net, calib_project *p)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", root, rpt_rel);
    char *buf = NULL;
    size_t len = 0, ni = 0;
    rpt_instance inst[64];
    p->n_layer_latency = 0;
    if (snac_read_file(path, &buf, &len) ||
        rpt_csynth_rpt_instances(buf, len, rpt_rel, inst, sizeof inst / sizeof inst[0], &ni)) {
        snprintf(p->layer_why, sizeof p->layer_why, "instances: %.140s", snac_err_msg());
        snac_err_clear();
        free(buf);
        return;
    }
    free(buf);
    if (ni == 0 || ni > sizeof inst / sizeof inst[0]) {
        snprintf(p->layer_why, sizeof p->layer_why, "%zu instance rows", ni);
        return;
    }
    double lat[SURR_MAX_LAYERS] = {0}, orphan = 0;
    bool dense[SURR_MAX_LAYERS] = {false};
    size_t n_orphan = 0;
    for (size_t i = 0; i < ni; i++) {
        size_t best_l = 0, best_len = 0, best_c = 0;
        for (size_t l = 0; l < net->n_layers; l++)
            for (size_t c = 0; c < net->layer[l].n_configs; c++) {
                size_t lc = strlen(net->layer[l].configs[c]);
                if (lc > best_len && module_has_config(inst[i].module, net->layer[l].configs[c]))
                    best_l = l, best_len = lc, best_c = c;
            }
        if (!isfinite(inst[i].latency_worst)) {
            snprintf(p->layer_why, sizeof p->layer_why, "instance %.100s: latency unknown", inst[i].module);
            return;
        }
        if (best_len) {
            lat[best_l] += inst[i].latency_worst;
            dense[best_l] |= best_c == 0;
        } else if (strncmp(inst[i].module, "dense", 5) == 0) {
            orphan += inst[i].latency_worst;
            n_orphan++;
        } else {
            snprintf(p->layer_why, sizeof p->layer_why, "instance %.100s names no call of the network", inst[i].module);
            return;
        }
    }
    size_t missing = 0, at = 0;
    for (size_t l = 0; l < net->n_layers; l++)
        if (!dense[l])
            missing++, at = l;
    if (n_orphan > 1 || missing != n_orphan) {
        snprintf(p->layer_why, sizeof p->layer_why, "%zu dense instance(s) without a config name for %zu layer(s)",
                 n_orphan, missing);
        return;
    }
    if (n_orphan)
        lat[at] += orphan;
    for (size_t l = 0; l < net->n_layers; l++)
        p->layer_latency[l] = lat[l];
    p->n_layer_latency = net->n_layers;
}

static void load_one(const char *root, calib_project *p, const char *xml_rel, const char *rpt_rel)
{
    surr_spec spec;
    rpt_result r;
    rpt_net *net = NULL;
    float *wblock = NULL;
    const char *rel = xml_rel[0] ? xml_rel : rpt_rel;
    rpt_result_init(&r, RPT_KIND_CSYNTH_XML, RPT_TC_VIVADO_HLS); /* no report: no port hint */
    r.n_out_ports = r.in_port_bits = 0;
    if (rel[0] && !read_report(root, rel, &r, p->skip, sizeof p->skip))
        return;
    /* a Vitis csynth.xml whose top is a wrapper (a kernel, the AXI top) beside the network's own
     * <top>_csynth.rpt: the rpt is the network (as ingest stores it) */
    const char *rb = strrchr(rpt_rel, '/');
    rb = rb ? rb + 1 : rpt_rel;
    size_t tl = strlen(r.top_module);
    if (rel == xml_rel && rpt_rel[0] && tl && !(strncmp(rb, r.top_module, tl) == 0 && strcmp(rb + tl, "_csynth.rpt") == 0)) {
        rpt_result_init(&r, RPT_KIND_CSYNTH_XML, RPT_TC_VIVADO_HLS);
        r.n_out_ports = r.in_port_bits = 0;
        rel = rpt_rel;
        if (!read_report(root, rel, &r, p->skip, sizeof p->skip))
            return;
    }
    /* the network first: a CNN says so even without a report */
    if (!project_spec(root, p, &r, &spec, &wblock, &net, p->note, sizeof p->note, p->skip, sizeof p->skip))
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
    if (!rpt_rel[0])
        snprintf(p->layer_why, sizeof p->layer_why, "no csynth.rpt");
    else if (net->n_layers != spec.n_layers)
        snprintf(p->layer_why, sizeof p->layer_why, "%zu dense calls for %zu spec layers", net->n_layers,
                 spec.n_layers);
    else
        layer_latencies(root, rpt_rel, net, p);
out:
    free(net);
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
            /* the network's report before the AXI wrapper's (<top>_axi_csynth.*), then the first by
             * path: reproducible */
            bool axi = strstr(col[4], "_axi_csynth.") != NULL, slot_axi = strstr(slot, "_axi_csynth.") != NULL;
            if (!slot[0] || (slot_axi && !axi) || (axi == slot_axi && strcmp(col[4], slot) < 0))
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

/* The rows of family tc (others weighted `foreign`, group `exclude` left out) into t; returns the count. */
static size_t family_rows(const surr_sample *s, const enum surr_toolchain *tc_of, size_t n, enum surr_toolchain tc,
                          int exclude, double foreign, surr_sample *t)
{
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i].group == exclude)
            continue;
        t[m] = s[i];
        if (tc_of[i] != tc)
            t[m].weight *= foreign;
        m++;
    }
    return m;
}

int calib_fit_family(const surr_sample *s, const enum surr_toolchain *tc_of, size_t n, enum surr_toolchain tc,
                     int exclude, bool cv, surr_version *v, surr_fit_report *rep)
{
    surr_sample *t = malloc((n ? n : 1) * sizeof *t);
    if (!t)
        return snac_err_set(SNAC_ENOMEM, "out of memory");
    surr_fit_options o = SURR_FIT_OPTIONS_INIT;
    o.cross_validate = cv;
    memset(v, 0, sizeof *v);
    size_t m = family_rows(s, tc_of, n, tc, exclude, CALIB_FOREIGN_WEIGHT, t);
    int rc = surr_fit_version(t, m, &o, v, rep);
    if (!rc) { /* latency again, the family's own rows dominating (CALIB_FOREIGN_WEIGHT_LATENCY) */
        surr_version vl;
        surr_fit_report rl;
        memset(&vl, 0, sizeof vl);
        m = family_rows(s, tc_of, n, tc, exclude, CALIB_FOREIGN_WEIGHT_LATENCY, t);
        if (!(rc = surr_fit_version(t, m, &o, &vl, &rl))) {
            v->t[SURR_T_LATENCY_CYCLES] = vl.t[SURR_T_LATENCY_CYCLES];
            rep->t[SURR_T_LATENCY_CYCLES] = rl.t[SURR_T_LATENCY_CYCLES];
        }
        surr_version_clear(&vl);
    }
    v->toolchain = tc;
    free(t);
    return rc;
}

/* ------------------------------------------------------------ command line */

int calib_projects_root_arg(int argc, char **argv, const char *prog, const char *def, const char **root)
{
    *root = def;
    if (argc == 3 && strcmp(argv[1], "--projects") == 0)
        *root = argv[2];
    else if (argc != 1) {
        fprintf(stderr, "usage: %s [--projects DIR]\n", prog);
        return 2;
    }
    struct stat st;
    if (stat(*root, &st) != 0 || !S_ISDIR(st.st_mode)) {
        printf("%s: %s is absent: nothing to measure (skipped)\n", prog, *root);
        return 77;
    }
    return 0;
}

/* ------------------------------------------------------------ error statistics */

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

calib_stats calib_stats_compute(const double *y, const double *p, const size_t *idx, size_t m)
{
    calib_stats s = {0, NAN, NAN, NAN, NAN};
    double *a = malloc((m ? m : 1) * sizeof *a), *ya = malloc((m ? m : 1) * sizeof *ya),
           *pa = malloc((m ? m : 1) * sizeof *pa), *work = malloc(2 * (m ? m : 1) * sizeof *work);
    size_t k = 0, w20 = 0;
    double sum = 0;
    for (size_t i = 0; a && ya && pa && work && i < m; i++) {
        size_t j = idx[i];
        if (!isfinite(y[j]) || !isfinite(p[j]))
            continue;
        a[k] = fabs(p[j] - y[j]) / (y[j] > 1 ? y[j] : 1);
        sum += a[k];
        w20 += fabs(p[j] - y[j]) <= 0.2 * y[j];
        ya[k] = y[j];
        pa[k] = p[j];
        k++;
    }
    s.n = k;
    if (k) {
        s.mape = 100 * sum / (double)k;
        s.within20 = 100.0 * (double)w20 / (double)k;
        if (k >= 3)
            s.spearman = gsl_stats_spearman(ya, 1, pa, 1, k, work);
        qsort(a, k, sizeof *a, cmp_double);
        s.mdape = 100 * (k % 2 ? a[k / 2] : 0.5 * (a[k / 2 - 1] + a[k / 2]));
    }
    free(a);
    free(ya);
    free(pa);
    free(work);
    return s;
}
