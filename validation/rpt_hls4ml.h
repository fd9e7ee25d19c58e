/* rpt_hls4ml — an hls4ml project's hls4ml_config.yml (project name, part,
 * clock, io_type, model-level precision, reuse factor, strategy). Where the
 * reports of a project are is decided by ingest.c (every <P>_prj/solution<N>,
 * its syn/report and impl/report, vivado_synth.rpt); what the network is, by its
 * firmware (rpt_firmware.h) before this config.
 *
 * Config keys read (others ignored): ProjectName, Part (or XilinxPart), ClockPeriod,
 * IOType, Backend, HLSConfig/Model/{Precision, ReuseFactor, Strategy}. Precision may
 * be a string or a mapping (its "default", else "result" entry is taken).
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

/* Carry what the config knows into a result read from one of its reports:
 * strategy, reuse factor, io_type, precision, model name; the part and clock
 * when the report has none (Vivado writes an abbreviated device name, so the
 * config's full part name is used for Vivado results of the same device). */
void rpt_hls4ml_apply(const rpt_hls4ml_config *cfg, rpt_result *r);

#endif
