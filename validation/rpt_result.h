/* rpt_result — one synthesis result as read from a report, before it is stored:
 * which tool made it, for which part and clock, how the model was built
 * (strategy, reuse factor, io_type, precision, layer widths) and every number
 * (LUT, FF, DSP, BRAM18, URAM, latency, II, available resources).
 *
 * Unknown numbers are NaN and unknown strings empty; they become SQL NULL.
 * BRAM is always counted in BRAM18 units; bram_note says how it was converted.
 *
 * Enums come with name tables and a COUNT: the report kind names are the
 * synthesis_results.source_kind values, the toolchain names the
 * synthesis_results.toolchain values.
 *
 * Memory: plain data, copied by value. Workload: one per report, one per CSV row.
 */
#ifndef SNAC_VALIDATION_RPT_RESULT_H
#define SNAC_VALIDATION_RPT_RESULT_H

#include <stdbool.h>
#include <stddef.h>

enum rpt_kind {
    RPT_KIND_CSYNTH_XML,     /* Vivado/Vitis HLS <top>_csynth.xml */
    RPT_KIND_CSYNTH_RPT,     /* its text twin <top>_csynth.rpt */
    RPT_KIND_UTILIZATION,    /* Vivado report_utilization text (vivado_synth.rpt) */
    RPT_KIND_HLS4ML_PROJECT, /* a directory with hls4ml_config.yml and the above */
    RPT_KIND_CSV_SWEEP,      /* a tabular sweep (hls4ml RF-stress / rf-exploration CSV) */
    RPT_KIND_EXPORT,         /* Vivado/Vitis HLS impl/report/verilog/<top>_export.rpt (Vivado run by export_design) */
    RPT_KIND_COUNT
};
extern const char *const rpt_kind_names[RPT_KIND_COUNT];

enum rpt_toolchain {
    RPT_TC_VIVADO_HLS, /* Vivado HLS (up to 2020.1) */
    RPT_TC_VITIS_HLS,  /* Vitis HLS (2020.1 onwards) */
    RPT_TC_VIVADO,     /* Vivado logic synthesis / implementation */
    RPT_TC_YOSYS,
    RPT_TC_COUNT
};
extern const char *const rpt_toolchain_names[RPT_TC_COUNT];

/* What a report did not say and the reader assumed (the 2019 sweep defaults). */
enum {
    RPT_ASSUMED_PRECISION = 1u << 0,
    RPT_ASSUMED_STRATEGY = 1u << 1,
    RPT_ASSUMED_IO_TYPE = 1u << 2
};

#define RPT_MAX_LAYERS 32

typedef struct rpt_result {
    enum rpt_kind kind;
    enum rpt_toolchain toolchain;
    char tool_version[32];   /* "2020.1" */
    char part[64];
    double clock_target_ns, clock_estimated_ns;
    char strategy[16];       /* "latency" | "resource" | "" */
    long reuse_factor;       /* 0 = unknown */
    char io_type[16];        /* "io_parallel" | "io_stream" | "" */
    char precision[64];      /* "ap_fixed<16,6>" | "" */
    double lut, ff, dsp, bram18, uram;
    double latency_best, latency_worst, ii_min, ii_max; /* clock cycles */
    double avail_lut, avail_ff, avail_dsp, avail_bram18, avail_uram;
    char bram_note[160];
    char model_name[96];     /* model named by the source (CSV "Model", hls4ml ProjectName) */
    size_t n_out_ports;      /* data outputs of the top function (csynth.xml RtlPorts); 0 = unknown */
    size_t in_port_bits;     /* width of its single data input port; 0 = unknown */
    char top_module[96];     /* the synthesized top function/module ("myproject", "myproject_axi"); "" = unknown */
    size_t layers[RPT_MAX_LAYERS]; /* layer widths n_in, h1, ..., n_out; n_layers = 0 if unknown */
    size_t n_layers;
    unsigned assumed;        /* RPT_ASSUMED_* bits */
    char no_layers_why[200]; /* why the layers are unknown (a CNN, no firmware, ...); "" = not said */
    long source_row;         /* 0 for single-result files; see rpt_csv.h for sweeps */
} rpt_result;

/* Everything unknown: NaN numbers, empty strings, no layers. */
void rpt_result_init(rpt_result *r, enum rpt_kind kind, enum rpt_toolchain tc);

/* Index of `name` in `names[0..count)` (case-insensitive), or -1. */
int rpt_enum_find(const char *const *names, int count, const char *name);

/* Copy src into dst[cap] (truncating, always NUL-terminated). */
void rpt_strlcpy(char *dst, const char *src, size_t cap);

/* Strict number: optional white space, a finite decimal, optional white space,
 * nothing else. Returns false for "", "?", "undef", "-", "1e999", "12abc". */
bool rpt_number(const char *s, size_t len, double *out);

/* Model-name conventions of the hls4ml sweeps: "KERAS_dense_16x200x5" -> 16,200,5;
 * "KERAS_3layer" -> 16,64,32,32,5 (the jet tagger); "2layer_100x100" -> 100,100,100;
 * "KERAS_digit_recognizer_mlp" -> 784,16,10. Returns the count (0 if unknown). */
size_t rpt_layers_from_model_name(const char *name, size_t *layers, size_t cap);

#endif
