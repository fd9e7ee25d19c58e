/* config — a snacpack run configuration (YAML): sections model, training, data, output.
 *
 * snac_config_load() reads and validates the whole file; every error names
 * file:line:column and what was expected. The struct is plain data (no heap),
 * and keeps the file's text so runs can store exactly what they ran with.
 */
#ifndef SNAC_CONFIG_CONFIG_H
#define SNAC_CONFIG_CONFIG_H

#include <stdint.h>

#include "datasets/dataset.h"
#include "nn/arch.h"
#include "nn/train.h"

typedef struct snac_config {
    nn_arch model;          /* n_in / n_out are filled from the data when it is loaded */
    nn_train_opts training;
    uint64_t seed;          /* training seed (weights init, batch order, dropout) */
    ds_config data;
    struct snac_output_cfg {
        char db[DS_PATH_CAP];  /* SQLite file, default "snac.db" */
        char run_name[64];
    } output;
    char path[DS_PATH_CAP];
    char *text;             /* the YAML text as read (heap; freed by snac_config_free) */
} snac_config;

void snac_config_init(snac_config *c);
int snac_config_load(const char *path, snac_config *c);
int snac_config_parse(const char *text, size_t len, const char *name, snac_config *c);
void snac_config_free(snac_config *c);

#endif
