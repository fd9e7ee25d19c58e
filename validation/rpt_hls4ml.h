/* rpt_hls4ml — an hls4ml project directory: its hls4ml_config.yml (project
 * name, part, clock, io_type, model-level precision, reuse factor, strategy)
 * and where its reports are.
 *
 * Config keys read (others ignored): ProjectName, Part, ClockPeriod, IOType,
 * Backend, HLSConfig/Model/{Precision, ReuseFactor, Strategy}. Precision may be a
 * string or a mapping (its "default", else "result" entry is taken).
 * Reports looked for, in order:
 *   <dir>/<ProjectName>_prj/solution1/syn/report/<ProjectName>_csynth.xml, then .rpt
 *   <dir>/vivado_synth.rpt, then <dir>/<ProjectName>_prj/vivado_synth.rpt
 *
 * Memory: plain structs with fixed buffers; nothing to free. Errors name the
 * file and, for the YAML, line:column.
 */
#ifndef SNAC_VALIDATION_RPT_HLS4ML_H
#define SNAC_VALIDATION_RPT_HLS4ML_H

#include <stddef.h>

#include "validation/rpt_result.h"

#define RPT_PATH_MAX 4096

typedef struct rpt_hls4ml_config {
    char project[96];      /* ProjectName, default "myproject" */
    char part[64];
    double clock_ns;       /* NaN if absent */
    char io_type[16];
    char precision[64];
    long reuse_factor;     /* 0 if absent */
    char strategy[32];     /* lower case */
    char backend[32];
} rpt_hls4ml_config;

/* Parse hls4ml_config.yml text; `name` is used in messages. */
int rpt_hls4ml_config_read(const char *buf, size_t len, const char *name, rpt_hls4ml_config *cfg);

typedef struct rpt_hls4ml_project {
    char config_path[RPT_PATH_MAX];
    char csynth_path[RPT_PATH_MAX];   /* "" if none */
    enum rpt_kind csynth_kind;        /* RPT_KIND_CSYNTH_XML or _RPT */
    char vivado_path[RPT_PATH_MAX];   /* "" if none */
} rpt_hls4ml_project;

/* Find the reports of the project in `dir` (cfg gives the project name). An
 * error if the directory has no hls4ml_config.yml or no report at all. */
int rpt_hls4ml_find(const char *dir, const rpt_hls4ml_config *cfg, rpt_hls4ml_project *p);

/* Carry what the config knows into a result read from one of its reports:
 * strategy, reuse factor, io_type, precision, model name; the part and clock
 * when the report has none (Vivado writes an abbreviated device name, so the
 * config's part is used for Vivado results). */
void rpt_hls4ml_apply(const rpt_hls4ml_config *cfg, rpt_result *r);

#endif
