/* ingest_manifest — the snac_manifest.json that `snac export` writes into its
 * folder (hls_templates/manifest.json), read back by ingest so the reports of an
 * HLS run in that folder attach to the exported model without --model / --spec.
 *
 * A manifest is trusted only against the database it is ingested into: the
 * model must exist there and the SHA-256 of its stored quantized model (the
 * models.qmodel blob) must equal the manifest's qmodel_sha256, so a manifest
 * from another database never attaches reports to the wrong model. The spec is
 * the manifest's own "spec", re-emitted as compact JSON; it must hash to the
 * manifest's spec_sha256.
 *
 * Memory: ingest_manifest owns spec_json; free with ingest_manifest_free.
 * Workload: one small file per exported folder.
 */
#ifndef SNAC_VALIDATION_INGEST_MANIFEST_H
#define SNAC_VALIDATION_INGEST_MANIFEST_H

#include <stdbool.h>
#include <stdint.h>

#include "store/db.h"
#include "util/sha256.h"
#include "validation/rpt_hls4ml.h" /* RPT_PATH_MAX */

#define INGEST_MANIFEST_NAME "snac_manifest.json" /* = EXPORT_MANIFEST */

typedef struct ingest_manifest {
    char path[RPT_PATH_MAX];
    int64_t model_id;
    char spec_sha256[SHA256_HEX_LEN];
    char qmodel_sha256[SHA256_HEX_LEN];
    char *spec_json;   /* the manifest's spec, compact JSON (malloc'd) */
} ingest_manifest;

/* Read dir/snac_manifest.json. *found = false (and SNAC_OK) when there is none.
 * Bad JSON, another kind, a missing or ill-typed key, or a spec that does not
 * hash to spec_sha256 is SNAC_EFORMAT naming the file. */
int ingest_manifest_read(const char *dir, ingest_manifest *m, bool *found);

/* The manifest's model must exist in db with a quantized model whose SHA-256 is
 * m->qmodel_sha256; the error names the manifest, the model id and what differs. */
int ingest_manifest_verify(snac_db *db, const ingest_manifest *m);

void ingest_manifest_free(ingest_manifest *m);

#endif
