/* rpt_csynth_xml — the csynth.xml reader; see rpt_csynth_xml.h. */
#include "validation/rpt_csynth_xml.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/err.h"
#include "validation/xml.h"

/* The element at `path` under `from`, or an error naming the element that is missing. */
static int need(const xml_doc *d, const xml_node *from, const char *from_path, const char *path, const char *name,
                const xml_node **out)
{
    *out = xml_path(d, from, path);
    if (!*out)
        return snac_err_set(SNAC_EFORMAT, "%s: missing element <%s/%s> (section at line %zu)", name, from_path, path,
                            xml_line(d, from));
    return SNAC_OK;
}

/* A count or time: a non-negative finite number, or NaN for "undef"/"-" when allow_undef. */
static int number(const xml_doc *d, const xml_node *n, const char *path, const char *name, bool allow_undef,
                  double *out)
{
    const char *t = xml_text(d, n);
    if (allow_undef && (strcmp(t, "undef") == 0 || strcmp(t, "-") == 0 || strcmp(t, "?") == 0)) {
        *out = NAN;
        return SNAC_OK;
    }
    if (!rpt_number(t, strlen(t), out) || *out < 0)
        return snac_err_set(SNAC_EFORMAT, "%s:%zu: <%s> is '%s', expected a non-negative number", name,
                            xml_line(d, n), path, t);
    return SNAC_OK;
}

static int need_number(const xml_doc *d, const xml_node *from, const char *from_path, const char *path,
                       const char *name, bool allow_undef, double *out)
{
    const xml_node *n;
    int rc = need(d, from, from_path, path, name, &n);
    return rc ? rc : number(d, n, path, name, allow_undef, out);
}

static int opt_number(const xml_doc *d, const xml_node *from, const char *path, const char *name, double *out)
{
    const xml_node *n = xml_path(d, from, path);
    if (!n) {
        *out = NAN;
        return SNAC_OK;
    }
    return number(d, n, path, name, true, out);
}

/* Unit of a section (<unit>ns</unit>): absent or "ns" is accepted. */
static int check_ns(const xml_doc *d, const xml_node *sec, const char *what, const char *name)
{
    const xml_node *u = xml_child(d, sec, "unit");
    if (u && strcmp(xml_text(d, u), "ns") != 0)
        return snac_err_set(SNAC_EFORMAT, "%s:%zu: <%s/unit> is '%s', only ns is supported", name, xml_line(d, u),
                            what, xml_text(d, u));
    return SNAC_OK;
}

/* One <Resources> or <AvailableResources> block. `dsp_name` receives which DSP element was found. */
static int resources(const xml_doc *d, const xml_node *res, const char *what, const char *name, bool required,
                     double *bram, double *dsp, double *ff, double *lut, double *uram, const char **dsp_name)
{
    int rc;
    const xml_node *dn = xml_child(d, res, "DSP48E");
    *dsp_name = "DSP48E";
    if (!dn) {
        dn = xml_child(d, res, "DSP");
        *dsp_name = "DSP";
    }
    if (!dn) {
        if (required)
            return snac_err_set(SNAC_EFORMAT, "%s: missing element <%s/DSP48E> (or <DSP>) (section at line %zu)",
                                name, what, xml_line(d, res));
        *dsp = NAN;
    } else if ((rc = number(d, dn, *dsp_name, name, false, dsp))) {
        return rc;
    }
    if (required) {
        if ((rc = need_number(d, res, what, "BRAM_18K", name, false, bram)) ||
            (rc = need_number(d, res, what, "FF", name, false, ff)) ||
            (rc = need_number(d, res, what, "LUT", name, false, lut)))
            return rc;
    } else if ((rc = opt_number(d, res, "BRAM_18K", name, bram)) || (rc = opt_number(d, res, "FF", name, ff)) ||
               (rc = opt_number(d, res, "LUT", name, lut))) {
        return rc;
    }
    return opt_number(d, res, "URAM", name, uram);
}

