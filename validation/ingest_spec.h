/* ingest_spec — the model spec stored with a synthesis result
 * (synthesis_results.spec, JSON), so the surrogate refit can compute features.
 *
 * Two sources: a spec file given with --spec (YAML or JSON; YAML is a superset,
 * so both are read with the config reader and re-emitted as canonical compact
 * JSON), or what the report itself says (rpt_result: model name, layer widths,
 * reuse factor, precision, strategy, io_type, and which of those were assumed):
 *   {"model_name":"KERAS_3layer","layers":[16,64,32,32,5],"reuse_factor":4,
 *    "precision":"ap_fixed<16,6>","strategy":"latency","io_type":"io_parallel",
 *    "assumed":["precision","strategy","io_type"]}
 * and, when the layers are unknown and the source says why, "no_layers":"why".
 *
 * Memory: returned strings are malloc'd; the caller frees them.
 */
#ifndef SNAC_VALIDATION_INGEST_SPEC_H
#define SNAC_VALIDATION_INGEST_SPEC_H

#include "validation/rpt_result.h"

/* Read a YAML/JSON spec file into compact JSON (*json malloc'd), after checking it the way
 * validate and refit read it (vrows_spec_from_text: errors carry file:line:column). */
int ingest_spec_load(const char *path, char **json);

/* Node n of an already parsed YAML/JSON document d as compact JSON (*json malloc'd):
 * a spec embedded in another file (snac_manifest.json). */
struct cfg_doc;
struct cfg_node;
int ingest_spec_node_json(const struct cfg_doc *d, const struct cfg_node *n, char **json);

/* JSON of what r knows about the model; *json = NULL when it knows nothing. */
int ingest_spec_from_result(const rpt_result *r, char **json);

#endif