static int read_doc(const xml_doc *d, const char *name, rpt_result *r)
{
    const xml_node *root = xml_root(d), *n, *sec;
    int rc;
    if (strcmp(xml_name(d, root), "profile") != 0)
        return snac_err_set(SNAC_EFORMAT, "%s:%zu: root element is <%s>, a csynth report has <profile>", name,
                            xml_line(d, root), xml_name(d, root));

    if ((n = xml_path(d, root, "ReportVersion/Version")))
        rpt_strlcpy(r->tool_version, xml_text(d, n), sizeof r->tool_version);

    if ((rc = need(d, root, "profile", "UserAssignments", name, &sec)) ||
        (rc = check_ns(d, sec, "UserAssignments", name)) ||
        (rc = need(d, sec, "UserAssignments", "Part", name, &n)))
        return rc;
    if (xml_text(d, n)[0] == '\0')
        return snac_err_set(SNAC_EFORMAT, "%s:%zu: <UserAssignments/Part> is empty", name, xml_line(d, n));
    rpt_strlcpy(r->part, xml_text(d, n), sizeof r->part);
    if ((rc = need_number(d, sec, "UserAssignments", "TargetClockPeriod", name, false, &r->clock_target_ns)))
        return rc;
    if ((n = xml_child(d, sec, "TopModelName")) || (n = xml_path(d, root, "RTLDesignHierarchy/TopModule/ModuleName")))
        rpt_strlcpy(r->top_module, xml_text(d, n), sizeof r->top_module);

    if ((rc = need(d, root, "profile", "PerformanceEstimates/SummaryOfTimingAnalysis", name, &sec)) ||
        (rc = check_ns(d, sec, "SummaryOfTimingAnalysis", name)) ||
        (rc = need_number(d, sec, "SummaryOfTimingAnalysis", "EstimatedClockPeriod", name, false,
                          &r->clock_estimated_ns)))
        return rc;

    const char *lat = "SummaryOfOverallLatency";
    if ((rc = need(d, root, "profile", "PerformanceEstimates/SummaryOfOverallLatency", name, &sec)) ||
        (rc = need_number(d, sec, lat, "Best-caseLatency", name, true, &r->latency_best)) ||
        (rc = need_number(d, sec, lat, "Worst-caseLatency", name, true, &r->latency_worst)) ||
        (rc = need_number(d, sec, lat, "Interval-min", name, true, &r->ii_min)) ||
        (rc = need_number(d, sec, lat, "Interval-max", name, true, &r->ii_max)))
        return rc;

    const char *dsp_name, *avail_dsp_name;
    if ((rc = need(d, root, "profile", "AreaEstimates/Resources", name, &sec)) ||
        (rc = resources(d, sec, "AreaEstimates/Resources", name, true, &r->bram18, &r->dsp, &r->ff, &r->lut,
                        &r->uram, &dsp_name)))
        return rc;
    if ((sec = xml_path(d, root, "AreaEstimates/AvailableResources")) &&
        (rc = resources(d, sec, "AreaEstimates/AvailableResources", name, false, &r->avail_bram18, &r->avail_dsp,
                        &r->avail_ff, &r->avail_lut, &r->avail_uram, &avail_dsp_name)))
        return rc;
    rpt_strlcpy(r->bram_note, "BRAM_18K as reported by HLS", sizeof r->bram_note);

    /* The top function's data ports (hints for symbolic layer sizes): outputs
     * partitioned as <stem>_<k>[_V] give n_out = max k + 1; one input port's width. */
    const xml_node *ifs = xml_child(d, root, "InterfaceSummary");
    size_t n_in_ports = 0;
    for (const xml_node *p = ifs ? xml_child(d, ifs, "RtlPorts") : NULL; p; p = xml_next(d, p, "RtlPorts")) {
        const xml_node *pn = xml_child(d, p, "name"), *dir = xml_child(d, p, "Dir"), *bits = xml_child(d, p, "Bits");
        const char *nm = pn ? xml_text(d, pn) : "";
        size_t l = strlen(nm);
        if (!dir || strncmp(nm, "ap_", 3) == 0 || strncmp(nm, "const_size", 10) == 0 ||
            (l > 7 && (strcmp(nm + l - 7, "_ap_vld") == 0 || strcmp(nm + l - 7, "_ap_ack") == 0 ||
                       strcmp(nm + l - 6, "_blk_n") == 0)))
            continue;
        if (strcmp(xml_text(d, dir), "in") == 0) {
            double b;
            if (n_in_ports++ == 0 && bits && rpt_number(xml_text(d, bits), strlen(xml_text(d, bits)), &b))
                r->in_port_bits = (size_t)b;
            continue;
        }
        if (strcmp(xml_text(d, dir), "out") != 0)
            continue;
        size_t e = l >= 2 && strcmp(nm + l - 2, "_V") == 0 ? l - 2 : l, b = e;
        while (b > 0 && nm[b - 1] >= '0' && nm[b - 1] <= '9')
            b--;
        if (b == e || b == 0 || nm[b - 1] != '_')
            continue;
        size_t k = (size_t)strtoul(nm + b, NULL, 10);
        if (k + 1 > r->n_out_ports)
            r->n_out_ports = k + 1;
    }
    if (n_in_ports != 1)
        r->in_port_bits = 0;

    /* Vivado HLS was last released as 2020.1; Vitis HLS reports say DSP, not DSP48E. */
    double ver = 0;
    bool vitis = strcmp(dsp_name, "DSP") == 0 ||
                 (r->tool_version[0] && sscanf(r->tool_version, "%lf", &ver) == 1 && ver >= 2020.15);
    r->toolchain = vitis ? RPT_TC_VITIS_HLS : RPT_TC_VIVADO_HLS;
    return SNAC_OK;
}

int rpt_csynth_xml_read(const char *buf, size_t len, const char *name, rpt_result *out)
{
    rpt_result_init(out, RPT_KIND_CSYNTH_XML, RPT_TC_VIVADO_HLS);
    xml_doc *d;
    int rc = xml_parse(buf, len, name, &d);
    if (rc)
        return rc;
    rc = read_doc(d, name, out);
    xml_free(d);
    return rc;
}
